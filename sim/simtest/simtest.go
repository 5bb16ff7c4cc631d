// Package simtest makes random valid networks and samples for differential and property tests
// of anything that must agree with sim: the RTL testbench, the trainer, the host link.
//
// # Invariants
//
// Every network it returns passes sim.Network.Validate and every sample passes Sample.Check.
// The same *rand.Rand state gives the same network, so a failing case is reproduced from its
// seed.
package simtest

import (
	"math/rand/v2"

	"github.com/lifkit/lifkit/sim"
)

// Shape fixes what a random network looks like; zero fields are drawn at random.
type Shape struct {
	Inputs     int   // 0: 1..40
	Hidden     []int // sizes of the lif layers before the output; nil: one layer of 1..40
	Outputs    int   // 0: 1..10
	Readout    bool  // last layer readout (max_membrane) instead of lif (spike_count)
	WeightBits int   // 0: 2..8
	StateBits  int   // 0: 8..24
	Recurrent  int   // -1: none, 1: every hidden layer, 0: at random per layer
	Reset      sim.ResetMode
	Refractory int // -1: 0, 0: 0..15 at random, n: n
}

// Network returns a random valid network of the given shape. Thresholds are drawn so that
// neurons fire some of the time rather than never or always, and every edge case (saturation,
// negative states, refractory) is reachable.
func Network(r *rand.Rand, sh Shape) *sim.Network {
	pick := func(v, lo, hi int) int {
		if v != 0 {
			return v
		}
		return lo + r.IntN(hi-lo+1)
	}
	n := &sim.Network{Name: "random", Inputs: pick(sh.Inputs, 1, 40), EncoderSeed: r.Uint32() | 1}
	hidden := sh.Hidden
	if hidden == nil {
		hidden = []int{1 + r.IntN(40)}
	}
	sizes := append(append([]int(nil), hidden...), pick(sh.Outputs, 1, 10))
	prev := n.Inputs
	for li, size := range sizes {
		last := li == len(sizes)-1
		l := sim.Layer{Kind: sim.LIF, Size: size}
		if last && sh.Readout {
			l.Kind = sim.Readout
		}
		l.WeightBits = pick(sh.WeightBits, 2, 8)
		l.StateBits = pick(sh.StateBits, max(8, l.WeightBits), 24)
		rec := !last && l.Kind == sim.LIF && (sh.Recurrent == 1 || (sh.Recurrent == 0 && r.IntN(2) == 0))
		fan := prev
		if rec {
			fan += size
		}
		// Shift: usually 0, sometimes as large as S-B and rule S-5 allow.
		maxShift := l.StateBits - l.WeightBits
		for maxShift > 0 && int64(fan)<<(l.WeightBits-1+maxShift) >= 1<<31 {
			maxShift--
		}
		if r.IntN(3) == 0 {
			l.WeightShift = r.IntN(maxShift + 1)
		}
		l.CurrentLeak = leak(r)
		l.MembraneLeak = leak(r)
		if l.Kind == sim.LIF {
			// Typical drive: a few active sources times a mid-size weight, shifted.
			unit := int64(1) << (l.WeightBits - 2 + l.WeightShift)
			drive := unit * int64(1+r.IntN(max(1, fan/2)))
			maxTh := int64(1)<<(l.StateBits-1) - 1
			th := 1 + r.Int64N(min(maxTh, max(1, 3*drive)))
			if r.IntN(10) == 0 {
				th = maxTh - r.Int64N(maxTh/4+1) // rarely reachable: saturation edge
			}
			l.Threshold = int32(min(th, maxTh))
			l.Reset = sh.Reset
			if l.Reset == "" {
				l.Reset = []sim.ResetMode{sim.ResetZero, sim.ResetSubtract}[r.IntN(2)]
			}
			switch {
			case sh.Refractory > 0:
				l.Refractory = sh.Refractory
			case sh.Refractory == 0 && r.IntN(3) == 0:
				l.Refractory = r.IntN(sim.MaxRefractory + 1)
			}
		}
		l.W = weights(r, prev*size, l.WeightBits)
		if rec {
			l.R = weights(r, size*size, l.WeightBits)
		}
		n.Layers = append(n.Layers, l)
		prev = size
	}
	n.Predict = sim.SpikeCount
	if sh.Readout {
		n.Predict = sim.MaxMembrane
	}
	return n
}

func leak(r *rand.Rand) int {
	switch r.IntN(4) {
	case 0:
		return 0 // integrate and fire
	case 1:
		return 1 << (12 - 1 - r.IntN(12)) // shift decay, k = 1..12
	default:
		return r.IntN(sim.MaxLeak + 1)
	}
}

// weights draws n weights over the full B-bit range, the extremes included more often than a
// uniform draw would give them.
func weights(r *rand.Rand, n, bits int) []int8 {
	lo, hi := -1<<(bits-1), 1<<(bits-1)-1
	w := make([]int8, n)
	for i := range w {
		switch r.IntN(16) {
		case 0:
			w[i] = int8(lo)
		case 1:
			w[i] = int8(hi)
		default:
			w[i] = int8(lo + r.IntN(hi-lo+1))
		}
	}
	return w
}

// SpikeSample returns a random spike-event sample with about rate of the inputs spiking per
// step (events in random order, to prove order does not matter).
func SpikeSample(r *rand.Rand, inputs, steps int, rate float64) sim.Sample {
	s := sim.Sample{Steps: steps, Spikes: make([][]int, steps), Label: -1}
	for t := range steps {
		ev := []int{}
		for j := range inputs {
			if r.Float64() < rate {
				ev = append(ev, j)
			}
		}
		r.Shuffle(len(ev), func(a, b int) { ev[a], ev[b] = ev[b], ev[a] })
		s.Spikes[t] = ev
	}
	return s
}

// IntensitySample returns a random intensity sample (0 and 255 included often).
func IntensitySample(r *rand.Rand, inputs, steps int) sim.Sample {
	x := make([]uint8, inputs)
	for j := range x {
		switch r.IntN(6) {
		case 0:
			x[j] = 0
		case 1:
			x[j] = 255
		default:
			x[j] = uint8(r.IntN(256))
		}
	}
	return sim.Sample{Steps: steps, Intensity: x, Label: -1}
}
