package bitstream

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"github.com/lifkit/lifkit/bitstream/board"
)

var (
	ice40Sync = []byte{0x7E, 0xAA, 0x99, 0x7E}
	ecp5Sync  = []byte{0xFF, 0xFF, 0xBD, 0xB3}
)

// PreambleError is returned when a packed file does not start like a bitstream of its family.
type PreambleError struct {
	Family board.Family
	Head   []byte
}

func (e *PreambleError) Error() string {
	return fmt.Sprintf("bitstream: packed %s file does not start with its preamble (first bytes %x): the packer's output is corrupt", e.Family, e.Head)
}

// CheckPreamble checks a packed bitstream and returns the preamble it found, in hex.
//
// iCE40 (icepack): the file may start with 0xFF padding and an optional comment, and must
// reach the sync word 7E AA 99 7E within its first 64 bytes. ECP5 (ecppack): an optional
// comment block "FF 00 ... 00" is followed by FF FF BD B3 (BF or BE in place of BD is an
// encrypted stream, which lifkit never makes, so it is refused). The comment block may be at
// most 4 KiB long.
func CheckPreamble(f board.Family, data []byte) (string, error) {
	head := data[:min(len(data), 16)]
	switch f {
	case board.ICE40:
		if i := bytes.Index(data[:min(len(data), 64)], ice40Sync); i >= 0 {
			return hex.EncodeToString(ice40Sync), nil
		}
	case board.ECP5:
		// ecppack writes FF 00, NUL-terminated comment lines, then the preamble.
		limit := 8
		if len(data) >= 2 && data[0] == 0xFF && data[1] == 0x00 {
			limit = 4096
		}
		if bytes.Contains(data[:min(len(data), limit)], ecp5Sync) {
			return hex.EncodeToString(ecp5Sync), nil
		}
	}
	return "", &PreambleError{Family: f, Head: head}
}
