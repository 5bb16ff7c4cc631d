package flash_test

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

// TestSoakInterruptions (LIFKIT_SOAK=N runs) cuts the cable at random
// points of random-length images, with random BUSY lengths, and checks
// that each run either succeeds with the image in flash or fails with a
// typed error, and that a second run always completes. The seed is
// printed so a failure can be replayed (LIFKIT_SOAK_SEED).
func TestSoakInterruptions(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LIFKIT_SOAK"))
	if n <= 0 {
		t.Skip("set LIFKIT_SOAK=<runs> to soak")
	}
	seed := int64(1)
	if s, err := strconv.ParseInt(os.Getenv("LIFKIT_SOAK_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	base := bitstream(t)
	for i := 0; i < n; i++ {
		img := append([]byte{}, base...)
		img = append(img, make([]byte, r.Intn(200_000))...)
		r.Read(img[len(base):])
		rig := usbtest.NewICEBreaker()
		rig.Flash.BusyPolls = 1 + r.Intn(8)
		rig.FTDI.UnplugAfter = 1 + r.Int63n(int64(2*len(img)+10_000))
		f, err := open(t, rig)
		if err == nil {
			err = f.Program(ctx(t), img, flash.Options{})
		}
		if err != nil && !errors.Is(err, usb.ErrUnplugged) {
			t.Fatalf("run %d (seed %d): unexpected error %v", i, seed, err)
		}
		rig.FTDI.Replug()
		f, err = open(t, rig)
		if err != nil {
			t.Fatalf("run %d: reopen: %v", i, err)
		}
		if err := f.Program(ctx(t), img, flash.Options{}); err != nil {
			t.Fatalf("run %d (seed %d): second run: %v", i, seed, err)
		}
		if !bytes.Equal(rig.Flash.Mem[:len(img)], img) || !rig.Board.Configured {
			t.Fatalf("run %d (seed %d): flash not complete", i, seed)
		}
	}
}
