package usbtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// FTDI is an emulated FTDI chip.
type FTDI struct {
	mu    sync.Mutex
	chip  ftdi.Chip
	desc  usb.DeviceDesc
	chans []*channel
	// Clock is the time model shared by all channels.
	Clock Clock

	// UnplugAfter, if > 0, makes the device leave the bus once that many
	// bytes have been written to it (a cable pulled mid-transfer).
	UnplugAfter int64
	// BusyDriver, if set, makes Claim fail as if that kernel driver held
	// the interface and could not be detached.
	BusyDriver string

	written   int64
	unplugged bool
	opened    bool
}

var _ Device = (*FTDI)(nil)

type channel struct {
	claimed  bool
	mode     uint8
	mask     uint8
	latency  int
	baudVal  uint16
	baudIdx  uint16
	data     uint16
	flow     uint16
	modem    uint16
	rx       []byte // chip-to-host FIFO.
	sendNow  bool
	mpsse    *mpsseEngine
	target   Target
	uartSink func([]byte) []byte
	levels   uint8 // bit-bang output levels.
}

// BitBanger is a target wired to a channel's bit-bang port.
type BitBanger interface {
	// Apply sets the pin levels the chip drives (released pins read 1).
	Apply(levels uint8)
	// Sample returns every pin's level as the chip reads it, given the
	// levels it drives.
	Sample(levels uint8) uint8
}

// NewFTDI returns an emulated chip at bus 1, the given address. Targets
// are wired to the MPSSE pins of each channel (nil for none).
func NewFTDI(chip ftdi.Chip, address int, targets ...Target) *FTDI {
	f := &FTDI{chip: chip}
	speed, mp := usb.SpeedHigh, 512
	if !chip.HighSpeed {
		speed, mp = usb.SpeedFull, 64
	}
	product := map[string]string{"FT2232H": "Dual RS232-HS", "FT232H": "Single RS232-HS", "FT231X": "FT231X USB UART"}[chip.Name]
	f.desc = usb.DeviceDesc{Bus: 1, Address: address, Path: []int{address}, VID: chip.VID, PID: chip.PID, Speed: speed,
		Manufacturer: "FTDI", Product: product, Serial: fmt.Sprintf("EMU%05d", address)}
	for i := 0; i < chip.Ports; i++ {
		in, out := ftdi.Endpoints(i)
		f.desc.Interfaces = append(f.desc.Interfaces, usb.InterfaceDesc{Number: i, Class: 0xFF, SubClass: 0xFF,
			Endpoints: []usb.EndpointDesc{{Address: in, MaxPacket: mp}, {Address: out, MaxPacket: mp}}})
		c := &channel{latency: 16}
		if i < len(targets) {
			c.target = targets[i]
		}
		f.chans = append(f.chans, c)
	}
	return f
}

// SetUART connects channel n's UART to a board: bytes the host writes in
// UART mode are passed to board, and the bytes it returns are what the
// board sends back (queued for the host at once). The clock is charged 10
// bit times per byte each way at the baud rate the host programmed.
func (f *FTDI) SetUART(n int, board func([]byte) []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chans[n].uartSink = board
}

// Receive queues bytes the board sends to the host on channel n's UART.
func (f *FTDI) Receive(n int, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chans[n].rx = append(f.chans[n].rx, b...)
}

// Unplug makes the device leave the bus now.
func (f *FTDI) Unplug() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unplugged = true
}

func (f *FTDI) open() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unplugged {
		return fmt.Errorf("usbtest: open %s: %w", f.desc.ID(), usb.ErrUnplugged)
	}
	f.opened = true
	return nil
}

// Desc returns the descriptor.
func (f *FTDI) Desc() usb.DeviceDesc { return f.desc }

func (f *FTDI) gone(op string) error {
	return fmt.Errorf("usbtest: %s %s: %w", f.chip.Name, op, usb.ErrUnplugged)
}

func (f *FTDI) maxPacket() int {
	if f.chip.HighSpeed {
		return 512
	}
	return 64
}

// port selects the channel from wIndex's low byte (A=1, B=2, 0 = A).
func (f *FTDI) port(index uint16) (*channel, error) {
	p := int(index & 0xFF)
	if p == 0 {
		p = 1
	}
	if p > len(f.chans) {
		return nil, fmt.Errorf("usbtest: %s: wIndex port %d does not exist: libusb: pipe error", f.chip.Name, p)
	}
	return f.chans[p-1], nil
}

