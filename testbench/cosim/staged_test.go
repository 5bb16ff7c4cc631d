package cosim

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// TestCosimStagedIntensities: the path the client does not take on core-port boards: the
// network is written as raw space-10 words, the intensities are staged in space 6 and RUN
// with INTENSITY and input_len > 0 copies them into the core before it runs. Every answer
// (prediction, input spikes, outputs) must equal sim's, also with TRACE.
func TestCosimStagedIntensities(t *testing.T) {
	cfg := DefaultConfig()
	b := startBoard(t, cfg)
	r := &raw{t: t, b: b, df: hostdrv.NewDeframer(1024)}
	seq := byte(20)
	ask := func(typ byte, body []byte) []byte {
		t.Helper()
		r.send(frame(typ, seq, body))
		f := r.answer()
		if f.Type != typ|hostdrv.Ack || f.Seq != seq {
			t.Fatalf("request 0x%02x seq %d: answer %+v", typ, seq, f)
		}
		seq++
		return f.Body
	}
	r.send(frame(hostdrv.TypeHello, seq, []byte{1, 1, 0, 0, 0, 0}))
	if f := r.answer(); f.Type != hostdrv.TypeHello|hostdrv.Ack {
		t.Fatalf("HELLO: %+v", f)
	}
	seq++
	rng := rand.New(rand.NewPCG(71, 0))
	n := linktest.RandomNetwork(rng, []int{30, 16, 6}, true, true)
	lo := coremap.NewLayout(coremap.Config(cfg.Core), n)
	const maxWords = (256 - hostdrv.AccessLen) / 4
	for i := 0; i < len(lo.Writes); {
		j := i + 1
		for j < len(lo.Writes) && j-i < maxWords && lo.Writes[j].Addr == lo.Writes[j-1].Addr+1 {
			j++
		}
		body := hostdrv.EncodeAccess(hostdrv.SpaceCore, 0, int(lo.Writes[i].Addr))
		for _, w := range lo.Writes[i:j] {
			body = binary.LittleEndian.AppendUint32(body, w.Data)
		}
		ask(hostdrv.TypeWrite, body)
		i = j
	}
	for k := range 12 {
		s := sim.Sample{Steps: 1 + rng.IntN(20), Intensity: make([]uint8, n.Inputs)}
		for j := range s.Intensity {
			s.Intensity[j] = uint8(rng.UintN(256))
		}
		flags := hostdrv.RunIntensity
		if k%2 == 1 {
			flags |= hostdrv.RunTrace
		}
		ask(hostdrv.TypeWrite, append(hostdrv.EncodeAccess(hostdrv.SpaceInput, 0, 0), s.Intensity...))
		sum, err := hostdrv.DecodeRunSummary(ask(hostdrv.TypeRun,
			hostdrv.RunRequest{Steps: s.Steps, Flags: flags, InputLen: n.Inputs}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		want, err := sim.Run(n, s, sim.Options{Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		res := hostdrv.Result{Prediction: sum.Prediction, InputSpikes: sum.InputSpikes, Outputs: sum.Outputs}
		if !res.Agrees(n, want) || sum.InputSpikes != want.InputSpikes {
			t.Fatalf("sample %d: board %+v; sim prediction %d, max V %v, input spikes %d", k, sum, want.Prediction, want.MaxMembrane, want.InputSpikes)
		}
		if flags&hostdrv.RunTrace != 0 {
			wv := want.Trace.Layers[len(n.Layers)-1].V
			var got []byte
			for off := 0; off < 4*len(wv); off += 248 { // whole words, at most max_body
				cnt := min(248, 4*len(wv)-off)
				got = append(got, ask(hostdrv.TypeRead, binary.LittleEndian.AppendUint16(hostdrv.EncodeAccess(hostdrv.SpaceTrace, 0, off), uint16(cnt)))...)
			}
			for i, v := range wv {
				if g := int32(binary.LittleEndian.Uint32(got[4*i:])); g != v {
					t.Fatalf("sample %d: trace word %d = %d, sim %d", k, i, g, v)
				}
			}
		}
	}
}
