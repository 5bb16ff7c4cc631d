package flash_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

const lfe5u25 = 0x41111043

func ecp5Bitstream(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/ecp5_25f_blinky.bit")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openECP5(t testing.TB, rig *usbtest.ECP5Rig) *flash.ECP5 {
	t.Helper()
	found, err := usb.FindSupported(rig.Bus, "ecp5-evn")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := rig.Bus.Open(found[0].Desc)
	if err != nil {
		t.Fatal(err)
	}
	e, err := flash.OpenECP5(ctx(t), dev, 0, 6_000_000)
	if err != nil {
		t.Fatal(err)
	}
	e.Sleep = func(time.Duration) {}
	return e
}

func TestECP5IDCodeAndStatus(t *testing.T) {
	for id := range flash.ECP5IDCodes {
		rig := usbtest.NewECP5EVN(id)
		e := openECP5(t, rig)
		got, err := e.IDCode(ctx(t))
		if err != nil || got != id {
			t.Fatalf("IDCODE %#x: got %#x, %v", id, got, err)
		}
		st, err := e.Status(ctx(t))
		if err != nil || uint32(st) != rig.FPGA.Status() {
			t.Fatalf("status %v, model %#x, %v", st, rig.FPGA.Status(), err)
		}
	}
}

func TestECP5LoadSRAM(t *testing.T) {
	img := ecp5Bitstream(t)
	rig := usbtest.NewECP5EVN(lfe5u25)
	e := openECP5(t, rig)
	var steps []int
	progress := func(stage string, done, total int) {
		if stage != "sram" || total != len(img) || (len(steps) > 0 && done <= steps[len(steps)-1]) {
			t.Errorf("progress %s %d/%d after %v", stage, done, total, steps)
		}
		steps = append(steps, done)
	}
	if err := e.LoadSRAM(ctx(t), img, flash.Options{Progress: progress}); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 6 || steps[len(steps)-1] != len(img) {
		t.Errorf("progress steps %v", steps)
	}
	if !rig.FPGA.Configured || rig.FPGA.BootedFrom != "sram" || !bytes.Equal(rig.FPGA.Image, img) {
		t.Fatalf("FPGA not configured with the image (%d bytes received)", len(rig.FPGA.Image))
	}
	t.Logf("ECP5 SRAM %d bytes: %v", len(img), &rig.FTDI.Clock)
}

func TestECP5ProgramFlash(t *testing.T) {
	img := ecp5Bitstream(t)
	rig := usbtest.NewECP5EVN(lfe5u25)
	e := openECP5(t, rig)
	if err := e.ProgramFlash(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rig.Flash.Mem[:len(img)], img) {
		t.Fatal("flash does not hold the image")
	}
	if !rig.FPGA.Configured || rig.FPGA.BootedFrom != "flash" {
		t.Fatal("FPGA did not boot from flash")
	}
	t.Logf("ECP5 flash %d bytes: %v", len(img), &rig.FTDI.Clock)
}