// Control handles the FTDI vendor requests.
func (f *FTDI) Control(ctx context.Context, rType, req uint8, value, index uint16, data []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unplugged {
		return 0, f.gone("control")
	}
	c, err := f.port(index)
	if err != nil {
		return 0, err
	}
	stall := fmt.Errorf("usbtest: %s: request 0x%02x/0x%02x: libusb: pipe error", f.chip.Name, rType, req)
	in := rType == 0xC0
	if rType != 0x40 && rType != 0xC0 {
		return 0, stall
	}
	switch {
	case !in && req == 0x00:
		switch value {
		case 0:
			c.rx, c.sendNow = nil, false
			if c.mpsse != nil {
				c.mpsse.pend = nil
			}
		case 1:
			if c.mpsse != nil {
				c.mpsse.pend = nil
			}
		case 2:
			c.rx, c.sendNow = nil, false
		default:
			return 0, stall
		}
	case !in && req == 0x01:
		mask := value >> 8
		c.modem = c.modem&^mask | value&mask&0xFF
	case !in && req == 0x02:
		c.flow = index >> 8
	case !in && req == 0x03:
		c.baudVal, c.baudIdx = value, index
	case !in && req == 0x04:
		c.data = value
	case in && req == 0x05:
		st := f.status()
		return copy(data, st[:]), nil
	case !in && req == 0x09:
		if value < 1 || value > 255 {
			return 0, stall
		}
		c.latency = int(value)
	case in && req == 0x0A:
		if len(data) < 1 {
			return 0, stall
		}
		data[0] = byte(c.latency)
		return 1, nil
	case !in && req == 0x0B:
		mode := uint8(value >> 8)
		if mode == ftdi.ModeMPSSE && !f.chip.MPSSE {
			return 0, stall
		}
		c.mode, c.mask, c.levels = mode, uint8(value), 0xFF
		if mode == ftdi.ModeMPSSE {
			cc := c
			c.mpsse = newMPSSE(c.target, &f.Clock, func(b ...byte) { cc.rx = append(cc.rx, b...) }, func() { cc.sendNow = true })
		} else {
			c.mpsse = nil
		}
	case in && req == 0x0C:
		if len(data) < 1 {
			return 0, stall
		}
		v := uint8(0xFF)
		if c.target != nil {
			v = c.target.Inputs()
		}
		data[0] = v
		return 1, nil
	default:
		return 0, stall
	}
	return 0, nil
}

// status returns the two status bytes: modem status (bit 0 full speed,
// bit 1 high speed) and line status (THRE, TEMT).
func (f *FTDI) status() [2]byte {
	if f.chip.HighSpeed {
		return [2]byte{0x32, 0x60}
	}
	return [2]byte{0x31, 0x60}
}

// Claim claims an interface.
func (f *FTDI) Claim(intf int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unplugged {
		return f.gone("claim")
	}
	if intf < 0 || intf >= len(f.chans) {
		return fmt.Errorf("usbtest: %s: interface %d does not exist", f.chip.Name, intf)
	}
	if f.BusyDriver != "" {
		return &usb.BusyError{Dev: f.desc, Interface: intf, Driver: f.BusyDriver, Err: fmt.Errorf("libusb: device or resource busy [code -6]")}
	}
	f.chans[intf].claimed = true
	return nil
}

// Release releases an interface.
func (f *FTDI) Release(intf int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if intf >= 0 && intf < len(f.chans) {
		f.chans[intf].claimed = false
	}
	return nil
}

func (f *FTDI) chanFor(ep uint8, in bool) (*channel, error) {
	// Channel n uses IN 0x81+2n and OUT 0x02+2n.
	n := (int(ep&0x0F) - 1) / 2
	if want := ep&0x80 != 0; want != in || ep&0x0F == 0 {
		return nil, fmt.Errorf("usbtest: %s: endpoint 0x%02x has the wrong direction", f.chip.Name, ep)
	}
	if n < 0 || n >= len(f.chans) {
		return nil, fmt.Errorf("usbtest: %s: endpoint 0x%02x does not exist", f.chip.Name, ep)
	}
	c := f.chans[n]
	if !c.claimed {
		return nil, fmt.Errorf("usbtest: %s: endpoint 0x%02x: interface %d not claimed", f.chip.Name, ep, n)
	}
	return c, nil
}

func (f *FTDI) transferCost(n int) {
	if f.chip.HighSpeed {
		f.Clock.Now += TransferOverheadHS + ByteTimeHS*durationOf(n)
	} else {
		f.Clock.Now += TransferOverheadFS + ByteTimeFS*durationOf(n)
	}
}

