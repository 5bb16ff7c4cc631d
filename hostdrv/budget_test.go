package hostdrv_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// TestLinkBudget measures the bytes one MNIST-shaped inference puts on the wire in each
// direction, for the intensity path (784 bytes, encoded on chip) and for the same sample sent as
// the spike events the encoder would form, and prints link times at the supported bauds. It is
// the source of the link columns of the table in docs/protocol.md:
//
//	go test ./hostdrv -run TestLinkBudget -v
func TestLinkBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 0))
	n := linktest.RandomNetwork(rng, []int{784, 128, 10}, true, false)
	// An MNIST-like image: about 19 % of pixels lit, mean intensity about 0.13.
	img := make([]uint8, 784)
	for j := range img {
		if rng.IntN(100) < 19 {
			img[j] = uint8(100 + rng.IntN(156))
		}
	}
	const steps = 25
	intensity := sim.Sample{Steps: steps, Intensity: img}
	// The same input spikes as explicit events (what the encoder forms on chip).
	m := sim.NewMachine(n)
	events := sim.Sample{Steps: steps, Spikes: make([][]int, steps)}
	total := 0
	for st := range steps {
		m.StepIntensity(img)
		events.Spikes[st] = append([]int(nil), m.Input()...)
		total += len(m.Input())
	}
	for _, tc := range []struct {
		name string
		s    sim.Sample
	}{{"intensity (784 B, on-chip encoder)", intensity}, {fmt.Sprintf("spike events (%d spikes)", total), events}} {
		link := linktest.NewLink(1, linktest.DefaultInfo(), linktest.Noise{}, linktest.Noise{})
		c, err := hostdrv.Open(context.Background(), link.Host, hostdrv.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.LoadNetwork(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		up0, down0 := link.Host.Written, link.Dev.Written
		const k = 10
		batch := make([]sim.Sample, k)
		for i := range batch {
			batch[i] = tc.s
		}
		res, err := c.InferBatch(context.Background(), batch)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := sim.Run(n, tc.s, sim.Options{})
		if !res[0].Agrees(n, want) {
			t.Fatalf("%s: device disagrees with sim", tc.name)
		}
		up, down := (link.Host.Written-up0)/k, (link.Dev.Written-down0)/k
		t.Logf("%s: %d B up, %d B down per inference; link time up at 3 Mbaud %.1f us, 12 Mbaud %.1f us, 115200 baud %.0f us",
			tc.name, up, down, float64(up*10)/3.0, float64(up*10)/12.0, float64(up*10)/0.1152)
		c.Close()
		link.Close()
	}
}
