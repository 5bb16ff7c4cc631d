package flash

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// iCE40 board pins on the MPSSE low byte (iceprog). A line is driven low
// by setting its direction bit and released (pulled up) by clearing it.
const (
	pinSCK    = 0x01
	pinMOSI   = 0x02
	pinCS     = 0x10
	pinCDONE  = 0x40
	pinCRESET = 0x80
	dirBase   = pinSCK | pinMOSI

	spiWrite = ftdi.FlagOutFalling | ftdi.FlagWriteTDI                    // 0x11
	spiXfer  = ftdi.FlagOutFalling | ftdi.FlagWriteTDI | ftdi.FlagReadTDO // 0x31
)

// DefaultFreq is the SPI clock iceprog uses.
const DefaultFreq = 6_000_000

// ICE40Preamble starts every iCE40 bitstream.
var ICE40Preamble = []byte{0x7E, 0xAA, 0x99, 0x7E}

// Progress is told how far a stage ("erase", "write", "verify", "sram")
// has come, in bytes.
type Progress func(stage string, done, total int)

// Options tune a flash run.
type Options struct {
	NoVerify bool
	// Raw accepts images that are not iCE40 bitstreams.
	Raw bool
	// PagesPerBatch is how many page programs share a USB round trip
	// (default 16).
	PagesPerBatch int
	// StatusReads is how many status bytes follow each page program in a
	// batch (default 4).
	StatusReads int
	Progress    Progress
}

// ICE40 programs an iCE40 board through an FTDI MPSSE channel.
type ICE40 struct {
	m *ftdi.MPSSE
	// Sleep waits for the hardware (reset pulses, boot); tests replace it.
	Sleep func(time.Duration)
	// MaxBusyPolls bounds each wait for the flash (about 10 s of polls
	// on real hardware).
	MaxBusyPolls int
	part         Part
}

// OpenICE40 opens channel intf of an FTDI device in MPSSE mode at freq Hz.
func OpenICE40(ctx context.Context, dev usb.Device, intf, freq int) (*ICE40, error) {
	p, err := ftdi.Open(ctx, dev, intf)
	if err != nil {
		return nil, fmt.Errorf("flash: %w", err)
	}
	m, err := ftdi.NewMPSSE(ctx, p, freq)
	if err != nil {
		p.Close(ctx)
		return nil, fmt.Errorf("flash: %w", err)
	}
	return &ICE40{m: m, Sleep: time.Sleep, MaxBusyPolls: 20000}, nil
}

// MPSSE returns the engine, e.g. for its port's traffic statistics.
func (f *ICE40) MPSSE() *ftdi.MPSSE { return f.m }

// Close releases every pin (the FPGA runs) and the channel.
func (f *ICE40) Close(ctx context.Context) error {
	err := f.m.SetLow(ctx, 0, 0)
	if err == nil {
		err = f.m.Flush(ctx)
	}
	return errors.Join(err, f.m.Port().Close(ctx))
}

func (f *ICE40) pins(ctx context.Context, cs, creset bool) error {
	dir := uint8(dirBase)
	if cs {
		dir |= pinCS
	}
	if creset {
		dir |= pinCRESET
	}
	return f.m.SetLow(ctx, 0, dir)
}

func (f *ICE40) wait(ctx context.Context, d time.Duration) error {
	if err := f.m.Flush(ctx); err != nil {
		return err
	}
	f.Sleep(d)
	return nil
}

// tx implements spiPort over the MPSSE pins with CRESET held low.
func (f *ICE40) tx(ctx context.Context, out, in []byte) error {
	if err := f.pins(ctx, true, true); err != nil {
		return err
	}
	if err := f.m.Shift(ctx, spiWrite, out, nil); err != nil {
		return err
	}
	if len(in) > 0 { // read only: MOSI idles.
		if err := f.m.Shift(ctx, ftdi.FlagReadTDO, nil, in); err != nil {
			return err
		}
	}
	return f.pins(ctx, false, true)
}

func (f *ICE40) flush(ctx context.Context) error { return f.m.Flush(ctx) }

func (f *ICE40) maxRead() int { return f.m.Port().Chip().TxBuffer - 16 }

func (f *ICE40) spi() spiFlash { return spiFlash{p: f, maxBusy: f.MaxBusyPolls} }