// WriteBulk feeds the channel: MPSSE commands, or UART bytes.
func (f *FTDI) WriteBulk(ctx context.Context, ep uint8, buf []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unplugged {
		return 0, f.gone("write")
	}
	if ep&0x80 != 0 {
		return 0, fmt.Errorf("usbtest: write to IN endpoint 0x%02x", ep)
	}
	c, err := f.chanFor(ep, false)
	if err != nil {
		return 0, err
	}
	n := len(buf)
	if f.UnplugAfter > 0 && f.written+int64(n) >= f.UnplugAfter {
		n = int(f.UnplugAfter - f.written)
		f.unplugged = true
	}
	f.written += int64(n)
	f.Clock.OutTransfers++
	f.Clock.OutBytes += int64(n)
	f.transferCost(n)
	switch {
	case c.mpsse != nil:
		c.mpsse.feed(buf[:n])
	case c.mode == ftdi.ModeBitBang || c.mode == ftdi.ModeSyncBB:
		bb, _ := c.target.(BitBanger)
		for _, b := range buf[:n] {
			if c.mode == ftdi.ModeSyncBB {
				// Synchronous: the pins are sampled just before each byte is applied.
				smp := c.levels
				if bb != nil {
					smp = bb.Sample(c.levels)
				}
				c.rx = append(c.rx, smp)
			}
			c.levels = b&c.mask | ^c.mask
			if bb != nil {
				bb.Apply(c.levels)
			}
		}
	case c.mode == ftdi.ModeReset && c.uartSink != nil:
		reply := c.uartSink(append([]byte(nil), buf[:n]...))
		c.rx = append(c.rx, reply...)
		if baud := f.baud(c); baud > 0 {
			f.Clock.Now += time.Duration(int64(n+len(reply)) * 10 * int64(time.Second) / int64(baud))
			f.Clock.UARTBytes += int64(n + len(reply))
		}
	}
	if f.unplugged {
		return n, f.gone("write")
	}
	if len(c.rx) > f.chip.TxBuffer {
		return n, fmt.Errorf("usbtest: %s: %d reply bytes exceed the chip's %d-byte FIFO: the chip stalls until the host reads: %w",
			f.chip.Name, len(c.rx), f.chip.TxBuffer, usb.ErrTimeout)
	}
	return n, nil
}

// ReadBulk returns one IN transfer: whole packets, each starting with the
// two status bytes; a short packet (held back until the latency timer
// expires unless 0x87 was seen) ends the transfer.
func (f *FTDI) ReadBulk(ctx context.Context, ep uint8, buf []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unplugged {
		return 0, f.gone("read")
	}
	if ep&0x80 == 0 {
		return 0, fmt.Errorf("usbtest: read from OUT endpoint 0x%02x", ep)
	}
	c, err := f.chanFor(ep, true)
	if err != nil {
		return 0, err
	}
	mp := f.maxPacket()
	if len(buf) < mp {
		return 0, fmt.Errorf("usbtest: read buffer of %d bytes is smaller than the %d-byte packet: libusb: overflow [code -8]", len(buf), mp)
	}
	st := f.status()
	n := 0
	for n+mp <= len(buf) {
		k := len(c.rx)
		if k > mp-2 {
			k = mp - 2
		}
		if k < mp-2 && !c.sendNow {
			// Short packet: the chip waits for its latency timer.
			f.Clock.Now += durationMS(c.latency)
			f.Clock.LatencyWaits++
		}
		buf[n], buf[n+1] = st[0], st[1]
		copy(buf[n+2:], c.rx[:k])
		c.rx = c.rx[k:]
		n += 2 + k
		if len(c.rx) == 0 {
			c.sendNow = false
		}
		if k < mp-2 {
			break
		}
	}
	f.Clock.InTransfers++
	f.Clock.InBytes += int64(n)
	f.transferCost(n)
	return n, nil
}

// Close closes the device handle.
func (f *FTDI) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = false
	for _, c := range f.chans {
		c.claimed = false
	}
	return nil
}

// baud decodes the divisor the host programmed, independently of the
// encoder in package ftdi: wValue bits 13..0 are the integer part, bits
// 15..14 and wIndex bit 8 the eighths code, wIndex bit 9 selects the
// 12 MHz reference of H chips (3 MHz otherwise).
func (f *FTDI) baud(c *channel) int {
	ref := 3_000_000
	if c.baudIdx&0x200 != 0 {
		ref = 12_000_000
	}
	intPart := int(c.baudVal & 0x3FFF)
	code := int(c.baudVal>>14) | int(c.baudIdx>>8&1)<<2
	eighths := [8]int{0, 4, 2, 1, 3, 5, 6, 7}[code]
	switch {
	case intPart == 0 && code == 0:
		return ref
	case intPart == 1 && code == 0:
		return ref * 2 / 3
	}
	d8 := intPart*8 + eighths
	return (8*ref + d8/2) / d8
}

// BaudRate returns the baud rate channel n runs at, decoded from the
// divisor the host set.
func (f *FTDI) BaudRate(n int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.baud(f.chans[n])
}

// Baud returns the SET_BAUDRATE wValue and wIndex last set on channel n.
func (f *FTDI) Baud(n int) (value, index uint16) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chans[n].baudVal, f.chans[n].baudIdx
}

// Latency returns channel n's latency timer.
func (f *FTDI) Latency(n int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chans[n].latency
}

// Mode returns channel n's bit mode.
func (f *FTDI) Mode(n int) uint8 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chans[n].mode
}

// Replug models the cable being plugged back in: the chip comes back in
// its power-on state, and a bus-powered board behind it (a Target with a
// PowerCycle method) is power-cycled.
func (f *FTDI) Replug() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unplugged, f.UnplugAfter, f.written, f.opened = false, 0, 0, false
	for _, c := range f.chans {
		t, sink := c.target, c.uartSink
		*c = channel{latency: 16, target: t, uartSink: sink}
		if pc, ok := t.(interface{ PowerCycle() }); ok {
			pc.PowerCycle()
		}
	}
}
