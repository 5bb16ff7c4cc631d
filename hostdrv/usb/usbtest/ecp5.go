package usbtest

import "bytes"

// TAP states.
const (
	tapReset = iota
	tapIdle
	tapSelDR
	tapCapDR
	tapShiftDR
	tapExit1DR
	tapPauseDR
	tapExit2DR
	tapUpdDR
	tapSelIR
	tapCapIR
	tapShiftIR
	tapExit1IR
	tapPauseIR
	tapExit2IR
	tapUpdIR
)

// tapNext[state][tms] is the IEEE 1149.1 state graph.
var tapNext = [16][2]int{
	tapReset: {tapIdle, tapReset}, tapIdle: {tapIdle, tapSelDR},
	tapSelDR: {tapCapDR, tapSelIR}, tapCapDR: {tapShiftDR, tapExit1DR},
	tapShiftDR: {tapShiftDR, tapExit1DR}, tapExit1DR: {tapPauseDR, tapUpdDR},
	tapPauseDR: {tapPauseDR, tapExit2DR}, tapExit2DR: {tapShiftDR, tapUpdDR},
	tapUpdDR: {tapIdle, tapSelDR}, tapSelIR: {tapCapIR, tapReset},
	tapCapIR: {tapShiftIR, tapExit1IR}, tapShiftIR: {tapShiftIR, tapExit1IR},
	tapExit1IR: {tapPauseIR, tapUpdIR}, tapPauseIR: {tapPauseIR, tapExit2IR},
	tapExit2IR: {tapShiftIR, tapUpdIR}, tapUpdIR: {tapIdle, tapSelDR},
}

// ECP5 status register bits.
const (
	ECP5StatusDone  = 1 << 8
	ECP5StatusISC   = 1 << 9
	ECP5StatusBusy  = 1 << 12
	ECP5StatusFail  = 1 << 13
	ECP5StatusIDErr = 1 << 27
)

// Bitstream engine error codes (status bits 23..25).
const (
	BSEOK       = 0
	BSEID       = 1
	BSECommand  = 2
	BSECRC      = 3
	BSEPreamble = 4
	BSEAbort    = 5
	BSEOverflow = 6
	BSESDM      = 7
)

// ECP5 models a Lattice ECP5 behind JTAG (TCK 0, TDI 1, TDO 2, TMS 3 on
// the MPSSE low byte), driven edge by edge: the TAP state machine, an
// 8-bit IR, READ_ID, LSC_READ_STATUS, ISC_ENABLE/ERASE/DISABLE,
// LSC_RESET_CRC, LSC_BITSTREAM_BURST, LSC_REFRESH and background SPI to
// the configuration flash (key FE 68; flash CS low exactly while in
// Shift-DR, TDI to MOSI, MISO to TDO).
//
// The configuration engine checks what it can without the proprietary
// frame format: the preamble FF FF BD B3 (BF/BE B3 means encrypted:
// error SDM here), a VERIFY_ID command (E2 00 00 00 + IDCODE) against its
// own IDCODE, and that the stream ends with ISC_PROGRAM_DONE (5E 00 00 00)
// before FF padding (a truncated stream is reported as abort).
type ECP5 struct {
	IDCODE uint32
	Flash  *SPIFlash

	// Configured is true while DONE is set; Image is the last burst.
	Configured bool
	BootedFrom string
	Image      []byte

	state   int
	ir      uint8
	irSh    uint8
	drOut   uint64
	drIn    []byte // bits shifted in, one per byte (for short registers).
	burst   []byte
	bbit    int
	bbyte   byte
	bgSPI   bool
	isc     bool
	bse     int
	idErr   bool
	fail    bool
	lastTDO bool
	tck     bool
	tdi     bool
	tms     bool
}

var _ Target = (*ECP5)(nil)

// NewECP5 returns a device with the given IDCODE and flash.
func NewECP5(idcode uint32, flash *SPIFlash) *ECP5 {
	return &ECP5{IDCODE: idcode, Flash: flash, state: tapReset, ir: 0xE0}
}

func (e *ECP5) status() uint32 {
	var s uint32
	if e.Configured {
		s |= ECP5StatusDone
	}
	if e.isc {
		s |= ECP5StatusISC
	}
	if e.fail {
		s |= ECP5StatusFail
	}
	if e.idErr {
		s |= ECP5StatusIDErr
	}
	s |= uint32(e.bse&7) << 23
	return s
}

// Status returns the status register.
func (e *ECP5) Status() uint32 { return e.status() }

// Drive is unused: the MPSSE clocks the TAP through Clock.
func (e *ECP5) Drive(levels uint8) {}

// Inputs returns TDO on bit 2.
func (e *ECP5) Inputs() uint8 {
	if e.lastTDO {
		return 0xFF
	}
	return 0xFB
}

// TDO returns the level TDO has before the next rising edge of TCK.
func (e *ECP5) TDO() bool {
	switch e.state {
	case tapShiftIR:
		return e.irSh&1 == 1
	case tapShiftDR:
		if e.ir == 0x3A && e.bgSPI && e.Flash != nil {
			return e.Flash.peek()
		}
		return e.drOut&1 == 1
	}
	return true
}

