// Package serial provides hostdrv.Transport implementations for a board's
// UART: FTDI, an FTDI channel driven from user space over the usb seam
// (iCEBreaker channel B, FT232H, FT231X), and Device, a serial device the
// kernel already drives (/dev/ttyUSB*, /dev/ttyACM*: iCESugar's CDC,
// ULX3S with ftdi_sio, OrangeCrab's gateware CDC).
//
// Invariants: Read returns at least one byte or an error; when the read
// deadline passes it returns an error for which
// errors.Is(err, os.ErrDeadlineExceeded) holds, as hostdrv.Transport
// requires; Write writes everything or fails; bytes are never reordered.
package serial
