package train_test

import (
	"fmt"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/train"
)

// Convert a float network trained elsewhere (threshold 0.5, decays 0.9 and 0.95) to 8-bit
// weights and 16-bit state. The weight scale maps the largest weight to 127; the shift is the
// largest that leaves room for 4 thresholds (lif) or 64 float units (readout) in 16 bits.
func ExampleConvert() {
	fn := &sim.FloatNetwork{Inputs: 2, EncoderSeed: sim.DefaultSeed, Predict: sim.MaxMembrane, Layers: []sim.FloatLayer{
		{Kind: sim.LIF, Size: 2, Alpha: 0.9, Beta: 0.95, Threshold: 0.5, Reset: sim.ResetZero, W: []float64{0.25, -0.5, 0.125, 0.3}},
		{Kind: sim.Readout, Size: 1, Alpha: 0.9, Beta: 0.95, W: []float64{1, -1}},
	}}
	n, qs, err := train.Convert(fn, train.ConvertOptions{WeightBits: 8, StateBits: 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range n.Layers {
		fmt.Printf("layer %d: W %v shift %d threshold %d leaks %d %d (unit %.0f)\n", i, l.W, l.WeightShift, l.Threshold, l.CurrentLeak, l.MembraneLeak, qs[i].Unit())
	}
	// Output:
	// layer 0: W [64 -127 32 76] shift 6 threshold 8128 leaks 410 205 (unit 16256)
	// layer 1: W [127 -127] shift 2 threshold 0 leaks 410 205 (unit 508)
}