// Clock runs one TCK cycle: the current state's action, then the move.
func (e *ECP5) Clock(tdi, tms bool) bool {
	tdo := true
	switch e.state {
	case tapCapIR:
		e.irSh = 0x01
	case tapShiftIR:
		tdo = e.irSh&1 == 1
		e.irSh >>= 1
		if tdi {
			e.irSh |= 0x80
		}
	case tapCapDR:
		e.drIn = e.drIn[:0]
		switch e.ir {
		case 0xE0:
			e.drOut = uint64(e.IDCODE)
		case 0x3C:
			e.drOut = uint64(e.status())
		case 0xF0:
			e.drOut = 0
		default:
			e.drOut = 0
		}
	case tapShiftDR:
		tdo = e.drOut&1 == 1
		e.drOut >>= 1
		switch {
		case e.ir == 0x3A && e.bgSPI && e.Flash != nil:
			tdo = e.Flash.Clock(tdi)
		case e.ir == 0x7A:
			e.bbyte <<= 1
			if tdi {
				e.bbyte |= 1
			}
			e.bbit++
			if e.bbit == 8 {
				e.burst = append(e.burst, e.bbyte)
				e.bbit = 0
			}
		default:
			if len(e.drIn) < 64 {
				b := byte(0)
				if tdi {
					b = 1
				}
				e.drIn = append(e.drIn, b)
			}
		}
	case tapUpdIR:
		e.updateIR()
	case tapUpdDR:
		e.updateDR()
	}
	prev := e.state
	t := 0
	if tms {
		t = 1
	}
	e.state = tapNext[e.state][t]
	if e.ir == 0x3A && e.bgSPI && e.Flash != nil {
		if e.state == tapShiftDR && prev != tapShiftDR {
			e.Flash.Select(true)
		} else if prev == tapShiftDR && e.state != tapShiftDR {
			e.Flash.Select(false)
		}
	}
	e.lastTDO = tdo
	return tdo
}

func (e *ECP5) drValue(bits int) uint64 {
	var v uint64
	for i := 0; i < bits && i < len(e.drIn); i++ {
		v |= uint64(e.drIn[i]) << i
	}
	return v
}

func (e *ECP5) updateIR() {
	e.ir = e.irSh
	switch e.ir {
	case 0x0E: // ISC_ERASE
		if e.isc {
			e.Configured, e.BootedFrom, e.Image = false, "", nil
		}
	case 0x3B: // LSC_RESET_CRC
		e.bse, e.fail, e.idErr = BSEOK, false, false
	case 0x7A: // LSC_BITSTREAM_BURST
		e.burst, e.bbit = e.burst[:0], 0
	case 0x26: // ISC_DISABLE: leave programming mode; wake up if the burst was good.
		if e.isc && e.burst != nil {
			e.check(e.burst)
			if !e.fail {
				e.Configured, e.BootedFrom, e.Image = true, "sram", append([]byte(nil), e.burst...)
			}
		}
		e.isc, e.burst = false, nil
	case 0x79: // LSC_REFRESH: reboot from flash.
		e.Configured, e.BootedFrom = false, ""
		if e.Flash != nil {
			e.check(e.Flash.Mem)
			if !e.fail {
				e.Configured, e.BootedFrom = true, "flash"
			}
		}
	}
}

func (e *ECP5) updateDR() {
	switch e.ir {
	case 0xC6: // ISC_ENABLE
		e.isc = true
	case 0x3A:
		// The key FE 68, shifted LSB first, enables background SPI.
		if len(e.drIn) >= 16 && e.drValue(16) == 0x68FE {
			e.bgSPI = true
		}
	}
}

// check runs the model's bitstream checks and sets the error bits.
func (e *ECP5) check(img []byte) {
	e.bse, e.fail, e.idErr = BSEOK, false, false
	failWith := func(code int) { e.bse, e.fail = code, true }
	n := len(img)
	if n > 4096 {
		n = 4096
	}
	head := img[:n]
	if bytes.Contains(head, []byte{0xFF, 0xFF, 0xBF, 0xB3}) || bytes.Contains(head, []byte{0xFF, 0xFF, 0xBE, 0xB3}) {
		failWith(BSESDM)
		return
	}
	p := bytes.Index(head, []byte{0xFF, 0xFF, 0xBD, 0xB3})
	if p < 0 {
		failWith(BSEPreamble)
		return
	}
	body := img[p+4:]
	if i := bytes.Index(body[:min(len(body), 256)], []byte{0xE2, 0, 0, 0}); i >= 0 && i+8 <= len(body) {
		id := uint32(body[i+4])<<24 | uint32(body[i+5])<<16 | uint32(body[i+6])<<8 | uint32(body[i+7])
		if id != e.IDCODE {
			failWith(BSEID)
			e.idErr = true
			return
		}
	}
	end := len(body)
	for end > 0 && body[end-1] == 0xFF {
		end--
	}
	if end < 4 || !bytes.Equal(body[end-4:end], []byte{0x5E, 0, 0, 0}) {
		failWith(BSEAbort)
	}
}

// JTAGBitBang wires an ECP5's TAP to the bit-bang port of an FTDI chip
// (ULX3S: FT231X modem lines).
type JTAGBitBang struct {
	TAP                *ECP5
	TCK, TMS, TDI, TDO uint8
	last               uint8
}

var _ BitBanger = (*JTAGBitBang)(nil)
var _ Target = (*JTAGBitBang)(nil)

// Apply clocks the TAP on each rising edge of TCK.
func (a *JTAGBitBang) Apply(l uint8) {
	if l&a.TCK != 0 && a.last&a.TCK == 0 {
		a.TAP.Clock(l&a.TDI != 0, l&a.TMS != 0)
	}
	a.last = l
}

// Sample puts TDO on its pin.
func (a *JTAGBitBang) Sample(levels uint8) uint8 {
	if a.TAP.TDO() {
		return levels | a.TDO
	}
	return levels &^ a.TDO
}

// Drive, Clock and Inputs: the bit-bang wiring has no MPSSE side.
func (a *JTAGBitBang) Drive(uint8)          {}
func (a *JTAGBitBang) Clock(_, _ bool) bool { return true }
func (a *JTAGBitBang) Inputs() uint8        { return a.Sample(0xFF) }
