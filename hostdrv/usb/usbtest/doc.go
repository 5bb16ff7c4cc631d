// Package usbtest is an emulator of the USB devices lifkit drives,
// implementing the usb seam (usb.Bus, usb.Device) so that every driver
// path runs in tests without hardware.
//
// It models, from the facts in shared/facts/usb.md:
//
//   - FTDI FT2232H, FT232H and FT231X: descriptors (endpoints, max packet
//     512 at high speed, 64 at full speed), the vendor control requests,
//     the chip-to-host FIFO sent as packets each starting with two status
//     bytes, short packets held back until the latency timer expires
//     unless 0x87 (send immediate) was seen, status-only packets when
//     there is nothing to send, and a stall when replies overflow the
//     chip's FIFO because the host does not read;
//   - the MPSSE engine: data shifting in byte and bit mode with every
//     flag, TMS commands, GPIO 0x80..0x83, loopback, clock divisor and
//     divide-by-5, clocks without data, and the bad-opcode echo FA <op>;
//   - what is wired to the MPSSE pins (a Target): an iCE40 board (ICE40)
//     with an SPI flash (SPIFlash: JEDEC ID, WEL, BUSY for some polls,
//     erase to 0xFF, page program that ANDs and wraps in its page, power
//     down) and the iCE40 SPI-slave configuration engine (CRESET, CDONE,
//     command parser, 49 extra clocks after wakeup);
//   - an ECP5 behind JTAG (ECP5), clocked edge by edge by the MPSSE or, on
//     the ULX3S's FT231X, by synchronous bit-bang of the modem lines
//     (JTAGBitBang): TAP state machine, IDCODE, status register, ISC
//     enable/erase/disable, bitstream burst, refresh, background SPI;
//   - a USB DFU 1.1 bootloader (DFUDevice, NewOrangeCrab): functional
//     descriptor, the state machine, bwPollTimeout, status codes,
//     manifestation and leaving the bus;
//   - a clock model (Clock): SPI/JTAG clock cycles at the programmed
//     frequency, USB transfer overheads and latency-timer waits, so that
//     performance can be measured in emulated time deterministically.
//
// Faults are injected through fields: SPIFlash.ZeroID, BusyForever,
// FlipAddr; FTDI.UnplugAfter, FTDI.BusyDriver; Bus.DenyAccess;
// DFUDevice.FailBlock, UnplugAtBlock. Replug brings a device back.
// Ready-made boards: NewICEBreaker, NewUPduino3, NewECP5EVN, NewULX3S,
// NewOrangeCrab.
//
// Invariants: the emulator is deterministic (it starts no goroutines and
// never reads the wall clock); every access is serialised by a mutex; an unplugged device
// fails every later call with usb.ErrUnplugged; errors carry the usb
// package's typed errors exactly where libusb would produce them.
package usbtest
