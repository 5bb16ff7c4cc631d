package usb_test

import (
	"errors"
	"fmt"

	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

func ExampleUdevRule() {
	fmt.Println(usb.UdevRule(0x0403, 0x6010))
	// Output: SUBSYSTEM=="usb", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6010", MODE="0660", GROUP="plugdev", TAG+="uaccess"
}

// With nothing plugged in, FindSupported says so with a typed error.
func ExampleFindSupported() {
	_, err := usb.FindSupported(usbtest.NewBus(), "icebreaker")
	fmt.Println(errors.Is(err, usb.ErrNoBoard))
	// Output: true
}
