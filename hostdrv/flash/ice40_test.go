package flash_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

func bitstream(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/icebreaker.bin")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func open(t testing.TB, rig *usbtest.ICE40Rig) (*flash.ICE40, error) {
	t.Helper()
	found, err := usb.FindSupported(rig.Bus, "")
	if err != nil {
		return nil, err
	}
	dev, err := rig.Bus.Open(found[0].Desc)
	if err != nil {
		return nil, err
	}
	f, err := flash.OpenICE40(context.Background(), dev, 0, flash.DefaultFreq)
	if err != nil {
		return nil, err
	}
	f.Sleep = func(time.Duration) {}
	return f, nil
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestProgramBoards(t *testing.T) {
	img := bitstream(t)
	for _, tc := range []struct {
		name string
		rig  func() *usbtest.ICE40Rig
	}{
		{"icebreaker", usbtest.NewICEBreaker},
		{"upduino3", usbtest.NewUPduino3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rig := tc.rig()
			// Data beyond the image must survive: only covered blocks are erased.
			tail := 1 << 20
			copy(rig.Flash.Mem[tail:], []byte("keep me"))
			f, err := open(t, rig)
			if err != nil {
				t.Fatal(err)
			}
			var stages []string
			err = f.Program(ctx(t), img, flash.Options{Progress: func(s string, done, total int) {
				if len(stages) == 0 || stages[len(stages)-1] != s {
					stages = append(stages, s)
				}
				if done > total {
					t.Errorf("%s progress %d > %d", s, done, total)
				}
			}})
			if err != nil {
				t.Fatalf("Program: %v", err)
			}
			if !bytes.Equal(rig.Flash.Mem[:len(img)], img) {
				t.Fatal("flash does not hold the image")
			}
			if !bytes.Equal(rig.Flash.Mem[tail:tail+7], []byte("keep me")) {
				t.Error("a block outside the image was erased")
			}
			if !rig.Board.Configured || rig.Board.BootedFrom != "flash" {
				t.Errorf("FPGA not configured from flash: %+v", rig.Board.ConfigError)
			}
			if rig.Flash.PageOverflows != 0 {
				t.Errorf("%d page programs longer than a page", rig.Flash.PageOverflows)
			}
			if want := []string{"erase", "write", "verify"}; strings.Join(stages, ",") != strings.Join(want, ",") {
				t.Errorf("stages %v, want %v", stages, want)
			}
			if err := f.Close(ctx(t)); err != nil {
				t.Errorf("Close: %v", err)
			}
			t.Logf("%s: %v", tc.name, &rig.FTDI.Clock)
		})
	}
}

func TestLoadSRAM(t *testing.T) {
	img := bitstream(t)
	rig := usbtest.NewICEBreaker()
	f, err := open(t, rig)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadSRAM(ctx(t), img, flash.Options{}); err != nil {
		t.Fatalf("LoadSRAM: %v", err)
	}
	if !rig.Board.Configured || rig.Board.BootedFrom != "sram" {
		t.Fatalf("not configured from SRAM: %q", rig.Board.ConfigError)
	}
	if !bytes.Equal(rig.Board.SRAMData, img) {
		t.Errorf("FPGA received %d bytes, want the %d-byte image", len(rig.Board.SRAMData), len(img))
	}
	for i := range rig.Flash.Mem[:1024] {
		if rig.Flash.Mem[i] != 0xFF {
			t.Fatal("SRAM load wrote to the flash")
		}
	}
}

var _ = errors.Is
