package ftdi

import (
	"bytes"
	"context"
	"fmt"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// MPSSE opcodes and flags (FTDI AN_108).
const (
	FlagOutFalling = 0x01 // data out on the falling edge.
	FlagBits       = 0x02 // length in bits.
	FlagInFalling  = 0x04 // data in on the falling edge.
	FlagLSB        = 0x08 // LSB first.
	FlagWriteTDI   = 0x10
	FlagReadTDO    = 0x20
	FlagWriteTMS   = 0x40

	OpSetLow      = 0x80
	OpReadLow     = 0x81
	OpSetHigh     = 0x82
	OpReadHigh    = 0x83
	OpLoopbackOn  = 0x84
	OpLoopbackOff = 0x85
	OpDivisor     = 0x86
	OpSendNow     = 0x87
	OpDiv5Off     = 0x8A // 60 MHz base clock.
	OpDiv5On      = 0x8B // 12 MHz base clock.
	OpClockBits   = 0x8E
	OpClockBytes  = 0x8F
	OpBadEcho     = 0xFA
)

// maxShift is the most bytes one byte-mode command moves.
const maxShift = 65536

// MPSSE queues commands for one port in MPSSE mode and sends them in
// batches. Reads queued with a destination are filled by Flush.
type MPSSE struct {
	p       *Port
	cmd     []byte
	slots   [][]byte
	expect  int
	freq    int
	maxCmd  int
	maxRepl int
	hooks   []func()
}

// after queues fn to run once the queued reads are filled.
func (m *MPSSE) after(fn func()) { m.hooks = append(m.hooks, fn) }

// NewMPSSE puts the port in MPSSE mode, checks that the engine answers
// (bad-opcode echo), and sets the clock to at most freqHz.
func NewMPSSE(ctx context.Context, p *Port, freqHz int) (*MPSSE, error) {
	if !p.chip.MPSSE {
		return nil, fmt.Errorf("ftdi: %s has no MPSSE engine", p.chip.Name)
	}
	if err := p.Purge(ctx); err != nil {
		return nil, err
	}
	if err := p.SetLatency(ctx, 1); err != nil {
		return nil, err
	}
	if err := p.SetBitMode(ctx, 0xFF, ModeReset); err != nil {
		return nil, err
	}
	if err := p.SetBitMode(ctx, 0xFF, ModeMPSSE); err != nil {
		return nil, err
	}
	m := &MPSSE{p: p, maxCmd: 64 << 10, maxRepl: p.chip.TxBuffer}
	if m.maxRepl <= 0 {
		m.maxRepl = 1024
	}
	if err := m.Sync(ctx); err != nil {
		return nil, err
	}
	if err := m.SetClock(freqHz); err != nil {
		return nil, err
	}
	m.cmd = append(m.cmd, OpLoopbackOff)
	return m, m.Flush(ctx)
}

// Port returns the underlying port.
func (m *MPSSE) Port() *Port { return m.p }

// Freq returns the clock frequency set.
func (m *MPSSE) Freq() int { return m.freq }

// Sync sends the invalid opcode 0xAA and waits for the echo FA AA, which
// proves the engine is in step with the host.
func (m *MPSSE) Sync(ctx context.Context) error {
	if err := m.p.Write(ctx, []byte{0xAA, OpSendNow}); err != nil {
		return fmt.Errorf("ftdi: mpsse sync: %w", err)
	}
	var got []byte
	for tries := 0; tries < 32; tries++ {
		var err error
		got, err = m.p.ReadAvailable(ctx, got, 2)
		if err != nil {
			return fmt.Errorf("ftdi: mpsse sync: %w", err)
		}
		if i := bytes.Index(got, []byte{OpBadEcho, 0xAA}); i >= 0 {
			if rest := got[i+2:]; len(rest) > 0 {
				return fmt.Errorf("ftdi: mpsse sync: %d unexpected bytes after the echo", len(rest))
			}
			return nil
		}
	}
	return fmt.Errorf("ftdi: mpsse sync: no FA AA echo (got % x); the chip is not in MPSSE mode or another program is using it: %w", got, usb.ErrTimeout)
}

// SetClock queues the clock divisor for the highest frequency <= hz.
// H chips use the 60 MHz base: f = 30 MHz/(1+d).
func (m *MPSSE) SetClock(hz int) error {
	if hz <= 0 || hz > 30_000_000 {
		return fmt.Errorf("ftdi: mpsse clock %d Hz: must be 1..30000000", hz)
	}
	d := (30_000_000+hz-1)/hz - 1
	if d > 0xFFFF {
		return fmt.Errorf("ftdi: mpsse clock %d Hz below the minimum 458 Hz", hz)
	}
	m.freq = 30_000_000 / (1 + d)
	m.cmd = append(m.cmd, OpDiv5Off, OpDivisor, byte(d), byte(d>>8))
	return nil
}

func (m *MPSSE) room(ctx context.Context, cmdBytes, replyBytes int) error {
	if len(m.cmd)+cmdBytes > m.maxCmd || m.expect+replyBytes > m.maxRepl-2 {
		return m.Flush(ctx)
	}
	return nil
}

// SetLow queues 0x80: value and direction (1 = output) of pins 0..7.
func (m *MPSSE) SetLow(ctx context.Context, value, dir uint8) error {
	if err := m.room(ctx, 3, 0); err != nil {
		return err
	}
	m.cmd = append(m.cmd, OpSetLow, value, dir)
	return nil
}

// ReadLow queues 0x81; *dst receives the pin levels at Flush.
func (m *MPSSE) ReadLow(ctx context.Context, dst []byte) error {
	if err := m.room(ctx, 1, 1); err != nil {
		return err
	}
	m.cmd = append(m.cmd, OpReadLow)
	m.slot(dst[:1])
	return nil
}

func (m *MPSSE) slot(dst []byte) {
	m.slots = append(m.slots, dst)
	m.expect += len(dst)
}

// Shift queues a byte-mode data command with flags (FlagWriteTDI,
// FlagReadTDO, edges, bit order). With FlagWriteTDI, out is sent; with
// FlagReadTDO, in (same length as out, or n bytes if out is nil) receives
// the bits read. Long shifts are split into commands of at most 64 KiB and
// into batches the chip can buffer.
func (m *MPSSE) Shift(ctx context.Context, flags uint8, out []byte, in []byte) error {
	n := len(out)
	if flags&FlagWriteTDI == 0 {
		n = len(in)
	}
	if flags&FlagReadTDO != 0 && len(in) != n {
		return fmt.Errorf("ftdi: mpsse shift: read buffer %d bytes for %d bytes shifted", len(in), n)
	}
	for off := 0; off < n; {
		c := n - off
		if c > maxShift {
			c = maxShift
		}
		if flags&FlagReadTDO != 0 && c > m.maxRepl-2 {
			c = m.maxRepl - 2
		}
		cb := 3
		if flags&FlagWriteTDI != 0 {
			cb += c
			if cb > m.maxCmd {
				c = m.maxCmd - 3
				cb = m.maxCmd
			}
		}
		rb := 0
		if flags&FlagReadTDO != 0 {
			rb = c
		}
		if err := m.room(ctx, cb, rb); err != nil {
			return err
		}
		m.cmd = append(m.cmd, flags&^FlagBits&^FlagWriteTMS, byte(c-1), byte((c-1)>>8))
		if flags&FlagWriteTDI != 0 {
			m.cmd = append(m.cmd, out[off:off+c]...)
		}
		if rb > 0 {
			m.slot(in[off : off+c])
		}
		off += c
	}
	return nil
}

// ShiftBits queues a bit-mode data command of n (1..8) bits. With
// FlagReadTDO, dst[0] receives the shift register (LSB first: the last bit
// read is bit 7).
func (m *MPSSE) ShiftBits(ctx context.Context, flags uint8, n int, out byte, dst []byte) error {
	if n < 1 || n > 8 {
		return fmt.Errorf("ftdi: mpsse bit shift of %d bits: must be 1..8", n)
	}
	rb := 0
	if flags&FlagReadTDO != 0 {
		rb = 1
	}
	if err := m.room(ctx, 3, rb); err != nil {
		return err
	}
	m.cmd = append(m.cmd, flags|FlagBits, byte(n-1))
	if flags&(FlagWriteTDI|FlagWriteTMS) != 0 {
		m.cmd = append(m.cmd, out)
	}
	if rb > 0 {
		m.slot(dst[:1])
	}
	return nil
}

// Clocks queues n clock cycles without data (0x8F for whole bytes, 0x8E
// for the rest).
func (m *MPSSE) Clocks(ctx context.Context, n int) error {
	for n >= 8 {
		k := n / 8
		if k > 65536 {
			k = 65536
		}
		if err := m.room(ctx, 3, 0); err != nil {
			return err
		}
		m.cmd = append(m.cmd, OpClockBytes, byte(k-1), byte((k-1)>>8))
		n -= 8 * k
	}
	if n > 0 {
		if err := m.room(ctx, 2, 0); err != nil {
			return err
		}
		m.cmd = append(m.cmd, OpClockBits, byte(n-1))
	}
	return nil
}

// Flush sends the queued commands in one bulk write and, if they produce
// replies, reads exactly that many bytes and fills the queued destinations.
func (m *MPSSE) Flush(ctx context.Context) error {
	if len(m.cmd) == 0 {
		return nil
	}
	if m.expect > 0 {
		m.cmd = append(m.cmd, OpSendNow)
	}
	cmd, slots, expect, hooks := m.cmd, m.slots, m.expect, m.hooks
	m.cmd, m.slots, m.expect, m.hooks = m.cmd[:0], nil, 0, nil
	if err := m.p.Write(ctx, cmd); err != nil {
		return fmt.Errorf("ftdi: mpsse: %w", err)
	}
	if expect == 0 {
		for _, h := range hooks {
			h()
		}
		return nil
	}
	reply := make([]byte, expect)
	if err := m.p.ReadFull(ctx, reply); err != nil {
		return fmt.Errorf("ftdi: mpsse: %w", err)
	}
	off := 0
	for _, s := range slots {
		off += copy(s, reply[off:])
	}
	for _, h := range hooks {
		h()
	}
	return nil
}
