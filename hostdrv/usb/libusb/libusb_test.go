package libusb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gousb"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// TestNoBoardWithRealLibusb runs the real libusb: on CI and on this machine
// no supported board is attached, so FindSupported must say so clearly.
func TestNoBoardWithRealLibusb(t *testing.T) {
	bus, err := Open()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer bus.Close()
	devs, err := bus.Devices()
	if err != nil {
		t.Fatalf("Devices: %v", err)
	}
	for _, d := range devs {
		if len(usb.BoardsFor(d.VID, d.PID)) > 0 {
			t.Skipf("a supported device %s is attached; the no-device path cannot be tested here", d.ID())
		}
	}
	_, err = usb.FindSupported(bus, "icebreaker")
	if !errors.Is(err, usb.ErrNoBoard) {
		t.Fatalf("FindSupported: got %v, want ErrNoBoard", err)
	}
	if !strings.Contains(err.Error(), "no supported board found") || !strings.Contains(err.Error(), "0403:6010") {
		t.Errorf("message does not help the user: %v", err)
	}
}

// TestOpenVanishedDevice opens a device position that does not exist,
// through real libusb: it must be reported as unplugged, not panic.
func TestOpenVanishedDevice(t *testing.T) {
	bus, err := Open()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer bus.Close()
	_, err = bus.Open(usb.DeviceDesc{Bus: 250, Address: 127, VID: 0x0403, PID: 0x6010})
	if !errors.Is(err, usb.ErrUnplugged) {
		t.Fatalf("got %v, want ErrUnplugged", err)
	}
}

// TestTranslate checks the mapping of real gousb error values, bare and as
// gousb wraps them (with %v, which hides them from errors.Is).
func TestTranslate(t *testing.T) {
	tests := []struct {
		in   error
		want error
	}{
		{gousb.ErrorNoDevice, usb.ErrUnplugged},
		{fmt.Errorf("device x: %v", gousb.ErrorNoDevice), usb.ErrUnplugged},
		{gousb.TransferNoDevice, usb.ErrUnplugged},
		{gousb.ErrorTimeout, usb.ErrTimeout},
		{gousb.TransferTimedOut, usb.ErrTimeout},
	}
	for _, tc := range tests {
		if got := translate(tc.in); !errors.Is(got, tc.want) {
			t.Errorf("translate(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestClaimErrors checks that the permission and busy errors libusb gives
// on claim become the typed errors, with the udev rule and the kernel
// driver name (read from a fake sysfs tree).
func TestClaimErrors(t *testing.T) {
	root := t.TempDir()
	old := sysfsRoot
	sysfsRoot = root
	defer func() { sysfsRoot = old }()
	intfDir := filepath.Join(root, "1-2.3:1.0")
	if err := os.MkdirAll(intfDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../bus/usb/drivers/ftdi_sio", filepath.Join(intfDir, "driver")); err != nil {
		t.Fatal(err)
	}
	d := &Device{desc: usb.DeviceDesc{Bus: 1, Address: 7, Path: []int{2, 3}, VID: 0x0403, PID: 0x6010}}

	busy := d.claimErr(0, fmt.Errorf("failed to claim interface 0: %v", gousb.ErrorBusy))
	var be *usb.BusyError
	if !errors.As(busy, &be) || be.Driver != "ftdi_sio" {
		t.Fatalf("busy: got %v", busy)
	}
	if !strings.Contains(busy.Error(), `kernel driver "ftdi_sio"`) {
		t.Errorf("busy message lacks the driver: %v", busy)
	}

	acc := d.claimErr(0, gousb.ErrorAccess)
	var ae *usb.AccessError
	if !errors.As(acc, &ae) {
		t.Fatalf("access: got %v", acc)
	}
	if !strings.Contains(acc.Error(), `ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6010"`) {
		t.Errorf("access message lacks the udev rule: %v", acc)
	}

	other := d.claimErr(1, gousb.ErrorIO)
	if errors.As(other, &be) || errors.As(other, &ae) {
		t.Errorf("io error misclassified: %v", other)
	}
}

func TestKernelDriverNone(t *testing.T) {
	old := sysfsRoot
	sysfsRoot = t.TempDir()
	defer func() { sysfsRoot = old }()
	if got := KernelDriver(usb.DeviceDesc{Bus: 1, Path: []int{4}}, 1, 1); got != "" {
		t.Errorf("got %q, want none", got)
	}
}
