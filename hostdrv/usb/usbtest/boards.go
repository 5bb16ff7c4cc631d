package usbtest

import "github.com/lifkit/lifkit/hostdrv/ftdi"

// ICE40Rig is an emulated iCE40 board on an emulated bus.
type ICE40Rig struct {
	Bus   *Bus
	FTDI  *FTDI
	Board *ICE40
	Flash *SPIFlash
}

// NewICEBreaker returns an emulated iCEBreaker: FT2232H (channel A MPSSE
// to a 16 MiB W25Q128JV flash and the iCE40 UP5K, channel B the UART).
func NewICEBreaker() *ICE40Rig {
	fl := NewSPIFlash([3]byte{0xEF, 0x70, 0x18}, 16<<20)
	b := NewICE40(fl)
	f := NewFTDI(ftdi.FT2232H, 5, b)
	f.desc.Product = "iCEBreaker V1.0e"
	return &ICE40Rig{Bus: NewBus(f), FTDI: f, Board: b, Flash: fl}
}

// NewUPduino3 returns an emulated UPduino v3: FT232H to a 4 MiB W25Q32 flash.
func NewUPduino3() *ICE40Rig {
	fl := NewSPIFlash([3]byte{0xEF, 0x40, 0x16}, 4<<20)
	b := NewICE40(fl)
	f := NewFTDI(ftdi.FT232H, 6, b)
	f.desc.Product = "UPduino v3.0"
	return &ICE40Rig{Bus: NewBus(f), FTDI: f, Board: b, Flash: fl}
}

// ECP5Rig is an emulated ECP5 board on an emulated bus.
type ECP5Rig struct {
	Bus   *Bus
	FTDI  *FTDI
	FPGA  *ECP5
	Flash *SPIFlash
}

// NewECP5EVN returns an emulated ECP5-EVN: FT2232H channel A JTAG to an
// ECP5 with the given IDCODE (the real board: 0x81113043, LFE5UM5G-85F)
// and a 16 MiB Macronix MX25L12833F flash.
func NewECP5EVN(idcode uint32) *ECP5Rig {
	fl := NewSPIFlash([3]byte{0xC2, 0x20, 0x18}, 16<<20)
	e := NewECP5(idcode, fl)
	f := NewFTDI(ftdi.FT2232H, 7, e)
	f.desc.Product = "Lattice ECP5 Evaluation Board"
	return &ECP5Rig{Bus: NewBus(f), FTDI: f, FPGA: e, Flash: fl}
}

// NewULX3S returns an emulated ULX3S: an FT231X (full speed, 64-byte
// packets, no MPSSE) whose modem lines bit-bang the ECP5's JTAG (TCK DSR,
// TMS DCD, TDI RI, TDO CTS), and a 16 MiB flash behind background SPI.
func NewULX3S(idcode uint32) *ECP5Rig {
	fl := NewSPIFlash([3]byte{0xEF, 0x40, 0x18}, 16<<20)
	e := NewECP5(idcode, fl)
	bb := &JTAGBitBang{TAP: e, TCK: 1 << 5, TMS: 1 << 6, TDI: 1 << 7, TDO: 1 << 3}
	f := NewFTDI(ftdi.FT231X, 8, bb)
	f.desc.Product = "ULX3S FPGA 25K v3.0.3"
	return &ECP5Rig{Bus: NewBus(f), FTDI: f, FPGA: e, Flash: fl}
}
