package ftdi

import (
	"context"
	"fmt"
)

// JTAG pins on the MPSSE low byte: TCK 0, TDI 1, TDO 2, TMS 3.
const (
	jtagValue = 0x08 // TMS high at rest.
	jtagDir   = 0x0B // TCK, TDI, TMS outputs.
)

// JTAG drives a TAP through an MPSSE channel. Every method starts and
// ends in Run-Test/Idle; commands are queued and sent by Flush (reads are
// filled then), so a whole programming sequence can share round trips.
type JTAG struct {
	m *MPSSE
}

// NewJTAG sets up the JTAG pins and resets the TAP into Run-Test/Idle.
func NewJTAG(ctx context.Context, m *MPSSE) (*JTAG, error) {
	j := &JTAG{m: m}
	if err := m.SetLow(ctx, jtagValue, jtagDir); err != nil {
		return nil, err
	}
	if err := j.Reset(ctx); err != nil {
		return nil, err
	}
	return j, j.m.Flush(ctx)
}

// MPSSE returns the engine.
func (j *JTAG) MPSSE() *MPSSE { return j.m }

// Flush sends queued commands and fills queued reads.
func (j *JTAG) Flush(ctx context.Context) error { return j.m.Flush(ctx) }

// tms queues n (1..7) TMS bits (LSB first) with TDI held at tdi; with
// dst, the TDO bit of the first clock lands in bit 7 of dst[0] when n = 1.
func (j *JTAG) tms(ctx context.Context, bits byte, n int, tdi bool, dst []byte) error {
	d := bits & 0x7F
	if tdi {
		d |= 0x80
	}
	flags := byte(FlagWriteTMS | FlagLSB | FlagOutFalling)
	if dst != nil {
		flags |= FlagReadTDO
	}
	return j.m.ShiftBits(ctx, flags, n, d, dst)
}

// Reset moves the TAP to Test-Logic-Reset (five TMS highs), then Run-Test/Idle.
func (j *JTAG) Reset(ctx context.Context) error {
	return j.tms(ctx, 0x1F, 6, false, nil)
}

// Idle queues n clocks in Run-Test/Idle.
func (j *JTAG) Idle(ctx context.Context, n int) error { return j.m.Clocks(ctx, n) }

// IR shifts an 8-bit instruction, LSB first.
func (j *JTAG) IR(ctx context.Context, ir byte) error {
	if err := j.tms(ctx, 0x03, 4, false, nil); err != nil { // Idle -> Select-DR -> Select-IR -> Capture-IR -> Shift-IR.
		return err
	}
	if err := j.m.ShiftBits(ctx, FlagWriteTDI|FlagLSB|FlagOutFalling, 7, ir, nil); err != nil {
		return err
	}
	if err := j.tms(ctx, 0x01, 1, ir&0x80 != 0, nil); err != nil { // last bit, -> Exit1-IR.
		return err
	}
	return j.tms(ctx, 0x01, 2, false, nil) // -> Update-IR -> Idle.
}

// DR shifts out through the data register, then reads len(in) more
// bytes (TDI idle high) into in at Flush, leaving Shift-DR on the last
// bit. Either may be empty, not both. msb selects MSB-first bytes (SPI
// data and bitstreams); otherwise LSB first (registers).
func (j *JTAG) DR(ctx context.Context, out, in []byte, msb bool) error {
	if len(out)+len(in) == 0 {
		return fmt.Errorf("ftdi: jtag: empty DR shift")
	}
	if err := j.tms(ctx, 0x01, 3, false, nil); err != nil { // Idle -> Select-DR -> Capture-DR -> Shift-DR.
		return err
	}
	order := byte(0)
	if !msb {
		order = FlagLSB
	}
	wf := FlagOutFalling | FlagWriteTDI | order
	rf := FlagReadTDO | order
	lastBit := func(b byte) bool {
		if msb {
			return b&1 != 0
		}
		return b&0x80 != 0
	}
	if len(in) == 0 {
		n := len(out)
		if n > 1 {
			if err := j.m.Shift(ctx, wf, out[:n-1], nil); err != nil {
				return err
			}
		}
		if err := j.m.ShiftBits(ctx, wf, 7, out[n-1], nil); err != nil {
			return err
		}
		if err := j.tms(ctx, 0x01, 1, lastBit(out[n-1]), nil); err != nil { // -> Exit1-DR.
			return err
		}
		return j.tms(ctx, 0x01, 2, false, nil) // -> Update-DR -> Idle.
	}
	if len(out) > 0 {
		if err := j.m.Shift(ctx, wf, out, nil); err != nil {
			return err
		}
	}
	m := len(in)
	if m > 1 {
		if err := j.m.Shift(ctx, rf, nil, in[:m-1]); err != nil {
			return err
		}
	}
	r7, r1 := make([]byte, 1), make([]byte, 1)
	if err := j.m.ShiftBits(ctx, rf, 7, 0, r7); err != nil {
		return err
	}
	if err := j.tms(ctx, 0x01, 1, true, r1); err != nil { // last bit, -> Exit1-DR.
		return err
	}
	if err := j.tms(ctx, 0x01, 2, false, nil); err != nil { // -> Update-DR -> Idle.
		return err
	}
	j.m.after(func() {
		if msb {
			in[m-1] = r7[0]<<1 | r1[0]>>7
		} else {
			in[m-1] = r7[0]>>1 | r1[0]&0x80
		}
	})
	return nil
}

// DRStream shifts out through the data register in one Shift-DR, MSB
// first per byte if msb, flushing every chunk bytes and calling progress
// with the bytes sent so far (ecpprog streams bitstreams this way).
func (j *JTAG) DRStream(ctx context.Context, out []byte, msb bool, chunk int, progress func(done int)) error {
	if len(out) == 0 {
		return fmt.Errorf("ftdi: jtag: empty DR shift")
	}
	if err := j.tms(ctx, 0x01, 3, false, nil); err != nil {
		return err
	}
	order := byte(0)
	if !msb {
		order = FlagLSB
	}
	wf := FlagOutFalling | FlagWriteTDI | order
	n := len(out)
	for off := 0; off < n-1; off += chunk {
		end := min(off+chunk, n-1)
		if err := j.m.Shift(ctx, wf, out[off:end], nil); err != nil {
			return err
		}
		if err := j.m.Flush(ctx); err != nil {
			return err
		}
		if progress != nil {
			progress(end)
		}
	}
	last := out[n-1]
	if err := j.m.ShiftBits(ctx, wf, 7, last, nil); err != nil {
		return err
	}
	lastBit := last&0x80 != 0
	if msb {
		lastBit = last&1 != 0
	}
	if err := j.tms(ctx, 0x01, 1, lastBit, nil); err != nil {
		return err
	}
	if err := j.tms(ctx, 0x01, 2, false, nil); err != nil {
		return err
	}
	if err := j.m.Flush(ctx); err != nil {
		return err
	}
	if progress != nil {
		progress(n)
	}
	return nil
}