func TestECP5Faults(t *testing.T) {
	img := ecp5Bitstream(t)
	t.Run("wrong part", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(0x81113043) // the real EVN's 85F; the image is for a 25F.
		e := openECP5(t, rig)
		err := e.LoadSRAM(ctx(t), img, flash.Options{})
		if err == nil || !strings.Contains(err.Error(), "LFE5U-25F") || !strings.Contains(err.Error(), "LFE5UM5G-85F") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bitstream for an unknown part", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(lfe5u25)
		e := openECP5(t, rig)
		if _, err := e.IDCode(ctx(t)); err != nil {
			t.Fatal(err)
		}
		bad := append([]byte{}, img...)
		i := bytes.Index(bad, []byte{0xE2, 0, 0, 0})
		bad[i+7] ^= 0x10 // VERIFY_ID now names another part the host does not know.
		err := e.LoadSRAM(ctx(t), bad, flash.Options{})
		if err == nil || !strings.Contains(err.Error(), "an unknown part") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(lfe5u25)
		e := openECP5(t, rig)
		err := e.LoadSRAM(ctx(t), img[:len(img)/2], flash.Options{})
		var ee *flash.ECP5Error
		if !errors.As(err, &ee) || ee.Status.BSEError() != usbtest.BSEAbort || !ee.Status.Fail() || ee.Status.Done() {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(err.Error(), "bitstream engine error: abort") {
			t.Errorf("status not decoded: %v", err)
		}
	})
	t.Run("encrypted", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(lfe5u25)
		e := openECP5(t, rig)
		enc := bytes.Replace(img, []byte{0xFF, 0xFF, 0xBD, 0xB3}, []byte{0xFF, 0xFF, 0xBF, 0xB3}, 1)
		if err := e.LoadSRAM(ctx(t), enc, flash.Options{}); err == nil || !strings.Contains(err.Error(), "encrypted") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("flash bit flip", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(lfe5u25)
		rig.Flash.FlipAddr, rig.Flash.FlipMask = 999, 0x80
		e := openECP5(t, rig)
		var ve *flash.VerifyError
		if err := e.ProgramFlash(ctx(t), img, flash.Options{}); !errors.As(err, &ve) || ve.Addr != 999 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("flash id 00 00 00", func(t *testing.T) {
		rig := usbtest.NewECP5EVN(lfe5u25)
		rig.Flash.ZeroID = true
		e := openECP5(t, rig)
		var ne *flash.NoFlashError
		if err := e.ProgramFlash(ctx(t), img, flash.Options{}); !errors.As(err, &ne) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestECP5StatusString(t *testing.T) {
	s := flash.ECP5Status(1<<8 | 1<<13 | 3<<23 | 1<<27)
	want := "0x09802100 (DONE, FAIL, ID-ERROR, bitstream engine error: CRC)"
	if s.String() != want {
		t.Errorf("got %q, want %q", s.String(), want)
	}
}

func openULX3S(t testing.TB, rig *usbtest.ECP5Rig) *flash.ECP5 {
	t.Helper()
	found, err := usb.FindSupported(rig.Bus, "ulx3s-25f")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := rig.Bus.Open(found[0].Desc)
	if err != nil {
		t.Fatal(err)
	}
	e, err := flash.OpenECP5BitBang(ctx(t), dev, 0, ftdi.ULX3SPins, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	e.Sleep = func(time.Duration) {}
	return e
}

// TestULX3SBitBang drives the ECP5 through the FT231X's modem lines:
// IDCODE, SRAM load and flash through background SPI, every byte through
// 64-byte full-speed packets.
func TestULX3SBitBang(t *testing.T) {
	img := ecp5Bitstream(t)
	rig := usbtest.NewULX3S(lfe5u25)
	e := openULX3S(t, rig)
	if id, err := e.IDCode(ctx(t)); err != nil || id != lfe5u25 {
		t.Fatalf("IDCODE %#x %v", id, err)
	}
	if err := e.LoadSRAM(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	if !rig.FPGA.Configured || !bytes.Equal(rig.FPGA.Image, img) {
		t.Fatal("not configured with the image")
	}
	t.Logf("ULX3S SRAM %d bytes: %v", len(img), &rig.FTDI.Clock)
	small := img[:20_000]
	rig = usbtest.NewULX3S(lfe5u25)
	e = openULX3S(t, rig)
	err := e.ProgramFlash(ctx(t), small, flash.Options{Raw: true})
	var ee *flash.ECP5Error
	if !errors.As(err, &ee) { // a truncated image boots with an abort error, after verify passed.
		t.Fatalf("got %v", err)
	}
	if !bytes.Equal(rig.Flash.Mem[:len(small)], small) {
		t.Fatal("flash does not hold the image")
	}
}

// TestLifkitBuiltECP5 loads a bitstream made by `lifkit build` into an
// emulated ULX3S 25F over FT231X bit-bang, and writes it to its flash
// through background SPI.
func TestLifkitBuiltECP5(t *testing.T) {
	f, err := os.Open("testdata/ulx3s-25f.bit.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	img, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := flash.BitstreamIDCODE(img); !ok || id != lfe5u25 {
		t.Fatalf("bitstream IDCODE %#x %v", id, ok)
	}
	rig := usbtest.NewULX3S(lfe5u25)
	e := openULX3S(t, rig)
	if err := e.LoadSRAM(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	if !rig.FPGA.Configured || !bytes.Equal(rig.FPGA.Image, img) {
		t.Fatal("not configured with the image")
	}
	t.Logf("ULX3S bit-bang SRAM load of %d bytes: %v", len(img), &rig.FTDI.Clock)
	evn := usbtest.NewECP5EVN(lfe5u25)
	if err := openECP5(t, evn).ProgramFlash(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(evn.Flash.Mem[:len(img)], img) || evn.FPGA.BootedFrom != "flash" {
		t.Fatal("flash does not hold the image or the FPGA did not boot from it")
	}
	t.Logf("MPSSE JTAG flash of %d bytes: %v", len(img), &evn.FTDI.Clock)
}
