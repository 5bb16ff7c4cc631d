package libusb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/gousb"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// DefaultTimeout bounds transfers whose context has no deadline.
const DefaultTimeout = 5 * time.Second

// Bus is a libusb session.
type Bus struct {
	ctx *gousb.Context
}

var _ usb.Bus = (*Bus)(nil)
var _ usb.Device = (*Device)(nil)

// Open starts libusb.
func Open() (b *Bus, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("libusb: cannot start libusb: %v; is libusb-1.0 installed?", r)
		}
	}()
	return &Bus{ctx: gousb.NewContext()}, nil
}

// Devices lists attached devices without opening them.
func (b *Bus) Devices() ([]usb.DeviceDesc, error) {
	var out []usb.DeviceDesc
	_, err := b.ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		out = append(out, convertDesc(d))
		return false
	})
	if err != nil {
		return out, fmt.Errorf("libusb: enumerating: %w", translate(err))
	}
	return out, nil
}

// Open opens the device at the descriptor's bus position.
func (b *Bus) Open(want usb.DeviceDesc) (usb.Device, error) {
	var openErr error
	devs, err := b.ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		return d.Bus == want.Bus && d.Address == want.Address && uint16(d.Vendor) == want.VID && uint16(d.Product) == want.PID
	})
	if err != nil {
		openErr = err
	}
	if len(devs) == 0 {
		if openErr == nil {
			return nil, fmt.Errorf("libusb: open %s (%s): %w", want.ID(), want.Location(), usb.ErrUnplugged)
		}
		if is(openErr, gousb.ErrorAccess) {
			return nil, &usb.AccessError{Dev: want, Err: openErr}
		}
		return nil, fmt.Errorf("libusb: open %s (%s): %w", want.ID(), want.Location(), translate(openErr))
	}
	for _, extra := range devs[1:] {
		extra.Close()
	}
	d := devs[0]
	if err := d.SetAutoDetach(true); err != nil && !is(err, gousb.ErrorNotSupported) {
		// (Platforms without kernel-driver detach report NotSupported; claiming
		// still works there or fails later with a BusyError.)
		d.Close()
		return nil, fmt.Errorf("libusb: %s: enabling kernel driver detach: %w", want.ID(), translate(err))
	}
	desc := convertDesc(d.Desc)
	desc.Manufacturer, _ = d.Manufacturer()
	desc.Product, _ = d.Product()
	desc.Serial, _ = d.SerialNumber()
	return &Device{dev: d, desc: desc, intfs: map[int]*gousb.Interface{}}, nil
}

// Close ends the libusb session.
func (b *Bus) Close() error { return b.ctx.Close() }

func convertDesc(d *gousb.DeviceDesc) usb.DeviceDesc {
	out := usb.DeviceDesc{
		Bus: d.Bus, Address: d.Address, Path: append([]int(nil), d.Path...),
		VID: uint16(d.Vendor), PID: uint16(d.Product),
	}
	switch d.Speed {
	case gousb.SpeedFull, gousb.SpeedLow:
		out.Speed = usb.SpeedFull
	case gousb.SpeedHigh, gousb.SpeedSuper:
		out.Speed = usb.SpeedHigh
	}
	cfg, ok := d.Configs[1]
	if !ok {
		for _, c := range d.Configs {
			cfg = c
			break
		}
	}
	for _, in := range cfg.Interfaces {
		if len(in.AltSettings) == 0 {
			continue
		}
		alt := in.AltSettings[0]
		id := usb.InterfaceDesc{Number: in.Number, Class: uint8(alt.Class), SubClass: uint8(alt.SubClass)}
		for _, e := range alt.Endpoints {
			id.Endpoints = append(id.Endpoints, usb.EndpointDesc{Address: uint8(e.Address), MaxPacket: e.MaxPacketSize})
		}
		out.Interfaces = append(out.Interfaces, id)
	}
	return out
}

// Device is an opened libusb device.
type Device struct {
	mu    sync.Mutex
	dev   *gousb.Device
	desc  usb.DeviceDesc
	cfg   *gousb.Config
	intfs map[int]*gousb.Interface
	ins   map[uint8]*gousb.InEndpoint
	outs  map[uint8]*gousb.OutEndpoint
}

// Desc returns the descriptor with strings.
func (d *Device) Desc() usb.DeviceDesc { return d.desc }

// Control performs a control transfer.
func (d *Device) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	d.mu.Lock() // ControlTimeout is per device: one control transfer at a time.
	defer d.mu.Unlock()
	if dl, ok := ctx.Deadline(); ok {
		d.dev.ControlTimeout = time.Until(dl)
		if d.dev.ControlTimeout <= 0 {
			return 0, fmt.Errorf("libusb: control 0x%02x: %w", request, usb.ErrTimeout)
		}
	} else {
		d.dev.ControlTimeout = DefaultTimeout
	}
	n, err := d.dev.Control(rType, request, value, index, data)
	if err != nil {
		return n, fmt.Errorf("libusb: control 0x%02x/0x%02x: %w", rType, request, translate(err))
	}
	return n, nil
}

// Claim claims an interface of configuration 1.
func (d *Device) Claim(intf int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.intfs[intf]; ok {
		return nil
	}
	if d.cfg == nil {
		cfg, err := d.dev.Config(1)
		if err != nil {
			return d.claimErr(intf, err)
		}
		d.cfg = cfg
	}
	in, err := d.cfg.Interface(intf, 0)
	if err != nil {
		return d.claimErr(intf, err)
	}
	d.intfs[intf] = in
	return nil
}

