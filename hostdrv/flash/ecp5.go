package flash

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// ECP5 JTAG instructions.
const (
	ecpReadID     = 0xE0
	ecpReadStatus = 0x3C
	ecpISCEnable  = 0xC6
	ecpISCErase   = 0x0E
	ecpISCDisable = 0x26
	ecpResetCRC   = 0x3B
	ecpBurst      = 0x7A
	ecpRefresh    = 0x79
	ecpBackground = 0x3A
)

// ECP5IDCodes names the ECP5 parts by JTAG IDCODE.
var ECP5IDCodes = map[uint32]string{
	0x21111043: "LFE5U-12F", 0x41111043: "LFE5U-25F", 0x41112043: "LFE5U-45F", 0x41113043: "LFE5U-85F",
	0x01111043: "LFE5UM-25F", 0x01112043: "LFE5UM-45F", 0x01113043: "LFE5UM-85F",
	0x81111043: "LFE5UM5G-25F", 0x81112043: "LFE5UM5G-45F", 0x81113043: "LFE5UM5G-85F",
}

// ECP5Status is the LSC_READ_STATUS register.
type ECP5Status uint32

var bseNames = []string{"none", "ID", "command", "CRC", "preamble", "abort", "overflow", "SDM"}

// Done reports bit 8 (configuration done).
func (s ECP5Status) Done() bool { return s&(1<<8) != 0 }

// ISC reports bit 9 (programming mode enabled).
func (s ECP5Status) ISC() bool { return s&(1<<9) != 0 }

// Busy reports bit 12.
func (s ECP5Status) Busy() bool { return s&(1<<12) != 0 }

// Fail reports bit 13.
func (s ECP5Status) Fail() bool { return s&(1<<13) != 0 }

// IDError reports bit 27.
func (s ECP5Status) IDError() bool { return s&(1<<27) != 0 }

// BSEError returns the bitstream engine error code (bits 23..25).
func (s ECP5Status) BSEError() int { return int(s>>23) & 7 }

func (s ECP5Status) String() string {
	var f []string
	for _, b := range []struct {
		on   bool
		name string
	}{{s.Done(), "DONE"}, {s.ISC(), "ISC"}, {s.Busy(), "BUSY"}, {s.Fail(), "FAIL"}, {s.IDError(), "ID-ERROR"}} {
		if b.on {
			f = append(f, b.name)
		}
	}
	if e := s.BSEError(); e != 0 {
		f = append(f, "bitstream engine error: "+bseNames[e])
	}
	if len(f) == 0 {
		f = append(f, "idle")
	}
	return fmt.Sprintf("0x%08x (%s)", uint32(s), strings.Join(f, ", "))
}

// ECP5Error means the FPGA rejected a configuration.
type ECP5Error struct {
	Status ECP5Status
	From   string
}

func (e *ECP5Error) Error() string {
	hint := "check the bitstream was built for this part"
	switch e.Status.BSEError() {
	case 1:
		hint = "the bitstream was built for another ECP5 part (IDCODE mismatch); rebuild for the board's device"
	case 3:
		hint = "the bitstream is corrupt (CRC); rebuild it"
	case 4:
		hint = "no ECP5 preamble FF FF BD B3: not an ECP5 bitstream"
	case 7:
		hint = "the bitstream is encrypted; lifkit loads plain bitstreams only"
	}
	return fmt.Sprintf("flash: ecp5 did not configure from %s: status %v; %s", e.From, e.Status, hint)
}

// BitstreamIDCODE returns the IDCODE in an ECP5 bitstream's VERIFY_ID
// command (E2 00 00 00 + IDCODE), if there is one.
func BitstreamIDCODE(img []byte) (uint32, bool) {
	p := bytes.Index(img[:min(len(img), 4096)], []byte{0xFF, 0xFF, 0xBD, 0xB3})
	if p < 0 {
		return 0, false
	}
	body := img[p+4:]
	i := bytes.Index(body[:min(len(body), 256)], []byte{0xE2, 0, 0, 0})
	if i < 0 || i+8 > len(body) {
		return 0, false
	}
	return uint32(body[i+4])<<24 | uint32(body[i+5])<<16 | uint32(body[i+6])<<8 | uint32(body[i+7]), true
}

// CheckECP5Image checks the preamble and, when the bitstream names one
// and idcode is not 0, that its IDCODE is the device's.
func CheckECP5Image(img []byte, idcode uint32) error {
	head := img[:min(len(img), 4096)]
	if bytes.Contains(head, []byte{0xFF, 0xFF, 0xBF, 0xB3}) || bytes.Contains(head, []byte{0xFF, 0xFF, 0xBE, 0xB3}) {
		return errors.New("flash: the bitstream is encrypted; lifkit loads plain ECP5 bitstreams only")
	}
	if !bytes.Contains(head, []byte{0xFF, 0xFF, 0xBD, 0xB3}) {
		return errors.New("flash: not an ECP5 bitstream (no FF FF BD B3 preamble); pass the .bit from `lifkit build`")
	}
	if id, ok := BitstreamIDCODE(img); ok && idcode != 0 && id != idcode {
		return fmt.Errorf("flash: the bitstream is for %s (IDCODE 0x%08x) but the board has %s (0x%08x); rebuild for the board's part",
			partName(id), id, partName(idcode), idcode)
	}
	return nil
}

