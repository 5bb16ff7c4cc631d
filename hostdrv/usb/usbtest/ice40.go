package usbtest

import "fmt"

// ICE40 models an iCE40 board behind an FTDI MPSSE channel (iCEBreaker,
// UPduino): pins SCK 0, MOSI 1, MISO 2, CS 4 (shared by the flash and the
// FPGA's SPI_SS), CDONE 6 (input), CRESET 7.
//
// When CRESET is released with CS high the FPGA boots from the flash; with
// CS low it enters SPI slave mode and configures from the bits clocked in.
// In both cases the configuration engine parses the iCE40 command stream
// (preamble 7E AA 99 7E, bank width/height/offset, CRAM and BRAM data,
// wakeup 01 06) and CDONE rises after wakeup: at once when booting from
// flash, after 49 more clocks in slave mode.
type ICE40 struct {
	Flash *SPIFlash

	// Configured is true while CDONE is high.
	Configured bool
	// BootedFrom is "flash" or "sram" for the last configuration.
	BootedFrom string
	// SRAMData holds every byte clocked in during slave configuration.
	SRAMData []byte
	// ConfigError describes why the last configuration failed.
	ConfigError string

	cs, creset bool // levels: true = high.
	slave      bool
	parser     ice40Parser
	bitn       int
	in         byte
	extra      int
	miso       bool
}

var _ Target = (*ICE40)(nil)

// NewICE40 returns a board with the given flash, CRESET and CS high.
func NewICE40(flash *SPIFlash) *ICE40 {
	return &ICE40{Flash: flash, cs: true, creset: true, miso: true}
}

// PowerCycle models the board losing and regaining power: the flash keeps
// its contents but forgets its volatile state, every line is released,
// and the FPGA boots from the flash.
func (b *ICE40) PowerCycle() {
	if fl := b.Flash; fl != nil {
		fl.selected, fl.wel, fl.busy, fl.powerDown, fl.cmd, fl.bitn = false, false, 0, false, nil, 0
	}
	b.cs, b.creset, b.slave, b.Configured, b.BootedFrom, b.miso = true, true, false, false, "", true
	b.bootFromFlash()
}

// Drive follows CS and CRESET.
func (b *ICE40) Drive(levels uint8) {
	cs := levels&0x10 != 0
	creset := levels&0x80 != 0
	if creset != b.creset {
		b.creset = creset
		if !creset {
			b.Configured, b.slave, b.BootedFrom = false, false, ""
		} else if !cs {
			b.slave = true
			b.SRAMData, b.bitn, b.extra, b.ConfigError = nil, 0, 0, ""
			b.parser = ice40Parser{}
		} else {
			b.bootFromFlash()
		}
	}
	if cs != b.cs {
		b.cs = cs
		if b.Flash != nil {
			b.Flash.Select(!cs)
		}
	}
}

func (b *ICE40) bootFromFlash() {
	b.ConfigError = ""
	if b.Flash == nil {
		b.ConfigError = "no flash"
		return
	}
	// The FPGA wakes the flash (0xAB) before reading it.
	b.Flash.powerDown = false
	var p ice40Parser
	for _, c := range b.Flash.Mem {
		p.feed(c)
		if p.done || p.err != "" {
			break
		}
	}
	if p.done {
		b.Configured, b.BootedFrom = true, "flash"
		return
	}
	b.ConfigError = p.err
	if b.ConfigError == "" {
		b.ConfigError = "no wakeup command in the flash"
	}
}

// Clock shifts one bit into the flash and, in slave mode, the FPGA.
func (b *ICE40) Clock(mosi, _ bool) bool {
	miso := true
	if !b.cs && b.Flash != nil {
		miso = b.Flash.Clock(mosi)
	}
	if b.slave && b.creset {
		if !b.cs {
			b.in <<= 1
			if mosi {
				b.in |= 1
			}
			b.bitn++
			if b.bitn == 8 {
				b.bitn = 0
				b.SRAMData = append(b.SRAMData, b.in)
				b.parser.feed(b.in)
				if b.parser.err != "" {
					b.ConfigError, b.slave = b.parser.err, false
				}
			}
		}
		if b.parser.done {
			b.extra++
			if b.extra >= 49 {
				b.Configured, b.BootedFrom, b.slave = true, "sram", false
			}
		}
	}
	b.miso = miso
	return miso
}

// Inputs returns CDONE on bit 6 and MISO on bit 2.
func (b *ICE40) Inputs() uint8 {
	v := uint8(0xFF)
	if !b.Configured {
		v &^= 0x40
	}
	if !b.miso {
		v &^= 0x04
	}
	return v
}

// ice40Parser follows the iCE40 configuration command stream (icestorm
// documentation of the bitstream format): a command byte holds the opcode
// in its high nibble and the payload length in its low nibble.
type ice40Parser struct {
	synced  bool
	window  uint32
	cmd     byte
	payload []byte
	data    int // CRAM/BRAM bytes still to skip (+2 trailing zeros).
	width   int
	height  int
	done    bool
	err     string
}

func (p *ice40Parser) feed(c byte) {
	if p.done || p.err != "" {
		return
	}
	if !p.synced {
		p.window = p.window<<8 | uint32(c)
		if p.window == 0x7EAA997E {
			p.synced = true
		}
		return
	}
	if p.data > 0 {
		p.data--
		return
	}
	if p.cmd == 0 && len(p.payload) == 0 {
		if c == 0 {
			return
		}
		p.cmd = c
		if c&0x0F == 0 {
			p.exec(0)
		}
		return
	}
	p.payload = append(p.payload, c)
	if len(p.payload) == int(p.cmd&0x0F) {
		v := 0
		for _, b := range p.payload {
			v = v<<8 | int(b)
		}
		p.exec(v)
	}
}

func (p *ice40Parser) exec(v int) {
	op := p.cmd >> 4
	p.cmd, p.payload = 0, p.payload[:0]
	switch op {
	case 0x0:
		switch v {
		case 0x01, 0x03: // CRAM or BRAM data of the current bank.
			if p.width == 0 || p.height == 0 {
				p.err = "data before bank width and height"
				return
			}
			p.data = p.width*p.height/8 + 2
		case 0x05, 0x08:
		case 0x06:
			p.done = true
		default:
			p.err = fmt.Sprintf("unknown special command 0x%02x", v)
		}
	case 0x1, 0x2, 0x5, 0x8, 0x9:
	case 0x6:
		p.width = v + 1
	case 0x7:
		p.height = v
	default:
		p.err = fmt.Sprintf("unknown command opcode 0x%x", op)
	}
}
