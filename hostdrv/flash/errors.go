package flash

import (
	"errors"
	"fmt"
)

// NoFlashError means the JEDEC ID read 00 00 00 or FF FF FF: nothing
// answered on the SPI bus.
type NoFlashError struct{ ID [3]byte }

func (e *NoFlashError) Error() string {
	return fmt.Sprintf("flash: flash id %02x %02x %02x: no flash answered; check the board is powered and its programming jumpers, and that --board names the right board", e.ID[0], e.ID[1], e.ID[2])
}

// TooLargeError means the image does not fit in the flash.
type TooLargeError struct {
	Image int
	Part  Part
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("flash: image of %d bytes does not fit in the %s (%d bytes)", e.Image, e.Part.Name, e.Part.Size)
}

// VerifyError means the read-back differs from the image.
type VerifyError struct {
	Addr      int
	Want, Got byte
	Count     int // mismatching bytes in the chunk where the first was found.
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("flash: verify failed at 0x%06x: wrote %02x, read %02x (%d bytes differ in that chunk); flash again, and if it persists the flash may be worn or the wiring noisy (try a lower --freq)", e.Addr, e.Want, e.Got, e.Count)
}

// ErrBusy means the flash never cleared its BUSY bit.
var ErrBusy = errors.New("flash: the flash stays busy")

// ErrNotConfigured means CDONE stayed low after configuration.
var ErrNotConfigured = errors.New("flash: the FPGA did not configure (CDONE low)")