func partName(id uint32) string {
	if n, ok := ECP5IDCodes[id]; ok {
		return n
	}
	return "an unknown part"
}

// jtagPort is what ECP5 needs from a JTAG master: ftdi.JTAG (MPSSE) and
// ftdi.BitBangJTAG (FT231X) provide it. Every call starts and ends in
// Run-Test/Idle; reads are filled at Flush.
type jtagPort interface {
	Reset(ctx context.Context) error
	IR(ctx context.Context, ir byte) error
	DR(ctx context.Context, out, in []byte, msb bool) error
	Idle(ctx context.Context, n int) error
	Flush(ctx context.Context) error
	// DRStream shifts out in one Shift-DR, flushing every chunk bytes
	// and reporting the bytes sent.
	DRStream(ctx context.Context, out []byte, msb bool, chunk int, progress func(done int)) error
}

// ECP5 programs an ECP5 over FTDI JTAG: MPSSE (ECP5-EVN channel A) or
// bit-bang (ULX3S FT231X).
type ECP5 struct {
	j    jtagPort
	port *ftdi.Port
	// Sleep waits for the hardware; tests replace it.
	Sleep func(time.Duration)
	// MaxBusyPolls bounds waits for the flash.
	MaxBusyPolls int
	idcode       uint32
}

// OpenECP5 opens channel intf of an FTDI device as a JTAG master at freq Hz.
func OpenECP5(ctx context.Context, dev usb.Device, intf, freq int) (*ECP5, error) {
	p, err := ftdi.Open(ctx, dev, intf)
	if err != nil {
		return nil, fmt.Errorf("flash: %w", err)
	}
	m, err := ftdi.NewMPSSE(ctx, p, freq)
	if err != nil {
		p.Close(ctx)
		return nil, fmt.Errorf("flash: %w", err)
	}
	j, err := ftdi.NewJTAG(ctx, m)
	if err != nil {
		p.Close(ctx)
		return nil, fmt.Errorf("flash: %w", err)
	}
	return &ECP5{j: j, port: p, Sleep: time.Sleep, MaxBusyPolls: 20000}, nil
}

// OpenECP5BitBang opens an FTDI chip without MPSSE (ULX3S FT231X) as a
// bit-bang JTAG master with the given pin wiring, pins changing at rate
// bytes per second.
func OpenECP5BitBang(ctx context.Context, dev usb.Device, intf int, pins ftdi.BitBangPins, rate int) (*ECP5, error) {
	p, err := ftdi.Open(ctx, dev, intf)
	if err != nil {
		return nil, fmt.Errorf("flash: %w", err)
	}
	j, err := ftdi.NewBitBangJTAG(ctx, p, pins, rate)
	if err != nil {
		p.Close(ctx)
		return nil, fmt.Errorf("flash: %w", err)
	}
	return &ECP5{j: j, port: p, Sleep: time.Sleep, MaxBusyPolls: 20000}, nil
}

// Port returns the FTDI port (traffic statistics).
func (e *ECP5) Port() *ftdi.Port { return e.port }

// Close releases the channel.
func (e *ECP5) Close(ctx context.Context) error { return e.port.Close(ctx) }

