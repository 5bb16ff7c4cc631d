package hostdrv

import (
	"encoding/binary"
	"fmt"
)

// Frame layout (docs/protocol.md, "Framing"): the raw frame is
//
//	type u8 | seq u8 | length u16 LE | body (length bytes) | crc u16 BE
//
// with crc = CRC-16/CCITT-FALSE over type..body. On the wire the raw frame is COBS-encoded and
// followed by one 0x00 delimiter, so a receiver resynchronises at the next zero whatever it
// lost before.

// HeaderLen and TrailerLen are the bytes a raw frame carries around its body.
const (
	HeaderLen  = 4
	TrailerLen = 2
	// MaxBodyLimit is the largest body the length field can describe.
	MaxBodyLimit = 0xFFFF
)

// Frame is one decoded protocol frame.
type Frame struct {
	Type byte
	Seq  byte
	Body []byte
}

// CRC16 computes CRC-16/CCITT-FALSE (polynomial 0x1021, init 0xFFFF, no reflection, no final
// XOR) of p, continuing from crc. Start with 0xFFFF. rtl/link/link_crc16.v computes the same,
// one byte per clock.
func CRC16(crc uint16, p []byte) uint16 {
	for _, b := range p {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^b]
	}
	return crc
}

// crcTable[i] is the CRC register after shifting the byte i through it from zero.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// AppendFrame appends f, framed for the wire (COBS + 0x00 delimiter), to dst. It panics if the
// body is longer than MaxBodyLimit: that is a programming error, never data from a device.
func AppendFrame(dst []byte, f Frame) []byte {
	if len(f.Body) > MaxBodyLimit {
		panic(fmt.Sprintf("hostdrv: frame body of %d bytes exceeds %d", len(f.Body), MaxBodyLimit))
	}
	raw := make([]byte, 0, HeaderLen+len(f.Body)+TrailerLen)
	raw = append(raw, f.Type, f.Seq)
	raw = binary.LittleEndian.AppendUint16(raw, uint16(len(f.Body)))
	raw = append(raw, f.Body...)
	raw = binary.BigEndian.AppendUint16(raw, CRC16(0xFFFF, raw))
	return append(AppendCOBS(dst, raw), 0)
}

// AppendCOBS appends the COBS encoding of p (which contains no 0x00 afterwards) to dst. The
// encoding is at most len(p) + len(p)/254 + 1 bytes long.
func AppendCOBS(dst, p []byte) []byte {
	codeAt := len(dst)
	dst = append(dst, 0)
	code := byte(1)
	for _, b := range p {
		if b == 0 {
			dst[codeAt] = code
			codeAt = len(dst)
			dst = append(dst, 0)
			code = 1
			continue
		}
		dst = append(dst, b)
		code++
		if code == 0xFF {
			dst[codeAt] = code
			codeAt = len(dst)
			dst = append(dst, 0)
			code = 1
		}
	}
	dst[codeAt] = code
	return dst
}

// DecodeCOBS decodes one COBS block (without its delimiter) and appends the result to dst.
func DecodeCOBS(dst, p []byte) ([]byte, error) {
	for i := 0; i < len(p); {
		code := int(p[i])
		if code == 0 {
			return dst, errCOBS
		}
		i++
		if i+code-1 > len(p) {
			return dst, errCOBS
		}
		dst = append(dst, p[i:i+code-1]...)
		i += code - 1
		if code != 0xFF && i < len(p) {
			dst = append(dst, 0)
		}
	}
	return dst, nil
}

var errCOBS = &FrameError{Reason: BadCOBS}

// FrameReason says why a received block was not a frame.
type FrameReason int

// Reasons a block is dropped, in the order the decoder checks them.
const (
	BadCOBS   FrameReason = iota + 1 // a code byte points past the block, or a zero inside
	TooLong                          // more bytes than the largest frame before a delimiter
	TooShort                         // fewer than HeaderLen + TrailerLen bytes
	BadCRC                           // CRC-16 mismatch
	BadLength                        // length field disagrees with the bytes received
)

var reasonNames = map[FrameReason]string{
	BadCOBS: "bad COBS encoding", TooLong: "frame too long", TooShort: "frame too short",
	BadCRC: "CRC mismatch", BadLength: "length field disagrees with frame size",
}

func (r FrameReason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("reason %d", int(r))
}

// FrameError reports a dropped block. The receiver keeps going: the next 0x00 starts afresh.
type FrameError struct {
	Reason FrameReason
}

func (e *FrameError) Error() string { return "hostdrv: dropped frame: " + e.Reason.String() }

// DecodeFrame decodes one block received between two 0x00 delimiters. maxBody bounds the body
// length (at most MaxBodyLimit). The returned Frame's Body is a fresh slice.
func DecodeFrame(block []byte, maxBody int) (Frame, error) {
	maxBody = min(maxBody, MaxBodyLimit)
	if len(block) > MaxEncodedLen(maxBody) {
		return Frame{}, &FrameError{Reason: TooLong}
	}
	raw, err := DecodeCOBS(make([]byte, 0, len(block)), block)
	if err != nil {
		return Frame{}, err
	}
	if len(raw) < HeaderLen+TrailerLen {
		return Frame{}, &FrameError{Reason: TooShort}
	}
	n := len(raw) - TrailerLen
	if CRC16(0xFFFF, raw[:n]) != binary.BigEndian.Uint16(raw[n:]) {
		return Frame{}, &FrameError{Reason: BadCRC}
	}
	length := int(binary.LittleEndian.Uint16(raw[2:4]))
	if length != n-HeaderLen || length > maxBody {
		return Frame{}, &FrameError{Reason: BadLength}
	}
	return Frame{Type: raw[0], Seq: raw[1], Body: raw[HeaderLen:n:n]}, nil
}

// MaxEncodedLen is the longest COBS block (without delimiter) of a frame with a body of at most
// maxBody bytes.
func MaxEncodedLen(maxBody int) int {
	raw := HeaderLen + maxBody + TrailerLen
	return raw + raw/254 + 1
}

// Deframer splits a byte stream into frames. Bytes before the first 0x00 are part of the first
// block, so a receiver that starts mid-frame drops at most that one. It never blocks and never
// holds more than MaxEncodedLen(maxBody) bytes: a longer run without delimiter is discarded up to
// the next 0x00 and reported once as TooLong.
type Deframer struct {
	maxBody  int
	block    []byte
	overflow bool
}

// NewDeframer returns a Deframer accepting bodies of at most maxBody bytes.
func NewDeframer(maxBody int) *Deframer {
	maxBody = max(0, min(maxBody, MaxBodyLimit))
	return &Deframer{maxBody: maxBody}
}

// Push consumes p and calls emit for every complete block, with the decoded frame or the reason
// it was dropped. Empty blocks (two delimiters in a row) are idle filler and are skipped.
func (d *Deframer) Push(p []byte, emit func(Frame, error)) {
	limit := MaxEncodedLen(d.maxBody)
	for _, b := range p {
		if b != 0 {
			if d.overflow {
				continue
			}
			if len(d.block) >= limit {
				d.overflow = true
				d.block = d.block[:0]
				continue
			}
			d.block = append(d.block, b)
			continue
		}
		switch {
		case d.overflow:
			d.overflow = false
			emit(Frame{}, &FrameError{Reason: TooLong})
		case len(d.block) > 0:
			emit(DecodeFrame(d.block, d.maxBody))
		}
		d.block = d.block[:0]
	}
}
