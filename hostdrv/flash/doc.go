// Package flash programs FPGA boards over the usb seam.
//
// ICE40 drives an iCE40 board through an FTDI MPSSE channel as iceprog
// does: it identifies the SPI flash by its JEDEC ID against a table of
// known parts and sizes, refuses an image larger than the flash, erases
// only the 64 KiB blocks the image covers, programs pages of at most 256
// bytes that never cross a page boundary, verifies by reading back, powers
// the flash down and releases CRESET, then checks CDONE. It can also load
// an image straight into the FPGA's configuration SRAM (CRESET, CS, CDONE
// per Lattice TN1248).
//
// ECP5 drives an ECP5 over JTAG, through the MPSSE (ECP5-EVN) or by
// bit-bang (ULX3S's FT231X): IDCODE checked against the bitstream's
// VERIFY_ID, SRAM load by LSC_BITSTREAM_BURST with the status register
// decoded on failure, and the configuration flash written through the
// FPGA's background SPI with the same flash algorithm as iCE40 boards.
// DFU downloads through a USB DFU 1.1 bootloader (OrangeCrab, Fomu).
//
// Page programs are batched: each page is write-enable, program and a few
// status reads, and many pages travel in one USB round trip. If a page's
// last status read still shows BUSY, the pages queued after it may have
// been dropped by the flash (it ignores write-enable while busy), so the
// flasher waits for the flash and programs them again; programming the
// same data twice is harmless because page program ANDs.
//
// Invariants: no success is reported unless every step succeeded and,
// with verification on, every byte read back equals the image; every
// error names the step and the address and says what to do; a flash
// interrupted at any point is completed by running the flasher again,
// because each run erases and rewrites every block the image covers.
package flash
