package ftdi

import (
	"context"
	"fmt"
)

// BitBangPins maps JTAG signals to bits of a chip's bit-bang port.
type BitBangPins struct {
	TCK, TMS, TDI, TDO uint8 // one-bit masks.
}

// ULX3SPins is the ULX3S wiring of the FT231X modem lines to the ECP5's
// JTAG (OpenOCD's ulx3s configuration): TCK on DSR (bit 5), TMS on DCD
// (bit 6), TDI on RI (bit 7), TDO on CTS (bit 3).
var ULX3SPins = BitBangPins{TCK: 1 << 5, TMS: 1 << 6, TDI: 1 << 7, TDO: 1 << 3}

// BitBangJTAG drives a TAP by synchronous bit-bang (FT231X has no MPSSE):
// every byte written sets the pins, and the chip returns for each byte
// the pins it sampled just before applying it. A TCK cycle is two bytes
// (TCK low, then high); TDO is taken from the sample before the rising
// edge. It offers the same operations as JTAG, queued until Flush.
type BitBangJTAG struct {
	p    *Port
	pins BitBangPins
	out  []byte
	caps []capture
}

type capture struct {
	at  int // index in out whose sample holds the bit.
	dst *byte
	bit byte
}

// NewBitBangJTAG puts the port in synchronous bit-bang mode at the given
// pin rate (the baud-rate generator paces bit-bang) and resets the TAP.
func NewBitBangJTAG(ctx context.Context, p *Port, pins BitBangPins, rate int) (*BitBangJTAG, error) {
	if err := p.Purge(ctx); err != nil {
		return nil, err
	}
	if err := p.SetLatency(ctx, 1); err != nil {
		return nil, err
	}
	if _, err := p.SetBaudRate(ctx, rate); err != nil {
		return nil, err
	}
	if err := p.SetBitMode(ctx, pins.TCK|pins.TMS|pins.TDI, ModeSyncBB); err != nil {
		return nil, err
	}
	j := &BitBangJTAG{p: p, pins: pins}
	if err := j.Reset(ctx); err != nil {
		return nil, err
	}
	return j, j.Flush(ctx)
}

// Port returns the port.
func (j *BitBangJTAG) Port() *Port { return j.p }

func (j *BitBangJTAG) clock(tms, tdi bool, dst *byte, bit byte) {
	v := byte(0)
	if tms {
		v |= j.pins.TMS
	}
	if tdi {
		v |= j.pins.TDI
	}
	j.out = append(j.out, v, v|j.pins.TCK)
	if dst != nil {
		j.caps = append(j.caps, capture{at: len(j.out) - 1, dst: dst, bit: bit})
	}
}

func (j *BitBangJTAG) tmsBits(bits byte, n int) {
	for i := 0; i < n; i++ {
		j.clock(bits>>i&1 == 1, false, nil, 0)
	}
}

// Reset moves the TAP to Test-Logic-Reset, then Run-Test/Idle.
func (j *BitBangJTAG) Reset(ctx context.Context) error {
	j.tmsBits(0x1F, 6)
	return nil
}

// Idle queues n clocks in Run-Test/Idle.
func (j *BitBangJTAG) Idle(ctx context.Context, n int) error {
	for i := 0; i < n; i++ {
		j.clock(false, false, nil, 0)
	}
	return nil
}

// IR shifts an 8-bit instruction, LSB first.
func (j *BitBangJTAG) IR(ctx context.Context, ir byte) error {
	j.tmsBits(0x03, 4)
	for i := 0; i < 8; i++ {
		j.clock(i == 7, ir>>i&1 == 1, nil, 0)
	}
	j.tmsBits(0x01, 2)
	return j.maybeFlush(ctx)
}

// DR shifts out, then reads len(in) bytes into in at Flush (see JTAG.DR).
func (j *BitBangJTAG) DR(ctx context.Context, out, in []byte, msb bool) error {
	total := len(out) + len(in)
	if total == 0 {
		return fmt.Errorf("ftdi: jtag: empty DR shift")
	}
	j.tmsBits(0x01, 3)
	for k := 0; k < total; k++ {
		var b byte = 0xFF
		var dst *byte
		if k < len(out) {
			b = out[k]
		} else {
			dst = &in[k-len(out)]
			*dst = 0
		}
		for i := 0; i < 8; i++ {
			bit := byte(i)
			if msb {
				bit = byte(7 - i)
			}
			j.clock(k == total-1 && i == 7, b>>bit&1 == 1, dst, bit)
		}
		if err := j.maybeFlush(ctx); err != nil {
			return err
		}
	}
	j.tmsBits(0x01, 2)
	return j.maybeFlush(ctx)
}

// maybeFlush sends the queue when it holds a full chunk.
func (j *BitBangJTAG) maybeFlush(ctx context.Context) error {
	if len(j.out) >= 64<<10 {
		return j.Flush(ctx)
	}
	return nil
}

// Flush writes the queued pin bytes in chunks the chip can answer, reads
// one sample per byte, and fills the captured TDO bits.
func (j *BitBangJTAG) Flush(ctx context.Context) error {
	chunk := j.p.chip.TxBuffer - 2*(j.p.chip.TxBuffer/j.p.maxPacket) - 2
	if chunk <= 0 {
		chunk = 62
	}
	out, caps := j.out, j.caps
	j.out, j.caps = nil, nil
	samples := make([]byte, len(out))
	for off := 0; off < len(out); off += chunk {
		end := min(off+chunk, len(out))
		if err := j.p.Write(ctx, out[off:end]); err != nil {
			return fmt.Errorf("ftdi: bit-bang jtag: %w", err)
		}
		if err := j.p.ReadFull(ctx, samples[off:end]); err != nil {
			return fmt.Errorf("ftdi: bit-bang jtag: %w", err)
		}
	}
	for _, c := range caps {
		if samples[c.at]&j.pins.TDO != 0 {
			*c.dst |= 1 << c.bit
		}
	}
	return nil
}

// DRStream shifts out through the data register in one Shift-DR,
// flushing every chunk bytes and calling progress with the bytes sent.
func (j *BitBangJTAG) DRStream(ctx context.Context, out []byte, msb bool, chunk int, progress func(done int)) error {
	if len(out) == 0 {
		return fmt.Errorf("ftdi: jtag: empty DR shift")
	}
	j.tmsBits(0x01, 3)
	n := len(out)
	for k, b := range out {
		for i := 0; i < 8; i++ {
			bit := byte(i)
			if msb {
				bit = byte(7 - i)
			}
			j.clock(k == n-1 && i == 7, b>>bit&1 == 1, nil, 0)
		}
		if (k+1)%chunk == 0 || k == n-1 {
			if k == n-1 {
				j.tmsBits(0x01, 2)
			}
			if err := j.Flush(ctx); err != nil {
				return err
			}
			if progress != nil {
				progress(k + 1)
			}
		}
	}
	return nil
}
