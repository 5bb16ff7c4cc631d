package usbtest

// Target is what is wired to an MPSSE channel's low pin byte: bit 0
// TCK/SCK, bit 1 TDI/MOSI, bit 2 TDO/MISO, bit 3 TMS (JTAG), bits 4..7 GPIO.
type Target interface {
	// Drive tells the target the levels on the pins the chip drives;
	// released pins (direction 0) read as 1 (pulled up).
	Drive(levels uint8)
	// Clock runs one clock cycle with the given TDI/MOSI and TMS levels
	// and returns the TDO/MISO level sampled.
	Clock(tdi, tms bool) bool
	// Inputs returns the levels the target drives (1 where it drives nothing).
	Inputs() uint8
}

// cmdLen is the length of each non-data command the engine knows.
var cmdLen = map[byte]int{0x80: 3, 0x82: 3, 0x81: 1, 0x83: 1, 0x84: 1, 0x85: 1, 0x86: 3, 0x87: 1,
	0x8A: 1, 0x8B: 1, 0x8C: 1, 0x8D: 1, 0x8E: 2, 0x8F: 3, 0x96: 1, 0x97: 1}

// mpsseEngine parses the MPSSE command stream of one channel.
type mpsseEngine struct {
	pend      []byte
	lowVal    uint8
	lowDir    uint8
	highVal   uint8
	highDir   uint8
	div       uint16
	div5      bool // divide-by-5 on: 12 MHz base.
	loopback  bool
	shiftReg  uint8 // bit-mode read register, never cleared.
	target    Target
	clock     *Clock
	reply     func(b ...byte)
	sendNow   func()
	lastTDI   bool
	lastLevel uint8
}

func newMPSSE(t Target, c *Clock, reply func(b ...byte), sendNow func()) *mpsseEngine {
	return &mpsseEngine{div5: true, target: t, clock: c, reply: reply, sendNow: sendNow, lastLevel: 0xFF}
}

// freq is the clock frequency: base/((1+div)*2), base 60 or 12 MHz.
func (m *mpsseEngine) freq() int {
	base := 60_000_000
	if m.div5 {
		base = 12_000_000
	}
	return base / ((1 + int(m.div)) * 2)
}

func (m *mpsseEngine) levels() uint8 {
	return m.lowVal&m.lowDir | ^m.lowDir
}

func (m *mpsseEngine) drive() {
	l := m.levels()
	if l != m.lastLevel {
		m.lastLevel = l
		if m.target != nil {
			m.target.Drive(l)
		}
	}
}

// bit clocks one bit and returns the level read.
func (m *mpsseEngine) bit(tdi, tms bool) bool {
	m.clock.cycles(1, m.freq())
	if m.loopback {
		return tdi
	}
	if m.target == nil {
		return true
	}
	return m.target.Clock(tdi, tms)
}

// shiftByte shifts 8 bits of out and returns the 8 bits read.
func (m *mpsseEngine) shiftByte(out byte, lsb bool) byte {
	var in byte
	for i := 0; i < 8; i++ {
		var b bool
		if lsb {
			b = m.bit(out>>i&1 == 1, false)
			if b {
				in |= 1 << i
			}
		} else {
			b = m.bit(out>>(7-i)&1 == 1, false)
			if b {
				in |= 1 << (7 - i)
			}
		}
	}
	return in
}

// feed appends bytes and executes every complete command.
func (m *mpsseEngine) feed(b []byte) {
	m.pend = append(m.pend, b...)
	for {
		n := m.step()
		if n == 0 {
			break
		}
		m.pend = m.pend[n:]
	}
	if len(m.pend) == 0 {
		m.pend = nil
	}
}

// step executes the first command if complete and returns its length, or 0.
func (m *mpsseEngine) step() int {
	p := m.pend
	if len(p) == 0 {
		return 0
	}
	op := p[0]
	if op&0x80 == 0 {
		return m.data(p)
	}
	n, ok := cmdLen[op]
	if !ok {
		m.reply(0xFA, op)
		return 1
	}
	if len(p) < n {
		return 0
	}
	switch op {
	case 0x80:
		m.lowVal, m.lowDir = p[1], p[2]
		m.clock.cycles(1, m.freq())
		m.drive()
	case 0x82:
		m.highVal, m.highDir = p[1], p[2]
	case 0x81:
		in := uint8(0xFF)
		if m.target != nil {
			in = m.target.Inputs()
		}
		m.reply(m.lowVal&m.lowDir | in&^m.lowDir)
	case 0x83:
		m.reply(m.highVal&m.highDir | ^m.highDir)
	case 0x84:
		m.loopback = true
	case 0x85:
		m.loopback = false
	case 0x86:
		m.div = uint16(p[1]) | uint16(p[2])<<8
	case 0x87:
		m.sendNow()
	case 0x8A:
		m.div5 = false
	case 0x8B:
		m.div5 = true
	case 0x8E:
		for i := 0; i <= int(p[1]); i++ {
			m.bit(m.lastTDI, false)
		}
	case 0x8F:
		k := (int(p[1]) | int(p[2])<<8) + 1
		for i := 0; i < 8*k; i++ {
			m.bit(m.lastTDI, false)
		}
	}
	return n
}

// data executes a data-shifting command (bit 7 clear).
func (m *mpsseEngine) data(p []byte) int {
	op := p[0]
	lsb := op&0x08 != 0
	wr := op&0x10 != 0
	rd := op&0x20 != 0
	tms := op&0x40 != 0
	bits := op&0x02 != 0
	if tms && (!bits || wr) || op&0x80 != 0 {
		m.reply(0xFA, op)
		return 1
	}
	if !bits {
		if len(p) < 3 {
			return 0
		}
		n := (int(p[1]) | int(p[2])<<8) + 1
		total := 3
		if wr {
			total += n
		}
		if len(p) < total {
			return 0
		}
		var out []byte
		if wr {
			out = p[3 : 3+n]
		}
		var in []byte
		if rd {
			in = make([]byte, n)
		}
		for i := 0; i < n; i++ {
			o := byte(0)
			if wr {
				o = out[i]
			} else if m.lastTDI {
				o = 0xFF
			}
			r := m.shiftByte(o, lsb)
			if rd {
				in[i] = r
			}
		}
		if wr && n > 0 {
			if lsb {
				m.lastTDI = out[n-1]>>7&1 == 1
			} else {
				m.lastTDI = out[n-1]&1 == 1
			}
		}
		if rd {
			m.reply(in...)
		}
		return total
	}
	// Bit mode: op, n-1, [data].
	total := 2
	if wr || tms {
		total = 3
	}
	if len(p) < total {
		return 0
	}
	n := int(p[1]&7) + 1
	var d byte
	if total == 3 {
		d = p[2]
	}
	for i := 0; i < n; i++ {
		var tdi, tmsv bool
		switch {
		case tms:
			tmsv = d>>i&1 == 1
			tdi = d>>7&1 == 1
		case lsb:
			tdi = d>>i&1 == 1
		default:
			tdi = d>>(7-i)&1 == 1
		}
		if !wr && !tms {
			tdi = m.lastTDI
		}
		r := m.bit(tdi, tmsv)
		m.lastTDI = tdi
		if lsb || tms {
			m.shiftReg >>= 1
			if r {
				m.shiftReg |= 0x80
			}
		} else {
			m.shiftReg <<= 1
			if r {
				m.shiftReg |= 1
			}
		}
	}
	if rd {
		m.reply(m.shiftReg)
	}
	return total
}
