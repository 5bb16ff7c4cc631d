// Package libusb implements the usb seam over github.com/google/gousb
// (cgo, libusb-1.0).
//
// Open starts a libusb context (recovering gousb's panic when libusb cannot
// start); Devices enumerates without opening; Bus.Open opens one device,
// reads its strings, and enables automatic detaching of kernel drivers.
// libusb errors are translated: ErrorAccess gives *usb.AccessError (whose
// message carries the udev rule), ErrorBusy gives *usb.BusyError naming the
// kernel driver bound to the interface (read from sysfs), ErrorNoDevice
// gives usb.ErrUnplugged and ErrorTimeout usb.ErrTimeout.
//
// Invariants: every bulk transfer runs under a context; with no deadline
// the adapter applies DefaultTimeout so nothing blocks forever; Close
// releases interfaces, configuration, device, then context, in that order.
package libusb
