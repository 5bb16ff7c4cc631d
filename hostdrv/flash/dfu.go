package flash

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// DFU 1.1 requests.
const (
	dfuDetach    = 0
	dfuDnload    = 1
	dfuGetStatus = 3
	dfuClrStatus = 4
	dfuGetState  = 5
	dfuAbort     = 6
)

// DFU states.
const (
	stateAppIdle         = 0
	stateAppDetach       = 1
	stateIdle            = 2
	stateDnloadSync      = 3
	stateDnBusy          = 4
	stateDnloadIdle      = 5
	stateManifestSync    = 6
	stateManifest        = 7
	stateManifestWaitRst = 8
	stateUploadIdle      = 9
	stateError           = 10
)

var dfuStateNames = []string{"appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY",
	"dfuDNLOAD-IDLE", "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR"}

var dfuStatusNames = []string{"OK", "errTARGET", "errFILE", "errWRITE", "errERASE", "errCHECK_ERASED",
	"errPROG", "errVERIFY", "errADDRESS", "errNOTDONE", "errFIRMWARE", "errVENDOR", "errUSBR",
	"errPOR", "errUNKNOWN", "errSTALLEDPKT"}

// DFUStateName names a DFU state.
func DFUStateName(s int) string {
	if s >= 0 && s < len(dfuStateNames) {
		return dfuStateNames[s]
	}
	return fmt.Sprintf("state %d", s)
}

// DFUStatusError is a non-zero bStatus from GETSTATUS.
type DFUStatusError struct {
	Status int
	State  int
	Block  int // block being downloaded, -1 if none.
}

func (e *DFUStatusError) Error() string {
	name := fmt.Sprintf("status %d", e.Status)
	if e.Status >= 0 && e.Status < len(dfuStatusNames) {
		name = dfuStatusNames[e.Status]
	}
	at := ""
	if e.Block >= 0 {
		at = fmt.Sprintf(" at block %d", e.Block)
	}
	return fmt.Sprintf("flash: dfu: the device reported %s%s (state %s); replug the board in bootloader mode and try again", name, at, DFUStateName(e.State))
}

// DFUStatus is a decoded GETSTATUS reply.
type DFUStatus struct {
	Status      int
	PollTimeout time.Duration
	State       int
}

// DFU downloads images through a USB DFU 1.1 bootloader.
type DFU struct {
	dev          usb.Device
	intf         int
	TransferSize int
	Attributes   uint8
	// Sleep waits for bwPollTimeout; tests replace it.
	Sleep func(time.Duration)
}

// OpenDFU reads the DFU functional descriptor of interface intf and
// selects alternate setting alt (OrangeCrab: 0 bitstream, 1 firmware).
func OpenDFU(ctx context.Context, dev usb.Device, intf, alt int) (*DFU, error) {
	if err := dev.Claim(intf); err != nil {
		return nil, fmt.Errorf("flash: dfu: %w", err)
	}
	buf := make([]byte, 512)
	n, err := dev.Control(ctx, 0x80, 0x06, 0x0200, 0, buf)
	if err != nil {
		return nil, fmt.Errorf("flash: dfu: read configuration descriptor: %w", err)
	}
	d := &DFU{dev: dev, intf: intf, Sleep: time.Sleep}
	for off := 0; off+2 <= n; {
		l := int(buf[off])
		if l < 2 || off+l > n {
			break
		}
		if buf[off+1] == 0x21 && l >= 7 {
			d.Attributes = buf[off+2]
			d.TransferSize = int(binary.LittleEndian.Uint16(buf[off+5:]))
		}
		off += l
	}
	if d.TransferSize == 0 {
		return nil, errors.New("flash: dfu: the device has no DFU functional descriptor; is it in bootloader mode?")
	}
	if d.Attributes&0x01 == 0 {
		return nil, errors.New("flash: dfu: the device does not accept downloads (bitCanDnload clear)")
	}
	if _, err := dev.Control(ctx, 0x01, 0x0B, uint16(alt), uint16(intf), nil); err != nil {
		return nil, fmt.Errorf("flash: dfu: select alt setting %d: %w", alt, err)
	}
	return d, nil
}

func (d *DFU) req(ctx context.Context, rType, req uint8, value uint16, data []byte) (int, error) {
	return d.dev.Control(ctx, rType, req, value, uint16(d.intf), data)
}

