package usbtest

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// DFU states (USB DFU 1.1).
const (
	DFUAppIdle = iota
	DFUAppDetach
	DFUIdle
	DFUDnloadSync
	DFUDnBusy
	DFUDnloadIdle
	DFUManifestSync
	DFUManifest
	DFUManifestWaitReset
	DFUUploadIdle
	DFUError
)

// DFU status codes used by the model.
const (
	DFUStatusOK      = 0x00
	DFUErrWrite      = 0x03
	DFUErrAddress    = 0x08
	DFUErrStalledPkt = 0x0F
)

// DFUDevice models a DFU 1.1 bootloader (OrangeCrab foboot, Fomu): the
// state machine, GETSTATUS with bwPollTimeout, download into a flash
// region, manifestation, and leaving the bus when it will detach.
type DFUDevice struct {
	mu   sync.Mutex
	desc usb.DeviceDesc
	// TransferSize and Attributes go into the DFU functional descriptor.
	TransferSize int
	Attributes   uint8
	// PollTimeout is reported in GETSTATUS while busy.
	PollTimeout time.Duration
	// Flash receives the download at FlashBase.
	Flash     []byte
	FlashBase int
	// Clock charges full-speed transfers and the poll timeouts.
	Clock Clock

	// Faults: FailBlock >= 0 makes that block end in errWRITE;
	// UnplugAtBlock >= 0 makes the device leave the bus when that block arrives.
	FailBlock     int
	UnplugAtBlock int

	// Booted is set when the device reset into the new image.
	Booted bool

	state     uint8
	status    uint8
	block     int
	pending   []byte
	written   int
	unplugged bool
	alt       int
}

var _ Device = (*DFUDevice)(nil)

// NewOrangeCrab returns an emulated OrangeCrab bootloader (1209:5af0,
// transfer size 4096, attributes 0x0D, bitstream at flash 0x80000).
func NewOrangeCrab() *DFUDevice {
	d := &DFUDevice{TransferSize: 4096, Attributes: 0x0D, PollTimeout: 5 * time.Millisecond,
		Flash: make([]byte, 16<<20), FlashBase: 0x80000, FailBlock: -1, UnplugAtBlock: -1, state: DFUIdle}
	for i := range d.Flash {
		d.Flash[i] = 0xFF
	}
	d.desc = usb.DeviceDesc{Bus: 1, Address: 12, Path: []int{3}, VID: 0x1209, PID: 0x5af0, Speed: usb.SpeedFull,
		Manufacturer: "GsD", Product: "OrangeCrab r0.2 DFU Bootloader v3.1", Serial: "EMU00012",
		Interfaces: []usb.InterfaceDesc{{Number: 0, Class: 0xFE, SubClass: 0x01}}}
	return d
}

// State returns the DFU state.
func (d *DFUDevice) State() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return int(d.state)
}

func (d *DFUDevice) open() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unplugged {
		return fmt.Errorf("usbtest: open %s: %w", d.desc.ID(), usb.ErrUnplugged)
	}
	return nil
}

// Desc returns the descriptor.
func (d *DFUDevice) Desc() usb.DeviceDesc { return d.desc }

// Claim claims interface 0.
func (d *DFUDevice) Claim(intf int) error {
	if intf != 0 {
		return fmt.Errorf("usbtest: dfu: no interface %d", intf)
	}
	return nil
}

// Release does nothing.
func (d *DFUDevice) Release(int) error { return nil }

// ReadBulk fails: a DFU device has no bulk endpoints.
func (d *DFUDevice) ReadBulk(context.Context, uint8, []byte) (int, error) {
	return 0, fmt.Errorf("usbtest: dfu device has no bulk endpoints")
}

// WriteBulk fails: a DFU device has no bulk endpoints.
func (d *DFUDevice) WriteBulk(context.Context, uint8, []byte) (int, error) {
	return 0, fmt.Errorf("usbtest: dfu device has no bulk endpoints")
}

// Close does nothing.
func (d *DFUDevice) Close() error { return nil }

func (d *DFUDevice) stall(what string) error {
	if d.state != DFUAppIdle && d.state != DFUAppDetach {
		d.state, d.status = DFUError, DFUErrStalledPkt
	}
	return fmt.Errorf("usbtest: dfu: %s in state %d: libusb: pipe error [code -9]", what, d.state)
}

