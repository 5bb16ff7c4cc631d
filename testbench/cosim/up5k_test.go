package cosim

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/bitstream"
	fpga "github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
	"github.com/lifkit/lifkit/testbench"
)

// TestCosimIcebreakerTop co-simulates the iCEBreaker's rtl/top as `lifkit build --board
// icebreaker --core 784-128-10` sizes it (bitstream.SizeCore with rtl/top's 4-lane cap on the
// UP5K: the SPRAM in two banks of 32K x 32, decays in SB_MAC16 form, the link's 512-byte event
// staging RAM, 50.25 MHz and 3 Mbaud): a random 784-128-10 network, sized as for --net, is loaded
// over the UART and its answers must equal sim's.
func TestCosimIcebreakerTop(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	rng := rand.New(rand.NewPCG(50, 25))
	n := linktest.RandomNetwork(rng, []int{784, 128, 10}, false, true)
	dev, _ := fpga.LookupDevice("up5k")
	k := bitstream.SizeCore(dev, bitstream.ShapeOf(n), 4) // as lifkit build --net sizes it
	cfg := Config{Family: "ice40", ClkHz: 50_250_000, Baud: 3_000_000, IAW: 9, Core: testbench.Config{
		Name: "icebreaker", Lanes: k.Lanes, SMax: k.SMax, AccW: k.AccW, LayersMax: k.LayersMax, NeurAW: k.NeurAW,
		LayerAW: k.LayerAW, InAW: k.InAW, WmemAW: k.WmemAW, SPRAM: k.WmemSPRAM, DecayMAC: k.DecayMAC}}
	if !cfg.Core.SPRAM || cfg.Core.WmemAW != 15 || !cfg.Core.DecayMAC {
		t.Fatalf("SizeCore no longer gives the UP5K's 4-lane SPRAM core: %+v", k)
	}
	c, _ := boardCfg(t, cfg, 0, linktest.Noise{}, 2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // hang guard
	defer cancel()
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	// Intensity samples: the iCE40 link stages at most 512 bytes of events, less than an
	// MNIST-sized spike sample needs (the host refuses those with a clear error).
	samples := make([]sim.Sample, 4)
	for i := range samples {
		samples[i] = simtest.IntensitySample(rng, n.Inputs, 4+rng.IntN(8))
	}
	agree(t, c, n, samples)
}