func (d *Device) claimErr(intf int, err error) error {
	if is(err, gousb.ErrorBusy) {
		return &usb.BusyError{Dev: d.desc, Interface: intf, Driver: KernelDriver(d.desc, 1, intf), Err: err}
	}
	if is(err, gousb.ErrorAccess) {
		return &usb.AccessError{Dev: d.desc, Err: err}
	}
	return fmt.Errorf("libusb: %s: claim interface %d: %w", d.desc.ID(), intf, translate(err))
}

// Release releases an interface.
func (d *Device) Release(intf int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if in, ok := d.intfs[intf]; ok {
		in.Close()
		delete(d.intfs, intf)
		for a := range d.ins {
			if intfOf(d.desc, a) == intf {
				delete(d.ins, a)
			}
		}
		for a := range d.outs {
			if intfOf(d.desc, a) == intf {
				delete(d.outs, a)
			}
		}
	}
	return nil
}

func intfOf(desc usb.DeviceDesc, addr uint8) int {
	for _, in := range desc.Interfaces {
		for _, e := range in.Endpoints {
			if e.Address == addr {
				return in.Number
			}
		}
	}
	return -1
}

func (d *Device) endpointIntf(ep uint8) (*gousb.Interface, error) {
	n := intfOf(d.desc, ep)
	in, ok := d.intfs[n]
	if n < 0 || !ok {
		return nil, fmt.Errorf("libusb: endpoint 0x%02x: interface %d not claimed", ep, n)
	}
	return in, nil
}

func withDefault(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

// ReadBulk reads one transfer from an IN endpoint.
func (d *Device) ReadBulk(ctx context.Context, ep uint8, buf []byte) (int, error) {
	d.mu.Lock()
	e, ok := d.ins[ep]
	if !ok {
		in, err := d.endpointIntf(ep)
		if err == nil {
			e, err = in.InEndpoint(int(ep & 0x0f))
		}
		if err != nil {
			d.mu.Unlock()
			return 0, fmt.Errorf("libusb: %s: %w", d.desc.ID(), err)
		}
		if d.ins == nil {
			d.ins = map[uint8]*gousb.InEndpoint{}
		}
		d.ins[ep] = e
	}
	d.mu.Unlock()
	ctx, cancel := withDefault(ctx)
	defer cancel()
	n, err := e.ReadContext(ctx, buf)
	if err != nil {
		return n, fmt.Errorf("libusb: read 0x%02x: %w", ep, translate(err))
	}
	return n, nil
}

// WriteBulk writes one transfer to an OUT endpoint.
func (d *Device) WriteBulk(ctx context.Context, ep uint8, buf []byte) (int, error) {
	d.mu.Lock()
	e, ok := d.outs[ep]
	if !ok {
		in, err := d.endpointIntf(ep)
		if err == nil {
			e, err = in.OutEndpoint(int(ep & 0x0f))
		}
		if err != nil {
			d.mu.Unlock()
			return 0, fmt.Errorf("libusb: %s: %w", d.desc.ID(), err)
		}
		if d.outs == nil {
			d.outs = map[uint8]*gousb.OutEndpoint{}
		}
		d.outs[ep] = e
	}
	d.mu.Unlock()
	ctx, cancel := withDefault(ctx)
	defer cancel()
	n, err := e.WriteContext(ctx, buf)
	if err != nil {
		return n, fmt.Errorf("libusb: write 0x%02x: %w", ep, translate(err))
	}
	return n, nil
}

// Close releases interfaces, the configuration and the device, in order.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for n, in := range d.intfs {
		in.Close()
		delete(d.intfs, n)
	}
	var errs []error
	if d.cfg != nil {
		errs = append(errs, d.cfg.Close())
		d.cfg = nil
	}
	errs = append(errs, d.dev.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("libusb: close %s: %w", d.desc.ID(), err)
	}
	return nil
}

// translate maps libusb errors onto the usb package's sentinel errors,
// keeping the original in the chain.
func translate(err error) error {
	switch {
	case is(err, gousb.ErrorNoDevice), is(err, gousb.TransferNoDevice):
		return fmt.Errorf("%w (%v)", usb.ErrUnplugged, err)
	case is(err, gousb.ErrorTimeout), errors.Is(err, context.DeadlineExceeded),
		is(err, gousb.TransferTimedOut):
		return fmt.Errorf("%w (%v)", usb.ErrTimeout, err)
	}
	return err
}

// is reports whether err is, or textually carries, the libusb error e.
// gousb wraps many errors with %v, which breaks errors.Is; the text of a
// gousb error is stable ("libusb: bad access [code -3]").
func is(err, e error) bool {
	return err != nil && (errors.Is(err, e) || strings.Contains(err.Error(), e.Error()))
}

// sysfsRoot is where KernelDriver looks; tests point it elsewhere.
var sysfsRoot = "/sys/bus/usb/devices"

// KernelDriver returns the name of the kernel driver bound to an interface,
// read from sysfs (<bus>-<port.path>:<cfg>.<intf>/driver), or "" if none
// is bound or it cannot be told.
func KernelDriver(d usb.DeviceDesc, cfg, intf int) string {
	if len(d.Path) == 0 {
		return ""
	}
	ports := make([]string, len(d.Path))
	for i, p := range d.Path {
		ports[i] = strconv.Itoa(p)
	}
	name := fmt.Sprintf("%d-%s:%d.%d", d.Bus, strings.Join(ports, "."), cfg, intf)
	link, err := os.Readlink(filepath.Join(sysfsRoot, name, "driver"))
	if err != nil {
		return ""
	}
	return filepath.Base(link)
}
