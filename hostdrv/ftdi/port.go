package ftdi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// Port is one opened channel of an FTDI chip.
type Port struct {
	dev       usb.Device
	chip      Chip
	n         int // channel: 0 = A, 1 = B.
	in, out   uint8
	maxPacket int
	rbuf      []byte // payload read but not yet consumed.
	status    [2]byte
	// Stats counts USB traffic for performance figures.
	Stats Stats
}

// Stats counts the USB traffic of a port.
type Stats struct {
	OutTransfers, InTransfers int
	OutBytes, InBytes         int // bytes on the wire, status bytes included.
	Controls                  int
}

// Open claims channel n (0 = A, 1 = B) of an opened FTDI device and resets it.
func Open(ctx context.Context, dev usb.Device, n int) (*Port, error) {
	d := dev.Desc()
	chip, err := ChipFor(d.VID, d.PID)
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= chip.Ports {
		return nil, fmt.Errorf("ftdi: %s has %d channel(s), channel %c does not exist", chip.Name, chip.Ports, 'A'+n)
	}
	if err := dev.Claim(n); err != nil {
		return nil, fmt.Errorf("ftdi: claim channel %c: %w", 'A'+n, err)
	}
	in, out := Endpoints(n)
	p := &Port{dev: dev, chip: chip, n: n, in: in, out: out, maxPacket: maxPacketOf(d, in)}
	if err := p.Reset(ctx); err != nil {
		dev.Release(n)
		return nil, err
	}
	return p, nil
}

// Chip returns the chip the port belongs to.
func (p *Port) Chip() Chip { return p.chip }

// MaxPacket returns the IN endpoint's max packet size.
func (p *Port) MaxPacket() int { return p.maxPacket }

// Close puts the port back in reset bit mode and releases the interface.
func (p *Port) Close(ctx context.Context) error {
	err := p.SetBitMode(ctx, 0, ModeReset)
	rerr := p.dev.Release(p.n)
	return errors.Join(err, rerr)
}

func (p *Port) index(high uint8) uint16 { return uint16(high)<<8 | uint16(p.n+1) }

func (p *Port) control(ctx context.Context, req uint8, value uint16, indexHigh uint8, name string) error {
	p.Stats.Controls++
	if _, err := p.dev.Control(ctx, ReqTypeOut, req, value, p.index(indexHigh), nil); err != nil {
		return fmt.Errorf("ftdi: %s: %w", name, err)
	}
	return nil
}

// Reset resets the channel and drops buffered data.
func (p *Port) Reset(ctx context.Context) error {
	p.rbuf = p.rbuf[:0]
	return p.control(ctx, ReqReset, ResetSIO, 0, "reset")
}

// Purge empties both FIFOs of the chip and the port's read buffer.
func (p *Port) Purge(ctx context.Context) error {
	p.rbuf = p.rbuf[:0]
	if err := p.control(ctx, ReqReset, PurgeRX, 0, "purge host-to-chip FIFO"); err != nil {
		return err
	}
	return p.control(ctx, ReqReset, PurgeTX, 0, "purge chip-to-host FIFO")
}

// SetLatency sets the latency timer (1..255 ms).
func (p *Port) SetLatency(ctx context.Context, ms int) error {
	if ms < 1 || ms > 255 {
		return fmt.Errorf("ftdi: latency timer %d ms: must be 1..255", ms)
	}
	return p.control(ctx, ReqSetLatency, uint16(ms), 0, "set latency timer")
}

// Latency reads the latency timer.
func (p *Port) Latency(ctx context.Context) (int, error) {
	var b [1]byte
	p.Stats.Controls++
	n, err := p.dev.Control(ctx, ReqTypeIn, ReqGetLatency, 0, p.index(0), b[:])
	if err != nil || n != 1 {
		return 0, fmt.Errorf("ftdi: get latency timer: %d bytes: %w", n, err)
	}
	return int(b[0]), nil
}

// SetBitMode sets the bit mode (ModeReset, ModeBitBang, ModeMPSSE...) with
// the pin direction mask.
func (p *Port) SetBitMode(ctx context.Context, mask uint8, mode uint8) error {
	if mode == ModeMPSSE && !p.chip.MPSSE {
		return fmt.Errorf("ftdi: %s has no MPSSE engine; use bit-bang mode", p.chip.Name)
	}
	return p.control(ctx, ReqSetBitMode, uint16(mode)<<8|uint16(mask), 0, "set bit mode")
}

// SetBaudRate programs the UART baud rate and returns the rate obtained.
func (p *Port) SetBaudRate(ctx context.Context, baud int) (int, error) {
	v, hi, actual, err := BaudDivisor(baud, p.chip.HighSpeed)
	if err != nil {
		return 0, err
	}
	if err := p.control(ctx, ReqSetBaudRate, v, hi, "set baud rate"); err != nil {
		return 0, err
	}
	return actual, nil
}

// Parity for SetLineProperties.
const (
	ParityNone = 0
	ParityOdd  = 1
	ParityEven = 2
)

