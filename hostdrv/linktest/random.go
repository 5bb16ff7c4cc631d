package linktest

import (
	"math/rand/v2"

	"github.com/lifkit/lifkit/sim"
)

// RandomNetwork builds a valid network with random weights and parameters chosen so that neurons
// fire: sizes[0] inputs, then one layer per further size. readout selects a readout last layer
// (max_membrane) instead of lif (spike_count); recurrent makes the first hidden layer recurrent.
func RandomNetwork(rng *rand.Rand, sizes []int, readout, recurrent bool) *sim.Network {
	n := &sim.Network{Name: "random", Inputs: sizes[0], EncoderSeed: uint32(rng.Uint32() | 1), Predict: sim.SpikeCount}
	prev := sizes[0]
	for li, size := range sizes[1:] {
		last := li == len(sizes)-2
		wb := 2 + rng.IntN(7)
		sb := 12 + rng.IntN(13)
		l := sim.Layer{Kind: sim.LIF, Size: size, StateBits: sb, WeightBits: wb, WeightShift: rng.IntN(3),
			CurrentLeak: rng.IntN(4096), MembraneLeak: rng.IntN(4096), Reset: sim.ResetZero, Refractory: rng.IntN(4)}
		if rng.IntN(2) == 0 {
			l.Reset = sim.ResetSubtract
		}
		l.Threshold = int32(1 + rng.IntN(1<<(wb-1+l.WeightShift+1)))
		lo, span := -(1 << (wb - 1)), 1<<wb
		l.W = make([]int8, prev*size)
		for k := range l.W {
			l.W[k] = int8(lo + rng.IntN(span))
		}
		if recurrent && li == 0 && !last {
			l.R = make([]int8, size*size)
			for k := range l.R {
				l.R[k] = int8(lo + rng.IntN(span))
			}
		}
		if last && readout {
			l.Kind, l.Threshold, l.Reset, l.Refractory = sim.Readout, 0, "", 0
			n.Predict = sim.MaxMembrane
		}
		n.Layers = append(n.Layers, l)
		prev = size
	}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

// RandomSample draws intensities or spike events for n inputs.
func RandomSample(rng *rand.Rand, inputs int) sim.Sample {
	steps := 1 + rng.IntN(30)
	s := sim.Sample{Steps: steps, Label: -1}
	if rng.IntN(2) == 0 {
		s.Intensity = make([]uint8, inputs)
		for j := range s.Intensity {
			if rng.IntN(3) == 0 {
				s.Intensity[j] = uint8(rng.UintN(256))
			}
		}
		return s
	}
	s.Spikes = make([][]int, rng.IntN(steps+1))
	for t := range s.Spikes {
		for j := range inputs {
			if rng.IntN(5) == 0 {
				s.Spikes[t] = append(s.Spikes[t], j)
			}
		}
	}
	return s
}
