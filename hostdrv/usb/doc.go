// Package usb is the narrow seam between lifkit's board drivers and a USB
// stack.
//
// A Bus lists devices and opens them; a Device offers exactly what the
// drivers above need: control transfers, bulk reads and writes bounded by a
// context, claim and release of an interface, and the device descriptor.
// Two implementations exist: package usb/libusb (gousb over libusb, cgo) and
// package usb/usbtest (a faithful emulator of the FTDI bridges and the
// parts behind them). Everything above this package is plain Go.
//
// The package also holds the table of supported boards by USB ID
// (Supported), the udev rules that grant users access to them (UdevRules),
// and the typed errors every implementation returns so that callers can
// tell a missing board, a permission problem, a kernel driver holding the
// interface, and an unplugged device apart.
//
// Invariants: implementations translate their native errors into the
// errors of this package (ErrNoBoard, *AccessError, *BusyError,
// ErrUnplugged, ErrTimeout) wrapped with %w, so errors.Is/As work on every
// path; a bulk call never blocks past its context's deadline; a call may
// return a partial count together with an error, and callers must use the
// count.
package usb