// Status sends GETSTATUS.
func (d *DFU) Status(ctx context.Context) (DFUStatus, error) {
	var b [6]byte
	n, err := d.req(ctx, 0xA1, dfuGetStatus, 0, b[:])
	if err != nil {
		return DFUStatus{}, fmt.Errorf("flash: dfu: GETSTATUS: %w", err)
	}
	if n != 6 {
		return DFUStatus{}, fmt.Errorf("flash: dfu: GETSTATUS returned %d bytes, want 6", n)
	}
	ms := int(b[1]) | int(b[2])<<8 | int(b[3])<<16
	return DFUStatus{Status: int(b[0]), PollTimeout: time.Duration(ms) * time.Millisecond, State: int(b[4])}, nil
}

// toIdle clears an error or aborts a transfer until the device is in dfuIDLE.
func (d *DFU) toIdle(ctx context.Context) error {
	for i := 0; i < 4; i++ {
		st, err := d.Status(ctx)
		if err != nil {
			return err
		}
		switch st.State {
		case stateIdle:
			return nil
		case stateAppIdle, stateAppDetach:
			return errors.New("flash: dfu: the board runs its application, not the bootloader; hold its button while plugging it in, then retry")
		case stateError:
			if _, err := d.req(ctx, 0x21, dfuClrStatus, 0, nil); err != nil {
				return fmt.Errorf("flash: dfu: CLRSTATUS: %w", err)
			}
		default:
			if _, err := d.req(ctx, 0x21, dfuAbort, 0, nil); err != nil {
				return fmt.Errorf("flash: dfu: ABORT in %s: %w", DFUStateName(st.State), err)
			}
		}
	}
	return errors.New("flash: dfu: the device does not return to dfuIDLE; replug it")
}

// wait polls GETSTATUS, honouring bwPollTimeout, while the state is one of busy.
func (d *DFU) wait(ctx context.Context, block int, busy ...int) (DFUStatus, error) {
	for i := 0; i < 10000; i++ {
		st, err := d.Status(ctx)
		if err != nil {
			return st, err
		}
		if st.Status != 0 || st.State == stateError {
			return st, &DFUStatusError{Status: st.Status, State: st.State, Block: block}
		}
		d.Sleep(st.PollTimeout)
		still := false
		for _, b := range busy {
			if st.State == b {
				still = true
			}
		}
		if !still {
			return st, nil
		}
	}
	return DFUStatus{}, fmt.Errorf("flash: dfu: block %d: the device stays busy", block)
}

// Download sends img block by block, then manifests it. A device that
// resets and leaves the bus after manifestation (bitWillDetach) has
// succeeded.
func (d *DFU) Download(ctx context.Context, img []byte, progress Progress) error {
	if len(img) == 0 {
		return errors.New("flash: dfu: the image is empty")
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := d.toIdle(ctx); err != nil {
		return err
	}
	block := 0
	for off := 0; off < len(img); off += d.TransferSize {
		end := off + d.TransferSize
		if end > len(img) {
			end = len(img)
		}
		if _, err := d.req(ctx, 0x21, dfuDnload, uint16(block), img[off:end]); err != nil {
			return fmt.Errorf("flash: dfu: DNLOAD block %d: %w", block, err)
		}
		st, err := d.wait(ctx, block, stateDnloadSync, stateDnBusy)
		if err != nil {
			return err
		}
		if st.State != stateDnloadIdle {
			return fmt.Errorf("flash: dfu: block %d: device in %s, want dfuDNLOAD-IDLE", block, DFUStateName(st.State))
		}
		block++
		progress("write", end, len(img))
	}
	if _, err := d.req(ctx, 0x21, dfuDnload, uint16(block), nil); err != nil {
		return fmt.Errorf("flash: dfu: end of download: %w", err)
	}
	st, err := d.wait(ctx, -1, stateManifestSync, stateManifest)
	if errors.Is(err, usb.ErrUnplugged) && d.Attributes&0x08 != 0 {
		return nil // reset into the new image during manifestation.
	}
	if err != nil {
		return fmt.Errorf("flash: dfu: manifestation: %w", err)
	}
	switch st.State {
	case stateIdle, stateManifestWaitRst:
		return nil
	}
	return fmt.Errorf("flash: dfu: after manifestation the device is in %s", DFUStateName(st.State))
}
