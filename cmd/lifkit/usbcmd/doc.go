// Package usbcmd holds lifkit's USB subcommands: detect, flash and
// udev-rules. Each constructor uses the real libusb; the lowercase
// variants take a bus opener so tests drive them against the emulator.
//
// Invariants: a command prints its success line only after every step
// (and, for flash, the read-back verify and the CDONE check) succeeded;
// every failure is returned as an error for cobra to print, with the
// typed errors of hostdrv/usb and hostdrv/flash in the chain.
package usbcmd
