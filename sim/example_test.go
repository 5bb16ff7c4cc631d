package sim_test

import (
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// A single neuron whose membrane does not leak, threshold 10, reset by subtraction, driven by
// one input of weight 4 on every step. Its current leaks 4095/4096 per step, but the floor
// rounding of rule S-7 leaves a positive remainder: decay(4) = 4 - floor(4*4095/4096) = 1, so
// from step 1 on the current is 5. The membrane keeps what is above threshold at each spike.
func ExampleRun() {
	n := &sim.Network{
		Inputs: 1, Predict: sim.SpikeCount, EncoderSeed: sim.DefaultSeed,
		Layers: []sim.Layer{{
			Kind: sim.LIF, Size: 1, StateBits: 16, WeightBits: 8,
			CurrentLeak: 4095, // the current keeps almost nothing of the last step
			Threshold:   10, Reset: sim.ResetSubtract, W: []int8{4},
		}},
	}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	s := sim.Sample{Steps: 5, Spikes: [][]int{{0}, {0}, {0}, {0}, {0}}}
	res, _ := sim.Run(n, s, sim.Options{Trace: true})
	for t := range s.Steps {
		cur, v, spike, _ := res.Trace.Layers[0].At(t, 0)
		fmt.Printf("step %d: I=%d V=%d spike=%d\n", t, cur, v, spike)
	}
	fmt.Println("spikes:", res.Counts[0][0])
	// Output:
	// step 0: I=4 V=4 spike=0
	// step 1: I=5 V=9 spike=0
	// step 2: I=5 V=4 spike=1
	// step 3: I=5 V=9 spike=0
	// step 4: I=5 V=4 spike=1
	// spikes: 2
}

// Shift decay is the special case of the multiplicative decay (rule S-7); negative states
// round toward minus infinity.
func ExampleDecay() {
	fmt.Println(sim.Decay(100, 1<<(12-3)), 100-(100>>3))
	fmt.Println(sim.Decay(-100, 1<<(12-3)), -100-(-100>>3))
	fmt.Println(sim.Decay(-1, 1), sim.Decay(1, 4095))
	// Output:
	// 88 88
	// -87 -87
	// 0 1
}

// The encoder's first draws from the default seed, and the spikes they give for intensities
// 0, 128 and 255 (rule S-13).
func ExampleLFSR_Encode() {
	a := sim.LFSR(sim.DefaultSeed)
	for t := range 3 {
		fmt.Println("step", t, a.Encode(nil, []uint8{0, 128, 255}))
	}
	// Output:
	// step 0 [2]
	// step 1 [2]
	// step 2 [1 2]
}
