package bitstream

import (
	"errors"
	"testing"

	"github.com/lifkit/lifkit/bitstream/board"
)

func TestCheckPreamble(t *testing.T) {
	comment := append([]byte{0xFF, 0x00}, []byte("Part: LFE5U-85F-6CABGA381\x00")...)
	tests := []struct {
		name string
		f    board.Family
		data []byte
		ok   bool
	}{
		{"icepack", board.ICE40, []byte{0xFF, 0x00, 0x00, 0xFF, 0x7E, 0xAA, 0x99, 0x7E, 0x51, 0x00}, true},
		{"ice40 bare", board.ICE40, []byte{0x7E, 0xAA, 0x99, 0x7E}, true},
		{"ice40 wrong", board.ICE40, []byte{0xFF, 0x00, 0x00, 0xFF, 0x7E, 0xAA, 0x99, 0x7F}, false},
		{"ice40 empty", board.ICE40, nil, false},
		{"ecppack", board.ECP5, append(append([]byte{}, comment...), 0xFF, 0xFF, 0xFF, 0xBD, 0xB3, 0xFF), true},
		{"ecp5 bare", board.ECP5, []byte{0xFF, 0xFF, 0xBD, 0xB3}, true},
		{"ecp5 encrypted", board.ECP5, append(append([]byte{}, comment...), 0xFF, 0xFF, 0xFF, 0xBF, 0xB3), false},
		{"ecp5 given ice40", board.ECP5, []byte{0x7E, 0xAA, 0x99, 0x7E}, false},
	}
	for _, tc := range tests {
		_, err := CheckPreamble(tc.f, tc.data)
		var pe *PreambleError
		if tc.ok && err != nil || !tc.ok && !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