// IDCode reads the JTAG IDCODE and checks it is an ECP5.
func (e *ECP5) IDCode(ctx context.Context) (uint32, error) {
	in := make([]byte, 4)
	err := e.j.Reset(ctx)
	if err == nil {
		err = e.j.IR(ctx, ecpReadID)
	}
	if err == nil {
		err = e.j.DR(ctx, nil, in, false)
	}
	if err == nil {
		err = e.j.Flush(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("flash: read IDCODE: %w", err)
	}
	id := uint32(in[0]) | uint32(in[1])<<8 | uint32(in[2])<<16 | uint32(in[3])<<24
	if _, ok := ECP5IDCodes[id]; !ok {
		return id, fmt.Errorf("flash: JTAG IDCODE 0x%08x is not an ECP5 (all ones or zeros: nothing on the chain; check the board and --board)", id)
	}
	e.idcode = id
	return id, nil
}

// Status reads the status register.
func (e *ECP5) Status(ctx context.Context) (ECP5Status, error) {
	in := make([]byte, 4)
	err := e.j.IR(ctx, ecpReadStatus)
	if err == nil {
		err = e.j.DR(ctx, nil, in, false)
	}
	if err == nil {
		err = e.j.Flush(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("flash: read status: %w", err)
	}
	return ECP5Status(uint32(in[0]) | uint32(in[1])<<8 | uint32(in[2])<<16 | uint32(in[3])<<24), nil
}

func (e *ECP5) enterProgramming(ctx context.Context) error {
	steps := []func() error{
		func() error { return e.j.IR(ctx, ecpISCEnable) },
		func() error { return e.j.DR(ctx, []byte{0x00}, nil, false) },
		func() error { return e.j.Idle(ctx, 100) },
		func() error { return e.j.IR(ctx, ecpISCErase) },
		func() error { return e.j.DR(ctx, []byte{0x01}, nil, false) },
		func() error { return e.j.Idle(ctx, 100) },
		func() error { return e.j.Flush(ctx) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	e.Sleep(10 * time.Millisecond)
	return nil
}

// LoadSRAM configures the FPGA from img over JTAG and checks DONE.
func (e *ECP5) LoadSRAM(ctx context.Context, img []byte, o Options) error {
	id, err := e.IDCode(ctx)
	if err != nil {
		return err
	}
	if err := CheckECP5Image(img, id); err != nil {
		return err
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := e.enterProgramming(ctx); err != nil {
		return fmt.Errorf("flash: ecp5 enter programming mode: %w", err)
	}
	if err := e.j.IR(ctx, ecpResetCRC); err != nil {
		return fmt.Errorf("flash: ecp5: %w", err)
	}
	if st, err := e.Status(ctx); err != nil {
		return err
	} else if !st.ISC() {
		return fmt.Errorf("flash: ecp5 did not enter programming mode: status %v", st)
	}
	if err := e.j.IR(ctx, ecpBurst); err != nil {
		return fmt.Errorf("flash: ecp5 burst: %w", err)
	}
	// The whole image in one Shift-DR, MSB first, reported every 16 KiB.
	if err := e.j.Flush(ctx); err != nil {
		return fmt.Errorf("flash: ecp5 burst: %w", err)
	}
	if err := e.j.DRStream(ctx, img, true, 16<<10, func(done int) { progress("sram", done, len(img)) }); err != nil {
		return fmt.Errorf("flash: ecp5 burst: %w", err)
	}
	if err := e.j.IR(ctx, ecpISCDisable); err != nil {
		return fmt.Errorf("flash: ecp5: %w", err)
	}
	if err := e.j.Idle(ctx, 100); err != nil {
		return fmt.Errorf("flash: ecp5: %w", err)
	}
	st, err := e.Status(ctx)
	if err != nil {
		return err
	}
	if !st.Done() || st.Fail() || st.BSEError() != 0 {
		return &ECP5Error{Status: st, From: "sram"}
	}
	return nil
}

// ecpSPI is a spiPort through the ECP5's background SPI: the flash CS is
// low exactly while the TAP is in Shift-DR.
type ecpSPI struct{ e *ECP5 }

func (s ecpSPI) tx(ctx context.Context, out, in []byte) error { return s.e.j.DR(ctx, out, in, true) }
func (s ecpSPI) flush(ctx context.Context) error              { return s.e.j.Flush(ctx) }
func (s ecpSPI) maxRead() int                                 { return s.e.port.Chip().TxBuffer - 16 }

// ProgramFlash writes img to the configuration flash through background
// SPI, verifies it, and reboots the FPGA from it (LSC_REFRESH), checking DONE.
func (e *ECP5) ProgramFlash(ctx context.Context, img []byte, o Options) error {
	id, err := e.IDCode(ctx)
	if err != nil {
		return err
	}
	if err := CheckECP5Image(img, id); err != nil {
		return err
	}
	// Clear the SRAM so the FPGA lets go of the SPI pins, then open the
	// background SPI port with its key.
	if err := e.enterProgramming(ctx); err != nil {
		return fmt.Errorf("flash: ecp5 enter programming mode: %w", err)
	}
	steps := []func() error{
		func() error { return e.j.IR(ctx, ecpISCDisable) },
		func() error { return e.j.Idle(ctx, 100) },
		func() error { return e.j.IR(ctx, ecpBackground) },
		func() error { return e.j.DR(ctx, []byte{0xFE, 0x68}, nil, false) },
		func() error { return e.j.Flush(ctx) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("flash: ecp5 background spi: %w", err)
		}
	}
	sf := spiFlash{p: ecpSPI{e}, maxBusy: e.MaxBusyPolls}
	if err := sf.p.tx(ctx, []byte{0xAB}, nil); err != nil { // release power-down.
		return fmt.Errorf("flash: ecp5 background spi: %w", err)
	}
	part, err := sf.readID(ctx)
	if err != nil {
		return err
	}
	if err := sf.write(ctx, img, part, o); err != nil {
		return err
	}
	if err := e.j.IR(ctx, ecpRefresh); err != nil {
		return fmt.Errorf("flash: ecp5 refresh: %w", err)
	}
	if err := e.j.Idle(ctx, 100); err != nil {
		return fmt.Errorf("flash: ecp5 refresh: %w", err)
	}
	if err := e.j.Flush(ctx); err != nil {
		return fmt.Errorf("flash: ecp5 refresh: %w", err)
	}
	e.Sleep(200 * time.Millisecond)
	st, err := e.Status(ctx)
	if err != nil {
		return err
	}
	if !st.Done() || st.Fail() {
		return &ECP5Error{Status: st, From: "flash"}
	}
	return nil
}
