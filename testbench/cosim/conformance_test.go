package cosim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
)

// TestConformance sends one script of control-path frames (HELLO, duplicates, gaps, damaged
// blocks, unknown commands, refused arguments) to the reference device (hostdrv/linktest) and
// to the RTL, and requires the same answers: type, sequence number and, for NAK and ERR, the
// code (ERR detail text is the reference device's extra).
func TestConformance(t *testing.T) {
	good := func(typ, seq byte, body []byte) []byte { return frame(typ, seq, body) }
	damaged := func() []byte { f := frame(hostdrv.TypeStatus, 5, nil); f[1] ^= 0x08; return f }
	script := [][]byte{
		good(hostdrv.TypeStatus, 1, nil), // before HELLO
		good(hostdrv.TypeHello, 3, []byte{1, 1, 9, 9, 9, 9}),
		good(hostdrv.TypeReset, 4, nil),
		good(hostdrv.TypeReset, 4, nil), // duplicate
		good(hostdrv.TypeReset, 3, nil), // too old: NAK
		damaged(),
		good(hostdrv.TypeReset, 7, nil),         // gap
		good(0x55, 5, nil),                      // unknown command, consumes 5
		good(hostdrv.TypeRead, 6, []byte{1, 2}), // malformed READ
		good(hostdrv.TypeRun, 7, []byte{1}),     // malformed RUN
		good(hostdrv.TypeRun, 8, hostdrv.RunRequest{Steps: 0}.Encode()),
		good(hostdrv.TypeWrite, 9, hostdrv.EncodeAccess(0x33, 0, 0)), // no such space
		good(hostdrv.TypeWrite, 10, append(hostdrv.EncodeAccess(hostdrv.SpaceInput, 0, 0), 1, 2, 3)),
		good(hostdrv.TypeRead, 11, binary.LittleEndian.AppendUint16(hostdrv.EncodeAccess(hostdrv.SpaceInput, 0, 0), 3)),
		append([]byte{0x42, 0x42}, 0),                          // garbage
		good(hostdrv.TypeHello, 200, []byte{1, 1, 1, 1, 1, 1}), // resynchronise anywhere
		good(hostdrv.TypeReset, 201, nil),
	}
	// reference device
	dev := linktest.NewDevice(linktest.DefaultInfo())
	var ref []hostdrv.Frame
	df := hostdrv.NewDeframer(1024)
	for _, p := range script {
		var out []byte
		hostdrv.NewDeframer(1024).Push(p, func(f hostdrv.Frame, err error) { out = append(out, dev.Handle(f, err)...) })
		df.Push(out, func(f hostdrv.Frame, err error) {
			if err != nil {
				t.Fatal(err)
			}
			ref = append(ref, f)
		})
	}
	// RTL
	b := startBoard(t, DefaultConfig())
	r := &raw{t: t, b: b, df: hostdrv.NewDeframer(1024)}
	for i, p := range script {
		r.send(p)
		f := r.answer()
		if i >= len(ref) {
			t.Fatalf("step %d: RTL answered %+v, the reference device nothing", i, f)
		}
		want := ref[i]
		same := f.Type == want.Type && f.Seq == want.Seq
		switch f.Type {
		case hostdrv.TypeNak, hostdrv.TypeHello | hostdrv.Ack, hostdrv.TypeRead | hostdrv.Ack:
			same = same && bytes.Equal(f.Body, want.Body)
		case hostdrv.TypeErr:
			same = same && len(f.Body) > 0 && len(want.Body) > 0 && f.Body[0] == want.Body[0]
		}
		if !same {
			t.Errorf("step %d: RTL %s, reference %s", i, show(f), show(want))
		}
	}
}

func show(f hostdrv.Frame) string {
	if len(f.Body) > 8 {
		return fmt.Sprintf("type 0x%02x seq %d body % x...", f.Type, f.Seq, f.Body[:8])
	}
	return fmt.Sprintf("type 0x%02x seq %d body % x", f.Type, f.Seq, f.Body)
}
