package usb_test

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestUdevRulesGolden(t *testing.T) {
	got := usb.UdevRules()
	const golden = "testdata/70-lifkit.rules"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if got != string(want) {
		t.Errorf("udev rules changed; rerun with -update if intended:\n%s", got)
	}
	for _, b := range usb.Supported {
		if !strings.Contains(got, usb.UdevRule(b.VID, b.PID)) {
			t.Errorf("no rule for %s", b.Name)
		}
	}
}

func TestFindSupported(t *testing.T) {
	bus := usbtest.NewBus(usbtest.NewFTDI(ftdi.FT2232H, 3), usbtest.NewFTDI(ftdi.FT231X, 4))
	all, err := usb.FindSupported(bus, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("got %d, %v", len(all), err)
	}
	if len(all[0].Boards) != 3 { // icebreaker, hx8k breakout, ecp5-evn share 0403:6010.
		t.Errorf("FT2232H matched %d boards", len(all[0].Boards))
	}
	ulx, err := usb.FindSupported(bus, "ulx3s-25f")
	if err != nil || len(ulx) != 1 || ulx[0].Desc.PID != 0x6015 {
		t.Fatalf("ulx3s: %v %v", ulx, err)
	}
	_, err = usb.FindSupported(bus, "upduino3")
	var nb *usb.NoBoardError
	if !errors.As(err, &nb) || !errors.Is(err, usb.ErrNoBoard) || !strings.Contains(err.Error(), `for board "upduino3"`) {
		t.Errorf("got %v", err)
	}
	if _, err := usb.FindSupported(bus, "nosuch"); err == nil || !strings.Contains(err.Error(), "known boards") {
		t.Errorf("got %v", err)
	}
}
