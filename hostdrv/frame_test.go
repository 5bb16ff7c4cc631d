package hostdrv

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestCRC16CheckValue(t *testing.T) {
	// The catalogued check value of CRC-16/CCITT-FALSE.
	if got := CRC16(0xFFFF, []byte("123456789")); got != 0x29B1 {
		t.Fatalf("CRC16(\"123456789\") = %#04x, want 0x29b1", got)
	}
}

func TestCOBSRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := [][]byte{nil, {0}, {0, 0}, {1}, bytes.Repeat([]byte{1}, 253), bytes.Repeat([]byte{1}, 254),
		bytes.Repeat([]byte{1}, 255), bytes.Repeat([]byte{0}, 300), bytes.Repeat([]byte{7}, 1000)}
	for range 200 {
		p := make([]byte, rng.IntN(700))
		for i := range p {
			if rng.IntN(4) > 0 {
				p[i] = byte(rng.UintN(256))
			}
		}
		cases = append(cases, p)
	}
	for i, p := range cases {
		enc := AppendCOBS(nil, p)
		if bytes.IndexByte(enc, 0) >= 0 {
			t.Fatalf("case %d: encoding contains 0x00", i)
		}
		if max := len(p) + len(p)/254 + 1; len(enc) > max {
			t.Fatalf("case %d: encoding of %d bytes is %d long, bound %d", i, len(p), len(enc), max)
		}
		dec, err := DecodeCOBS(nil, enc)
		if err != nil || !bytes.Equal(dec, p) {
			t.Fatalf("case %d: round trip failed: %v", i, err)
		}
	}
}

func TestFrameRoundTripAndRejects(t *testing.T) {
	f := Frame{Type: TypeWrite, Seq: 200, Body: []byte{0, 1, 2, 0, 0, 255}}
	wire := AppendFrame(nil, f)
	if wire[len(wire)-1] != 0 || bytes.IndexByte(wire[:len(wire)-1], 0) >= 0 {
		t.Fatalf("wire frame must hold exactly one 0x00, at the end: % x", wire)
	}
	got, err := DecodeFrame(wire[:len(wire)-1], 64)
	if err != nil || got.Type != f.Type || got.Seq != f.Seq || !bytes.Equal(got.Body, f.Body) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	raw, _ := DecodeCOBS(nil, wire[:len(wire)-1])
	reencode := func(r []byte) []byte { return AppendCOBS(nil, r) }
	tests := []struct {
		name  string
		block []byte
		max   int
		want  FrameReason
	}{
		{"flipped body bit", reencode(flip(raw, 5, 0x10)), 64, BadCRC},
		{"truncated", reencode(raw[:len(raw)-1]), 64, BadCRC},
		{"too short", reencode(raw[:3]), 64, TooShort},
		{"oversized body", wire[:len(wire)-1], 4, TooLong},
		{"bad cobs", []byte{5, 1, 2}, 64, BadCOBS},
		{"too long", bytes.Repeat([]byte{1}, MaxEncodedLen(8)+1), 8, TooLong},
	}
	// A frame whose length field lies but whose CRC is right.
	lie := append([]byte(nil), raw[:len(raw)-2]...)
	lie[2] = 9
	lie = append(lie, byte(CRC16(0xFFFF, lie)>>8), byte(CRC16(0xFFFF, lie)))
	tests = append(tests, struct {
		name  string
		block []byte
		max   int
		want  FrameReason
	}{"length lies", reencode(lie), 64, BadLength})
	for _, tc := range tests {
		_, err := DecodeFrame(tc.block, tc.max)
		var fe *FrameError
		if !errors.As(err, &fe) || fe.Reason != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func flip(p []byte, i int, mask byte) []byte {
	q := append([]byte(nil), p...)
	q[i] ^= mask
	return q
}

// TestDeframerResync: garbage before, between and inside frames costs at most the frames it
// touches; the next delimiter starts afresh.
func TestDeframerResync(t *testing.T) {
	var stream []byte
	stream = append(stream, 0x13, 0x37, 0xFF) // garbage before the first delimiter
	stream = append(stream, 0)
	stream = AppendFrame(stream, Frame{Type: 1, Seq: 1, Body: []byte("a")})
	stream = append(stream, 0, 0, 9, 9, 9, 0) // idle zeros and garbage between frames
	stream = AppendFrame(stream, Frame{Type: 2, Seq: 2, Body: []byte("b")})
	stream = append(stream, bytes.Repeat([]byte{1}, 3000)...) // runaway block
	stream = append(stream, 0)
	stream = AppendFrame(stream, Frame{Type: 3, Seq: 3, Body: []byte("c")})
	d := NewDeframer(64)
	var seqs []byte
	var reasons []FrameReason
	for _, b := range stream { // one byte at a time, as a UART delivers them
		d.Push([]byte{b}, func(f Frame, err error) {
			if err != nil {
				var fe *FrameError
				errors.As(err, &fe)
				reasons = append(reasons, fe.Reason)
				return
			}
			seqs = append(seqs, f.Seq)
		})
	}
	if !bytes.Equal(seqs, []byte{1, 2, 3}) {
		t.Fatalf("frames %v, want 1 2 3 (dropped: %v)", seqs, reasons)
	}
	if len(reasons) != 3 || reasons[2] != TooLong {
		t.Fatalf("dropped blocks %v, want three with the last TooLong", reasons)
	}
}

// FuzzDecodeFrame: the client's frame decoder never panics, never returns a body longer than
// asked, and everything it accepts re-encodes to the same block.
func FuzzDecodeFrame(f *testing.F) {
	f.Add(AppendFrame(nil, Frame{Type: TypeRun | Ack, Seq: 7, Body: []byte{1, 0, 0, 0}}), 64)
	f.Add([]byte{0, 0, 1, 2, 3, 0}, 16)
	f.Add(bytes.Repeat([]byte{0xFF}, 600), 512)
	f.Fuzz(func(t *testing.T, stream []byte, maxBody int) {
		maxBody = max(0, min(maxBody, 4096))
		d := NewDeframer(maxBody)
		d.Push(stream, func(fr Frame, err error) {
			if err != nil {
				var fe *FrameError
				if !errors.As(err, &fe) {
					t.Fatalf("error of type %T: %v", err, err)
				}
				return
			}
			if len(fr.Body) > maxBody {
				t.Fatalf("body of %d bytes accepted with max %d", len(fr.Body), maxBody)
			}
			wire := AppendFrame(nil, fr)
			again, err := DecodeFrame(wire[:len(wire)-1], maxBody)
			if err != nil || again.Type != fr.Type || again.Seq != fr.Seq || !bytes.Equal(again.Body, fr.Body) {
				t.Fatalf("re-encoded frame does not decode the same: %v", err)
			}
		})
	})
}
