package cosim

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// TestMeasureMNISTLatency measures, through the co-simulated board, one MNIST-shaped inference
// (784-128-10 with random weights, 25 steps, an image with 19 % of pixels lit) on the intensity
// path and on the spike-event path. It is the source of the measured table in docs/protocol.md
// and needs its own core build, so it runs only when asked:
//
//	LIFKIT_MEASURE=1 go test ./testbench/cosim -run TestMeasureMNISTLatency -v
func TestMeasureMNISTLatency(t *testing.T) {
	if os.Getenv("LIFKIT_MEASURE") == "" {
		t.Skip("set LIFKIT_MEASURE=1 to measure (builds a larger core)")
	}
	rng := rand.New(rand.NewPCG(40, 0))
	n := linktest.RandomNetwork(rng, []int{784, 128, 10}, true, false)
	cfg := DefaultConfig()
	cfg.Core.Name, cfg.Core.WmemAW = "mnist", 14
	const k = 5
	var inten, events []sim.Sample
	for range k {
		img := make([]uint8, 784)
		for j := range img {
			if rng.IntN(100) < 19 {
				img[j] = uint8(100 + rng.IntN(156))
			}
		}
		s := sim.Sample{Steps: 25, Intensity: img}
		m := sim.NewMachine(n)
		ev := sim.Sample{Steps: 25, Spikes: make([][]int, 25)}
		for st := range 25 {
			m.StepIntensity(img)
			ev.Spikes[st] = append([]int(nil), m.Input()...)
		}
		inten, events = append(inten, s), append(events, ev)
	}
	for _, tc := range []struct {
		name    string
		samples []sim.Sample
	}{{"intensity path (784 B, on-chip encoder)", inten}, {"spike-event path", events}} {
		rep, err := Compare(context.Background(), cfg, n, tc.samples, linktest.Noise{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		rep.Print(&b)
		t.Logf("%s:\n%s", tc.name, b.String())
		if len(rep.Mismatches) > 0 {
			t.Fatalf("%s: answers differ from sim", tc.name)
		}
	}
}
