package usb

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoBoard means no attached device matched a supported board.
var ErrNoBoard = errors.New("usb: no supported board found")

// ErrUnplugged means the device left the bus during the operation.
var ErrUnplugged = errors.New("usb: device unplugged")

// ErrTimeout means a transfer did not complete before its deadline.
var ErrTimeout = errors.New("usb: transfer timed out")

// NoBoardError is returned when no supported board is attached. It wraps
// ErrNoBoard and says what was looked for and what was seen.
type NoBoardError struct {
	Wanted string       // board name asked for, "" for any.
	Seen   []DeviceDesc // devices on the bus that matched nothing.
}

func (e *NoBoardError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoBoard.Error())
	if e.Wanted != "" {
		fmt.Fprintf(&b, " for board %q", e.Wanted)
	}
	fmt.Fprintf(&b, " (%d USB devices on the bus, none supported); plug the board in, check the cable carries data, and run `lifkit detect`; supported IDs: %s",
		len(e.Seen), strings.Join(SupportedIDs(), ", "))
	return b.String()
}

func (e *NoBoardError) Unwrap() error { return ErrNoBoard }

// AccessError means the operating system refused to open the device,
// usually because no udev rule grants the user access.
type AccessError struct {
	Dev DeviceDesc
	Err error
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("usb: permission denied opening %s (%s): %v; install a udev rule and replug the board:\n%s\n(`lifkit udev-rules | sudo tee /etc/udev/rules.d/70-lifkit.rules && sudo udevadm control --reload && sudo udevadm trigger` installs rules for every supported board)",
		e.Dev.ID(), e.Dev.Location(), e.Err, UdevRule(e.Dev.VID, e.Dev.PID))
}

func (e *AccessError) Unwrap() error { return e.Err }

// BusyError means another driver or program holds an interface.
type BusyError struct {
	Dev       DeviceDesc
	Interface int
	Driver    string // kernel driver bound to the interface, "" if unknown.
	Err       error
}

func (e *BusyError) Error() string {
	who := "another program (iceprog, openFPGALoader, a serial terminal?)"
	if e.Driver != "" {
		who = fmt.Sprintf("kernel driver %q", e.Driver)
	}
	return fmt.Sprintf("usb: interface %d of %s (%s) is busy: claimed by %s: %v; close the program holding it, or unbind the driver (echo -n <interface> | sudo tee /sys/bus/usb/drivers/%s/unbind)",
		e.Interface, e.Dev.ID(), e.Dev.Location(), who, e.Err, driverOr(e.Driver))
}

func (e *BusyError) Unwrap() error { return e.Err }

func driverOr(d string) string {
	if d == "" {
		return "<driver>"
	}
	return d
}
