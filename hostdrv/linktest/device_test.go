package linktest

import (
	"encoding/binary"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
)

// FuzzDevice: any byte stream into the reference device yields answers that are valid frames,
// never a panic or a runaway allocation.
func FuzzDevice(f *testing.F) {
	hello := hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeHello, Seq: 0, Body: []byte{1, 1, 0, 0, 0, 0}})
	layer := make([]byte, hostdrv.LayerConfigLen)
	binary.LittleEndian.PutUint32(layer[2:], 0xFFFFFFFF)
	seed := append([]byte(nil), hello...)
	seed = hostdrv.AppendFrame(seed, hostdrv.Frame{Type: hostdrv.TypeWrite, Seq: 1, Body: append(hostdrv.EncodeAccess(hostdrv.SpaceNet, 0, 0), 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 1, 0, 0, 0)})
	seed = hostdrv.AppendFrame(seed, hostdrv.Frame{Type: hostdrv.TypeWrite, Seq: 2, Body: append(hostdrv.EncodeAccess(hostdrv.SpaceLayer, 0, 0), layer...)})
	seed = hostdrv.AppendFrame(seed, hostdrv.Frame{Type: hostdrv.TypeWrite, Seq: 3, Body: append(hostdrv.EncodeAccess(hostdrv.SpaceW, 0, 0), 1, 2)})
	seed = hostdrv.AppendFrame(seed, hostdrv.Frame{Type: hostdrv.TypeRun, Seq: 4, Body: hostdrv.RunRequest{Steps: 3, InputLen: 4}.Encode()})
	f.Add(seed)
	f.Add(append(append([]byte(nil), hello...), 1, 2, 3, 0))
	net := append(hostdrv.EncodeAccess(hostdrv.SpaceNet, 0, 0), 4, 0, 0, 0, 1, 1, 1, 0, 0, 0)
	lay := append(hostdrv.EncodeAccess(hostdrv.SpaceLayer, 0, 0), 0, 0, 2, 0, 0, 0, 16, 8, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0)
	w := append(hostdrv.EncodeAccess(hostdrv.SpaceW, 0, 0), 5, 5, 5, 5, 5, 5, 5, 5)
	in := append(hostdrv.EncodeAccess(hostdrv.SpaceInput, 0, 0), 1, 0, 2, 0)
	structured := []byte{hostdrv.TypeWrite, byte(len(net))}
	structured = append(structured, net...)
	structured = append(append(structured, hostdrv.TypeWrite, byte(len(lay))), lay...)
	structured = append(append(structured, hostdrv.TypeWrite, byte(len(w))), w...)
	structured = append(append(structured, hostdrv.TypeWrite, byte(len(in))), in...)
	run := hostdrv.RunRequest{Steps: 3, InputLen: 4}.Encode()
	structured = append(append(structured, hostdrv.TypeRun, byte(len(run))), run...)
	structured = append(structured, hostdrv.TypeStatus, 0)
	f.Add(structured)
	f.Fuzz(func(t *testing.T, stream []byte) {
		info := DefaultInfo()
		// small limits keep every execution fast (a RUN costs steps x weights)
		info.MaxSteps, info.MaxInputs, info.MaxNeurons, info.MaxTotal, info.WeightMem, info.InputMem = 64, 64, 64, 128, 4096, 1024
		d := NewDevice(info)
		out := hostdrv.NewDeframer(hostdrv.MaxBodyLimit)
		check := func(ans []byte) {
			n := 0
			out.Push(ans, func(a hostdrv.Frame, err error) {
				if err != nil {
					t.Fatalf("device sent a bad frame: %v", err)
				}
				n++
			})
			if n != 1 {
				t.Fatalf("device sent %d frames for one block, want 1", n)
			}
		}
		// The raw stream as the line delivers it.
		hostdrv.NewDeframer(info.MaxBody).Push(stream, func(fr hostdrv.Frame, err error) { check(d.Handle(fr, err)) })
		// The same bytes read as well-formed frames (type, body length, body...) after a HELLO,
		// with consecutive sequence numbers, so the fuzzer reaches every command's parser.
		d = NewDevice(info)
		check(d.Handle(hostdrv.Frame{Type: hostdrv.TypeHello, Seq: 0, Body: []byte{1, 1, 0, 0, 0, 0}}, nil))
		seq := byte(1)
		for len(stream) >= 2 {
			typ, n := stream[0], int(stream[1])
			stream = stream[2:]
			n = min(n, len(stream))
			body := append([]byte(nil), stream[:n]...)
			stream = stream[n:]
			check(d.Handle(hostdrv.Frame{Type: typ, Seq: seq, Body: body}, nil))
			seq++
		}
	})
}