// Control handles standard GET_DESCRIPTOR/SET_INTERFACE and the DFU class requests.
func (d *DFUDevice) Control(ctx context.Context, rType, req uint8, value, index uint16, data []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unplugged {
		return 0, fmt.Errorf("usbtest: dfu: %w", usb.ErrUnplugged)
	}
	d.Clock.Now += TransferOverheadFS + ByteTimeFS*durationOf(len(data))
	switch {
	case rType == 0x80 && req == 0x06 && value == 0x0200:
		return copy(data, d.configDescriptor()), nil
	case rType == 0x01 && req == 0x0B:
		if value > 1 {
			return 0, fmt.Errorf("usbtest: dfu: no alt setting %d: libusb: pipe error [code -9]", value)
		}
		d.alt = int(value)
		return 0, nil
	case rType == 0x21 && req == 1: // DNLOAD
		return d.dnload(int(value), data)
	case rType == 0xA1 && req == 3: // GETSTATUS
		return d.getStatus(data)
	case rType == 0x21 && req == 4: // CLRSTATUS
		if d.state != DFUError {
			return 0, d.stall("CLRSTATUS")
		}
		d.state, d.status = DFUIdle, DFUStatusOK
		return 0, nil
	case rType == 0xA1 && req == 5: // GETSTATE
		if len(data) < 1 {
			return 0, d.stall("GETSTATE")
		}
		data[0] = d.state
		return 1, nil
	case rType == 0x21 && req == 6: // ABORT
		switch d.state {
		case DFUIdle, DFUDnloadSync, DFUDnloadIdle, DFUManifestSync, DFUUploadIdle:
			d.state = DFUIdle
			return 0, nil
		}
		return 0, d.stall("ABORT")
	case rType == 0x21 && req == 0: // DETACH
		return 0, d.stall("DETACH")
	}
	return 0, d.stall(fmt.Sprintf("request 0x%02x/0x%02x", rType, req))
}

func (d *DFUDevice) configDescriptor() []byte {
	b := []byte{9, 2, 27, 0, 1, 1, 0, 0x80, 50, // configuration
		9, 4, 0, 0, 0, 0xFE, 0x01, 0x02, 0, // interface 0 alt 0: DFU mode
		9, 0x21, d.Attributes, 0xFF, 0x00, 0, 0, 0x01, 0x01} // functional
	binary.LittleEndian.PutUint16(b[18+5:], uint16(d.TransferSize))
	return b
}

func (d *DFUDevice) dnload(block int, data []byte) (int, error) {
	switch d.state {
	case DFUIdle, DFUDnloadIdle:
	default:
		return 0, d.stall("DNLOAD")
	}
	if len(data) == 0 {
		if d.state != DFUDnloadIdle {
			return 0, d.stall("empty DNLOAD")
		}
		d.state = DFUManifestSync
		return 0, nil
	}
	if len(data) > d.TransferSize {
		return 0, d.stall("DNLOAD longer than wTransferSize")
	}
	if d.state == DFUIdle {
		d.block, d.written = 0, 0
	}
	if block == d.UnplugAtBlock {
		d.unplugged = true
		return 0, fmt.Errorf("usbtest: dfu: %w", usb.ErrUnplugged)
	}
	if block != d.block {
		d.state, d.status = DFUError, DFUErrAddress
		return len(data), nil
	}
	d.pending = append(d.pending[:0], data...)
	d.state = DFUDnloadSync
	return len(data), nil
}

func (d *DFUDevice) getStatus(data []byte) (int, error) {
	if len(data) < 6 {
		return 0, d.stall("short GETSTATUS")
	}
	poll := time.Duration(0)
	switch d.state {
	case DFUDnloadSync:
		d.state = DFUDnBusy
		poll = d.PollTimeout
	case DFUDnBusy:
		if d.block == d.FailBlock {
			d.state, d.status = DFUError, DFUErrWrite
			break
		}
		copy(d.Flash[d.FlashBase+d.written:], d.pending)
		d.written += len(d.pending)
		d.block++
		d.state = DFUDnloadIdle
	case DFUManifestSync:
		d.state = DFUManifest
		poll = d.PollTimeout
	case DFUManifest:
		if d.Attributes&0x04 != 0 {
			d.state = DFUIdle
		} else {
			d.state = DFUManifestWaitReset
		}
		if d.Attributes&0x08 != 0 {
			// Will detach: the reply goes out, then the device resets
			// into the new image and leaves the bus.
			defer func() { d.unplugged, d.Booted = true, true }()
		}
	}
	data[0] = d.status
	ms := uint32(poll / time.Millisecond)
	data[1], data[2], data[3] = byte(ms), byte(ms>>8), byte(ms>>16)
	data[4] = d.state
	data[5] = 0
	d.Clock.Now += poll
	return 6, nil
}

// Written returns the bytes downloaded so far.
func (d *DFUDevice) Written() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.Flash[d.FlashBase : d.FlashBase+d.written]
}

// Replug brings the bootloader back on the bus in dfuIDLE (faults cleared).
func (d *DFUDevice) Replug() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unplugged, d.state, d.status, d.FailBlock, d.UnplugAtBlock = false, DFUIdle, 0, -1, -1
}

// SetState forces a state and status (to start a test from dfuERROR, say).
func (d *DFUDevice) SetState(state, status int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.state, d.status = uint8(state), uint8(status)
}
