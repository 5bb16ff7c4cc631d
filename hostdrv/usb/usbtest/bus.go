package usbtest

import (
	"fmt"
	"sync"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// Device is an emulated device the Bus can open.
type Device interface {
	usb.Device
	// open is called when the bus opens the device.
	open() error
}

// Bus is an emulated USB bus.
type Bus struct {
	mu   sync.Mutex
	devs []Device
	// DenyAccess makes Open fail as libusb does without a udev rule.
	DenyAccess bool
}

var _ usb.Bus = (*Bus)(nil)

// NewBus returns a bus with devices attached; positions are assigned in order.
func NewBus(devs ...Device) *Bus {
	return &Bus{devs: devs}
}

// Attach adds a device.
func (b *Bus) Attach(d Device) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.devs = append(b.devs, d)
}

// Devices lists attached devices.
func (b *Bus) Devices() ([]usb.DeviceDesc, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []usb.DeviceDesc
	for _, d := range b.devs {
		desc := d.Desc()
		desc.Manufacturer, desc.Product, desc.Serial = "", "", ""
		out = append(out, desc)
	}
	return out, nil
}

// Open opens the device at the descriptor's position.
func (b *Bus) Open(want usb.DeviceDesc) (usb.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.devs {
		desc := d.Desc()
		if desc.Bus != want.Bus || desc.Address != want.Address {
			continue
		}
		if b.DenyAccess {
			return nil, &usb.AccessError{Dev: desc, Err: fmt.Errorf("usbtest: libusb: bad access [code -3]")}
		}
		if err := d.open(); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("usbtest: open %s (%s): %w", want.ID(), want.Location(), usb.ErrUnplugged)
}

// Close ends the session.
func (b *Bus) Close() error { return nil }
