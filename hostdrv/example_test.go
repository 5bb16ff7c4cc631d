package hostdrv_test

import (
	"context"
	"fmt"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// A client on the reference device: load a one-layer network and answer a sample.
func Example() {
	link := linktest.NewLink(1, linktest.DefaultInfo(), linktest.Noise{}, linktest.Noise{})
	defer link.Close()
	ctx := context.Background()
	c, err := hostdrv.Open(ctx, link.Host, hostdrv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	n := &sim.Network{Inputs: 2, Predict: sim.SpikeCount, EncoderSeed: sim.DefaultSeed, Layers: []sim.Layer{{
		Kind: sim.LIF, Size: 2, StateBits: 16, WeightBits: 8, Threshold: 10, Reset: sim.ResetZero,
		W: []int8{12, 0, 0, 3}, // input 0 drives neuron 0 hard, input 1 drives neuron 1 weakly
	}}}
	if err := c.LoadNetwork(ctx, n); err != nil {
		fmt.Println(err)
		return
	}
	r, err := c.Infer(ctx, sim.Sample{Steps: 4, Spikes: [][]int{{0, 1}, {0, 1}, {1}, {1}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("prediction", r.Prediction, "spike counts", r.Outputs)
	// Output: prediction 0 spike counts [4 2]
}
