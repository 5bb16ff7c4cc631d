package usb

import (
	"context"
	"fmt"
)

// Speed is the negotiated bus speed of a device.
type Speed int

// Bus speeds.
const (
	SpeedUnknown Speed = iota
	SpeedFull          // 12 Mbit/s: 64-byte bulk packets.
	SpeedHigh          // 480 Mbit/s: 512-byte bulk packets.
)

func (s Speed) String() string {
	switch s {
	case SpeedFull:
		return "full speed"
	case SpeedHigh:
		return "high speed"
	}
	return "unknown speed"
}

// EndpointDesc describes one endpoint of an interface.
type EndpointDesc struct {
	Address   uint8 // bit 7 set for IN endpoints.
	MaxPacket int   // bytes per packet.
}

// In reports whether the endpoint sends data to the host.
func (e EndpointDesc) In() bool { return e.Address&0x80 != 0 }

// InterfaceDesc describes one interface (alternate setting 0).
type InterfaceDesc struct {
	Number    int
	Class     uint8
	SubClass  uint8
	Endpoints []EndpointDesc
}

// DeviceDesc identifies a device on the bus. String fields are filled only
// once the device has been opened (see Device.Desc).
type DeviceDesc struct {
	Bus, Address int
	Path         []int // port numbers from the root hub; used to find sysfs entries.
	VID, PID     uint16
	Speed        Speed
	Manufacturer string
	Product      string
	Serial       string
	Interfaces   []InterfaceDesc
}

// ID returns "vvvv:pppp".
func (d DeviceDesc) ID() string { return fmt.Sprintf("%04x:%04x", d.VID, d.PID) }

// Location returns a human-readable bus position, e.g. "bus 1 device 5".
func (d DeviceDesc) Location() string {
	return fmt.Sprintf("bus %d device %d", d.Bus, d.Address)
}

// Endpoint returns the descriptor of the endpoint with the given address.
func (d DeviceDesc) Endpoint(addr uint8) (EndpointDesc, bool) {
	for _, in := range d.Interfaces {
		for _, e := range in.Endpoints {
			if e.Address == addr {
				return e, true
			}
		}
	}
	return EndpointDesc{}, false
}

// Device is an opened USB device.
type Device interface {
	// Desc returns the descriptor, including the strings read at open.
	Desc() DeviceDesc
	// Control performs a control transfer. For IN requests (rType bit 7)
	// data receives the reply and the count read is returned.
	Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error)
	// Claim claims an interface, detaching a kernel driver if the
	// implementation can; a driver it cannot detach gives *BusyError.
	Claim(intf int) error
	// Release releases a claimed interface.
	Release(intf int) error
	// ReadBulk reads one bulk transfer from an IN endpoint address (0x81...).
	// len(buf) should be a multiple of the endpoint's max packet size.
	ReadBulk(ctx context.Context, ep uint8, buf []byte) (int, error)
	// WriteBulk writes buf to an OUT endpoint address (0x02...).
	WriteBulk(ctx context.Context, ep uint8, buf []byte) (int, error)
	// Close releases everything and closes the device.
	Close() error
}

// Bus enumerates and opens devices.
type Bus interface {
	// Devices lists attached devices (strings are not filled in).
	Devices() ([]DeviceDesc, error)
	// Open opens a listed device. A permission problem gives *AccessError.
	Open(d DeviceDesc) (Device, error)
	// Close ends the session.
	Close() error
}