// SetLineProperties sets data bits (7 or 8), parity and stop bits (1 or 2).
func (p *Port) SetLineProperties(ctx context.Context, bits, parity, stop int) error {
	if bits != 7 && bits != 8 {
		return fmt.Errorf("ftdi: %d data bits: must be 7 or 8", bits)
	}
	st := 0
	switch stop {
	case 1:
	case 2:
		st = 2
	default:
		return fmt.Errorf("ftdi: %d stop bits: must be 1 or 2", stop)
	}
	return p.control(ctx, ReqSetData, uint16(bits|parity<<8|st<<11), 0, "set line properties")
}

// SetFlowControl selects FlowNone, FlowRTSCTS, FlowDTRDSR or FlowXONXOFF.
func (p *Port) SetFlowControl(ctx context.Context, flow uint8) error {
	v := uint16(0)
	if flow == FlowXONXOFF {
		v = 0x13<<8 | 0x11
	}
	return p.control(ctx, ReqSetFlowCtrl, v, flow, "set flow control")
}

// SetModem sets DTR and RTS.
func (p *Port) SetModem(ctx context.Context, dtr, rts bool) error {
	v := uint16(0x0300)
	if dtr {
		v |= 1
	}
	if rts {
		v |= 2
	}
	return p.control(ctx, ReqModemCtrl, v, 0, "modem control")
}

// ModemStatus polls the two status bytes.
func (p *Port) ModemStatus(ctx context.Context) ([2]byte, error) {
	var b [2]byte
	p.Stats.Controls++
	n, err := p.dev.Control(ctx, ReqTypeIn, ReqPollModemStat, 0, p.index(0), b[:])
	if err != nil || n != 2 {
		return b, fmt.Errorf("ftdi: poll modem status: %d bytes: %w", n, err)
	}
	return b, nil
}

// ReadPins reads the instantaneous pin levels (bit-bang modes).
func (p *Port) ReadPins(ctx context.Context) (uint8, error) {
	var b [1]byte
	p.Stats.Controls++
	n, err := p.dev.Control(ctx, ReqTypeIn, ReqReadPins, 0, p.index(0), b[:])
	if err != nil || n != 1 {
		return 0, fmt.Errorf("ftdi: read pins: %d bytes: %w", n, err)
	}
	return b[0], nil
}

// Write sends bytes to the chip in one bulk transfer.
func (p *Port) Write(ctx context.Context, b []byte) error {
	for len(b) > 0 {
		n, err := p.dev.WriteBulk(ctx, p.out, b)
		p.Stats.OutTransfers++
		p.Stats.OutBytes += n
		if err != nil {
			return fmt.Errorf("ftdi: write %d bytes: %w", len(b), err)
		}
		if n == 0 {
			return fmt.Errorf("ftdi: write %d bytes: chip accepted none: %w", len(b), usb.ErrTimeout)
		}
		b = b[n:]
	}
	return nil
}

// ReadAvailable performs one IN transfer and appends its payload (status
// bytes stripped at every packet) to dst. It may return no payload when
// the chip sent a status-only packet after its latency timer.
func (p *Port) ReadAvailable(ctx context.Context, dst []byte, want int) ([]byte, error) {
	if len(p.rbuf) > 0 {
		dst = append(dst, p.rbuf...)
		p.rbuf = p.rbuf[:0]
		return dst, nil
	}
	// Enough packets to carry want payload bytes, rounded to whole packets.
	per := p.maxPacket - 2
	pkts := (want + per - 1) / per
	if pkts < 1 {
		pkts = 1
	}
	if pkts > 64 {
		pkts = 64
	}
	buf := make([]byte, pkts*p.maxPacket)
	n, err := p.dev.ReadBulk(ctx, p.in, buf)
	p.Stats.InTransfers++
	p.Stats.InBytes += n
	dst, p.status = StripStatus(dst, buf[:n], p.maxPacket)
	if err != nil {
		return dst, fmt.Errorf("ftdi: read: %w", err)
	}
	return dst, nil
}

// ReadFull reads exactly len(b) payload bytes, stopping at ctx's deadline.
func (p *Port) ReadFull(ctx context.Context, b []byte) error {
	got := 0
	var tmp []byte
	empty := 0
	for got < len(b) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ftdi: read: got %d of %d bytes: %w", got, len(b), usb.ErrTimeout)
		}
		var err error
		tmp, err = p.ReadAvailable(ctx, tmp[:0], len(b)-got)
		c := copy(b[got:], tmp)
		if c < len(tmp) {
			p.rbuf = append(p.rbuf, tmp[c:]...)
		}
		got += c
		if err != nil {
			return fmt.Errorf("ftdi: read: got %d of %d bytes: %w", got, len(b), err)
		}
		if c == 0 {
			empty++
			limit := 1000 // a real chip spends its latency timer (>= 1 ms) on each empty read.
			if _, ok := ctx.Deadline(); ok {
				limit = 100_000 // the deadline decides; this only bounds a chip that answers instantly.
			}
			if empty > limit {
				return fmt.Errorf("ftdi: read: got %d of %d bytes, the chip sends only status packets: %w", got, len(b), usb.ErrTimeout)
			}
			if _, ok := ctx.Deadline(); !ok && empty > 100 {
				time.Sleep(time.Millisecond)
			}
		} else {
			empty = 0
		}
	}
	return nil
}

// Status returns the modem and line status bytes of the last packet read.
func (p *Port) Status() [2]byte { return p.status }