// Identify holds the FPGA in reset, wakes the flash and reads its JEDEC ID.
func (f *ICE40) Identify(ctx context.Context) (Part, error) {
	steps := func() error {
		if err := f.m.SetLow(ctx, 0, 0); err != nil {
			return err
		}
		if err := f.wait(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		if err := f.pins(ctx, false, true); err != nil { // CRESET low, CS high.
			return err
		}
		if err := f.wait(ctx, 250*time.Millisecond); err != nil {
			return err
		}
		// Flash reset: 8 bytes 0xFF, then 2 bits, each in its own frame.
		if err := f.tx(ctx, bytes.Repeat([]byte{0xFF}, 8), nil); err != nil {
			return err
		}
		if err := f.pins(ctx, true, true); err != nil {
			return err
		}
		if err := f.m.ShiftBits(ctx, spiWrite, 2, 0xFF, nil); err != nil {
			return err
		}
		if err := f.pins(ctx, false, true); err != nil {
			return err
		}
		return f.tx(ctx, []byte{0xAB}, nil) // release power-down.
	}
	if err := steps(); err != nil {
		return Part{}, fmt.Errorf("flash: reset: %w", err)
	}
	part, err := f.spi().readID(ctx)
	if err != nil {
		return Part{}, err
	}
	f.part = part
	return part, nil
}

// CheckICE40Image checks that img looks like an iCE40 bitstream.
func CheckICE40Image(img []byte) error { return checkImage(img, false) }

func checkImage(img []byte, raw bool) error {
	if len(img) == 0 {
		return errors.New("flash: the image is empty")
	}
	if !raw {
		n := len(img)
		if n > 256 {
			n = 256
		}
		if !bytes.Contains(img[:n], ICE40Preamble) {
			return errors.New("flash: the image is not an iCE40 bitstream (no 7E AA 99 7E preamble in its first 256 bytes); pass the .bin from `lifkit build`, or --raw to write arbitrary data")
		}
	}
	return nil
}

// Program writes img to the SPI flash at address 0, verifies it, and
// boots the FPGA from it.
func (f *ICE40) Program(ctx context.Context, img []byte, o Options) error {
	if err := checkImage(img, o.Raw); err != nil {
		return err
	}
	part, err := f.Identify(ctx)
	if err != nil {
		return err
	}
	if err := f.spi().write(ctx, img, part, o); err != nil {
		return err
	}

	// Power the flash down and let the FPGA boot from it.
	if err := f.tx(ctx, []byte{0xB9}, nil); err != nil {
		return fmt.Errorf("flash: power down: %w", err)
	}
	return f.boot(ctx)
}

// Verify reads the flash back and compares it with img (Identify first).
func (f *ICE40) Verify(ctx context.Context, img []byte, progress Progress) error {
	return f.spi().verify(ctx, img, progress)
}

// boot releases every line so that the FPGA boots from flash, then checks CDONE.
func (f *ICE40) boot(ctx context.Context) error {
	if err := f.m.SetLow(ctx, 0, 0); err != nil {
		return fmt.Errorf("flash: release CRESET: %w", err)
	}
	if err := f.wait(ctx, 100*time.Millisecond); err != nil {
		return fmt.Errorf("flash: release CRESET: %w", err)
	}
	return f.checkDone(ctx, "flash")
}

func (f *ICE40) checkDone(ctx context.Context, from string) error {
	var pins [1]byte
	if err := f.m.ReadLow(ctx, pins[:]); err != nil {
		return fmt.Errorf("flash: read CDONE: %w", err)
	}
	if err := f.m.Flush(ctx); err != nil {
		return fmt.Errorf("flash: read CDONE: %w", err)
	}
	if pins[0]&pinCDONE == 0 {
		return fmt.Errorf("%w after loading from %s; the image may be for another iCE40 part or corrupt", ErrNotConfigured, from)
	}
	return nil
}

// LoadSRAM configures the FPGA directly (lost at power-off), following
// Lattice TN1248: CS and CRESET low; release CRESET with CS low (slave
// mode); wait for the configuration memory to clear; CS high, 8 dummy
// clocks; CS low, the image; CS high, at least 49 clocks; CDONE high.
func (f *ICE40) LoadSRAM(ctx context.Context, img []byte, o Options) error {
	if err := checkImage(img, false); err != nil {
		return err
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	steps := []func() error{
		func() error { return f.pins(ctx, true, true) },
		func() error { return f.wait(ctx, 100*time.Microsecond) },
		func() error { return f.pins(ctx, true, false) },
		func() error { return f.wait(ctx, 2*time.Millisecond) },
		func() error { return f.pins(ctx, false, false) },
		func() error { return f.m.Clocks(ctx, 8) },
		func() error { return f.pins(ctx, true, false) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("flash: sram reset: %w", err)
		}
	}
	const chunk = 16 << 10
	for a := 0; a < len(img); a += chunk {
		n := chunk
		if a+n > len(img) {
			n = len(img) - a
		}
		if err := f.m.Shift(ctx, spiWrite, img[a:a+n], nil); err != nil {
			return fmt.Errorf("flash: sram 0x%06x: %w", a, err)
		}
		if err := f.m.Flush(ctx); err != nil {
			return fmt.Errorf("flash: sram 0x%06x: %w", a, err)
		}
		progress("sram", a+n, len(img))
	}
	if err := f.pins(ctx, false, false); err != nil {
		return fmt.Errorf("flash: sram: %w", err)
	}
	if err := f.m.Clocks(ctx, 49); err != nil {
		return fmt.Errorf("flash: sram: %w", err)
	}
	return f.checkDone(ctx, "sram")
}
