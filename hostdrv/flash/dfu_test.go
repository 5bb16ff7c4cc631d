package flash_test

import (
	"bytes"
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

func dfuImage(n int) []byte {
	r := rand.New(rand.NewSource(3))
	img := make([]byte, n)
	r.Read(img)
	copy(img, []byte{0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xBD, 0xB3})
	return img
}

func openDFU(t testing.TB, d *usbtest.DFUDevice) (*flash.DFU, error) {
	bus := usbtest.NewBus(d)
	found, err := usb.FindSupported(bus, "orangecrab-25f")
	if err != nil {
		return nil, err
	}
	dev, err := bus.Open(found[0].Desc)
	if err != nil {
		return nil, err
	}
	f, err := flash.OpenDFU(ctx(t), dev, 0, 0)
	if err == nil {
		f.Sleep = func(time.Duration) {}
	}
	return f, err
}

func TestDFUDownload(t *testing.T) {
	img := dfuImage(10_000) // 3 blocks, the last one short.
	d := usbtest.NewOrangeCrab()
	d.SetState(usbtest.DFUError, usbtest.DFUErrStalledPkt) // left in error by an earlier tool.
	f, err := openDFU(t, d)
	if err != nil {
		t.Fatal(err)
	}
	if f.TransferSize != 4096 || f.Attributes != 0x0D {
		t.Errorf("functional descriptor: %d, %#x", f.TransferSize, f.Attributes)
	}
	if err := f.Download(ctx(t), img, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Written(), img) || !bytes.Equal(d.Flash[0x80000:0x80000+len(img)], img) {
		t.Fatal("bootloader flash does not hold the image at 0x80000")
	}
	if !d.Booted {
		t.Error("device did not reset into the image")
	}
	t.Logf("OrangeCrab DFU, %d bytes: %v", len(img), &d.Clock)
}

func TestDFUFaults(t *testing.T) {
	img := dfuImage(20_000)
	t.Run("errWRITE", func(t *testing.T) {
		d := usbtest.NewOrangeCrab()
		d.FailBlock = 2
		f, err := openDFU(t, d)
		if err != nil {
			t.Fatal(err)
		}
		err = f.Download(ctx(t), img, nil)
		var se *flash.DFUStatusError
		if !errors.As(err, &se) || se.Block != 2 || !strings.Contains(err.Error(), "errWRITE at block 2 (state dfuERROR)") {
			t.Fatalf("got %v", err)
		}
		if d.Booted {
			t.Error("booted after a failed download")
		}
	})
	t.Run("unplug then second run", func(t *testing.T) {
		d := usbtest.NewOrangeCrab()
		d.UnplugAtBlock = 3
		f, err := openDFU(t, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Download(ctx(t), img, nil); !errors.Is(err, usb.ErrUnplugged) {
			t.Fatalf("got %v", err)
		}
		d.Replug()
		f, err = openDFU(t, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Download(ctx(t), img, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d.Written(), img) || !d.Booted {
			t.Fatal("second run did not complete")
		}
	})
	t.Run("application mode", func(t *testing.T) {
		d := usbtest.NewOrangeCrab()
		d.SetState(usbtest.DFUAppIdle, 0)
		f, err := openDFU(t, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Download(ctx(t), img, nil); err == nil || !strings.Contains(err.Error(), "hold its button") {
			t.Fatalf("got %v", err)
		}
	})
}
