package testbench_test

import (
	"fmt"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/testbench"
)

// The documented clock count of one step of a 784-128-10 network on the UP5K configuration:
// 100 input events, 20 hidden spikes, event-mode input, not the first step of a sample.
func ExampleStepClocks() {
	c := testbench.Config{Name: "up5k", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 8, LayerAW: 7, InAW: 10, WmemAW: 14, SPRAM: true}
	n := &sim.Network{Inputs: 784, Layers: []sim.Layer{{Kind: sim.LIF, Size: 128}, {Kind: sim.Readout, Size: 10}}}
	ev := []testbench.LayerEvents{{FF: 100}, {FF: 20}}
	fmt.Println(testbench.StepClocks(c, n, 100, false, false, ev))
	// Output: 1967
}
