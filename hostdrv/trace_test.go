package hostdrv_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// TestInferTrace: the per-step readout membrane and the input spike count from the reference
// device equal sim's (sim.Run with Trace), and the client refuses a trace that cannot be
// recorded before sending anything.
func TestInferTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 0))
	info := linktest.DefaultInfo()
	info.TraceMem = 100
	c, _ := open(t, 1, info, linktest.Noise{}, hostdrv.Options{})
	ctx := context.Background()
	n := linktest.RandomNetwork(rng, []int{12, 9, 4}, true, true)
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	for k := range 20 {
		s := linktest.RandomSample(rng, n.Inputs)
		s.Steps = 1 + (s.Steps-1)%25
		if len(s.Spikes) > s.Steps {
			s.Spikes = s.Spikes[:s.Steps]
		}
		got, tr, err := c.InferTrace(ctx, s)
		if err != nil {
			t.Fatalf("sample %d: %v", k, err)
		}
		want, err := sim.Run(n, s, sim.Options{Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		if !got.Agrees(n, want) || got.InputSpikes != want.InputSpikes {
			t.Fatalf("sample %d: %+v, sim prediction %d input spikes %d", k, got, want.Prediction, want.InputSpikes)
		}
		wv := want.Trace.Layers[len(n.Layers)-1].V
		if len(tr) != len(wv) {
			t.Fatalf("sample %d: %d trace words, sim %d", k, len(tr), len(wv))
		}
		for i := range wv {
			if tr[i] != wv[i] {
				t.Fatalf("sample %d: trace word %d = %d, sim %d", k, i, tr[i], wv[i])
			}
		}
	}
	long := sim.Sample{Steps: 26, Intensity: make([]uint8, n.Inputs)} // 104 words > 100
	var fe *hostdrv.FitError
	if _, _, err := c.InferTrace(ctx, long); !errors.As(err, &fe) {
		t.Fatalf("a trace longer than trace_mem: %v, want a *FitError", err)
	}
	lif := linktest.RandomNetwork(rng, []int{12, 9, 4}, false, false)
	if err := c.LoadNetwork(ctx, lif); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.InferTrace(ctx, sim.Sample{Steps: 2, Intensity: make([]uint8, lif.Inputs)}); err == nil {
		t.Fatal("a trace of a network without a readout layer was accepted")
	}
}
