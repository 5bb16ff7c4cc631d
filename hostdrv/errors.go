package hostdrv

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by every call on a closed Client.
var ErrClosed = errors.New("hostdrv: client is closed")

// DeviceError is a device's ERR answer: the request arrived intact but the device refused it.
// Retrying the same request fails the same way.
type DeviceError struct {
	Op     string // the request, e.g. "RUN"
	Code   byte   // one of the Err* codes of docs/protocol.md
	Detail string // the device's explanation, possibly empty
}

var errNames = map[byte]string{
	ErrUnknownCommand: "unknown command", ErrBadArgument: "bad argument", ErrBadSpace: "bad address space or range",
	ErrReadOnly: "read-only space", ErrNoNetwork: "no network loaded", ErrBadNetwork: "network breaks docs/semantics.md",
	ErrTooBig: "does not fit the device", ErrBadInput: "malformed input", ErrVersion: "no common protocol version",
	ErrNotSynced: "session not synchronised",
}

func (e *DeviceError) Error() string {
	name, ok := errNames[e.Code]
	if !ok {
		name = fmt.Sprintf("code %d", e.Code)
	}
	if e.Detail != "" {
		return fmt.Sprintf("hostdrv: device refused %s: %s: %s", e.Op, name, e.Detail)
	}
	return fmt.Sprintf("hostdrv: device refused %s: %s", e.Op, name)
}

// LinkError means the link gave up: a request stayed unanswered through every retransmission,
// or the device stopped following the protocol. The board may be unplugged, at another baud
// rate, or running a bitstream without the link.
type LinkError struct {
	Op      string
	Retries int
	Err     error
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("hostdrv: %s: no valid answer after %d retransmissions (check the cable, the baud rate and that the bitstream has the link): %v", e.Op, e.Retries, e.Err)
}

func (e *LinkError) Unwrap() error { return e.Err }

// FitError means a network or sample does not fit the device as INFO describes it. Nothing
// was sent.
type FitError struct {
	Field string // what does not fit, e.g. "layers[0].size"
	Need  int
	Have  int
}

func (e *FitError) Error() string {
	return fmt.Sprintf("hostdrv: %s needs %d, the device offers %d: use a smaller network or a bigger board (lifkit boards)", e.Field, e.Need, e.Have)
}

// VerifyError means a written value read back differently: the write did not take. The
// network on the device must not be used.
type VerifyError struct {
	Space  string // e.g. "layers[1].weights"
	Offset int    // byte offset within the space
	Wrote  byte
	Read   byte
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("hostdrv: read-back of %s differs at byte %d: wrote 0x%02x, read 0x%02x; the device memory is faulty or was overwritten, reload before use", e.Space, e.Offset, e.Wrote, e.Read)
}
