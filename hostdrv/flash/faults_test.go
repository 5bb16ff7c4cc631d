package flash_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

// TestFaults injects each fault and checks for a clear, typed error.
func TestFaults(t *testing.T) {
	img := bitstream(t)
	tests := []struct {
		name   string
		inject func(r *usbtest.ICE40Rig)
		img    []byte
		check  func(t *testing.T, err error)
	}{
		{"flash id 00 00 00", func(r *usbtest.ICE40Rig) { r.Flash.ZeroID = true }, img, func(t *testing.T, err error) {
			var ne *flash.NoFlashError
			if !errors.As(err, &ne) || !strings.Contains(err.Error(), "flash id 00 00 00: no flash answered") {
				t.Errorf("got %v", err)
			}
		}},
		{"busy never clears", func(r *usbtest.ICE40Rig) { r.Flash.BusyForever = true }, img, func(t *testing.T, err error) {
			if !errors.Is(err, flash.ErrBusy) || !strings.Contains(err.Error(), "erase 0x000000") {
				t.Errorf("got %v", err)
			}
		}},
		{"bit flip on read", func(r *usbtest.ICE40Rig) { r.Flash.FlipAddr, r.Flash.FlipMask = 0x1234, 0x10 }, img, func(t *testing.T, err error) {
			var ve *flash.VerifyError
			if !errors.As(err, &ve) || ve.Addr != 0x1234 || ve.Got != ve.Want^0x10 || ve.Count != 1 {
				t.Errorf("got %v", err)
			}
		}},
		{"unplug mid-transfer", func(r *usbtest.ICE40Rig) { r.FTDI.UnplugAfter = 50_000 }, img, func(t *testing.T, err error) {
			if !errors.Is(err, usb.ErrUnplugged) || !strings.Contains(err.Error(), "write 0x") {
				t.Errorf("got %v", err)
			}
		}},
		{"image too large", nil, append(append([]byte{}, img...), make([]byte, 16<<20)...), func(t *testing.T, err error) {
			var te *flash.TooLargeError
			if !errors.As(err, &te) || te.Part.Size != 16<<20 {
				t.Errorf("got %v", err)
			}
		}},
		{"not a bitstream", nil, []byte("hello, world"), func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "not an iCE40 bitstream") {
				t.Errorf("got %v", err)
			}
		}},
		{"corrupt bitstream", nil, corrupt(img), func(t *testing.T, err error) {
			if !errors.Is(err, flash.ErrNotConfigured) {
				t.Errorf("got %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := usbtest.NewICEBreaker()
			if tc.inject != nil {
				tc.inject(rig)
			}
			f, err := open(t, rig)
			if err != nil {
				t.Fatal(err)
			}
			f.MaxBusyPolls = 50
			err = f.Program(ctx(t), tc.img, flash.Options{})
			if err == nil {
				t.Fatal("Program succeeded despite the fault")
			}
			tc.check(t, err)
		})
	}
}

// corrupt replaces the wakeup command at the end of the bitstream.
func corrupt(img []byte) []byte {
	c := append([]byte{}, img...)
	i := bytes.LastIndex(c, []byte{0x01, 0x06})
	c[i+1] = 0x07
	return c
}

func TestOpenFaults(t *testing.T) {
	t.Run("permission denied", func(t *testing.T) {
		rig := usbtest.NewICEBreaker()
		rig.Bus.DenyAccess = true
		_, err := open(t, rig)
		var ae *usb.AccessError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), `ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6010"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("device busy", func(t *testing.T) {
		rig := usbtest.NewICEBreaker()
		rig.FTDI.BusyDriver = "ftdi_sio"
		_, err := open(t, rig)
		var be *usb.BusyError
		if !errors.As(err, &be) || !strings.Contains(err.Error(), `kernel driver "ftdi_sio"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("no board", func(t *testing.T) {
		_, err := open(t, &usbtest.ICE40Rig{Bus: usbtest.NewBus()})
		if !errors.Is(err, usb.ErrNoBoard) {
			t.Errorf("got %v", err)
		}
	})
}

// TestInterruptedThenCompleted unplugs the cable at many points of a
// flash; the run fails, and a second run after replugging completes.
func TestInterruptedThenCompleted(t *testing.T) {
	img := bitstream(t)
	// Measure a clean run's traffic, then cut at points through it:
	// set-up, erase, early and late writes, verify.
	clean := usbtest.NewICEBreaker()
	f, err := open(t, clean)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Program(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	total := clean.FTDI.Clock.OutBytes
	for _, frac := range []float64{0.0005, 0.01, 0.3, 0.7, 0.97} {
		cut := int64(frac * float64(total))
		rig := usbtest.NewICEBreaker()
		// The flash held an older image.
		for i := range rig.Flash.Mem[:len(img)] {
			rig.Flash.Mem[i] = byte(i * 7)
		}
		rig.FTDI.UnplugAfter = cut
		f, err := open(t, rig)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Program(ctx(t), img, flash.Options{}); !errors.Is(err, usb.ErrUnplugged) {
			t.Fatalf("cut at %d: got %v, want ErrUnplugged", cut, err)
		}
		rig.FTDI.Replug()
		f, err = open(t, rig)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Program(ctx(t), img, flash.Options{}); err != nil {
			t.Fatalf("cut at %d: second run: %v", cut, err)
		}
		if !bytes.Equal(rig.Flash.Mem[:len(img)], img) || !rig.Board.Configured {
			t.Fatalf("cut at %d: second run did not leave the image in flash", cut)
		}
	}
}

// TestSlowFlash makes BUSY outlast the status reads batched after each
// page, so the flasher must wait and redo the pages the flash dropped.
func TestSlowFlash(t *testing.T) {
	img := bitstream(t)[:20_000]
	img = append(img, bitstream(t)[len(bitstream(t))-3:]...)
	rig := usbtest.NewICEBreaker()
	rig.Flash.BusyPolls = 9
	f, err := open(t, rig)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Program(ctx(t), img, flash.Options{Raw: true}); err != nil && !errors.Is(err, flash.ErrNotConfigured) {
		t.Fatalf("Program: %v", err)
	}
	if !bytes.Equal(rig.Flash.Mem[:len(img)], img) {
		t.Fatal("flash does not hold the image")
	}
}

// TestVerifyCatchesFlip shows the verifier can fail: a flipped stored bit
// (not a read glitch) is found by Verify.
func TestVerifyCatchesFlip(t *testing.T) {
	img := bitstream(t)
	rig := usbtest.NewICEBreaker()
	f, err := open(t, rig)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Program(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	rig.Flash.Mem[len(img)-1] ^= 0x01
	f, err = open(t, rig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Identify(ctx(t)); err != nil {
		t.Fatal(err)
	}
	var ve *flash.VerifyError
	if err := f.Verify(ctx(t), img, nil); !errors.As(err, &ve) || ve.Addr != len(img)-1 {
		t.Fatalf("got %v", err)
	}
}
