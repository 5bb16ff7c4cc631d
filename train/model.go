package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/lifkit/lifkit/sim"
)

// Arch describes a network to train: inputs, hidden lif layers, and an output layer that is a
// leaky readout (prediction max_membrane) or a lif layer (prediction spike_count).
type Arch struct {
	Inputs    int
	Hidden    []int
	Recurrent bool // hidden layers get recurrent weights (rule S-3)
	Classes   int
	Output    sim.Kind // sim.Readout (default) or sim.LIF
	// Alpha and Beta are the retained fractions of current and membrane per step in hidden
	// layers; OutAlpha and OutBeta those of the output layer. They are rounded to the nearest
	// 12-bit leak (rule S-7), so the float model and the integer network decay alike.
	Alpha, Beta       float64
	OutAlpha, OutBeta float64
	Reset             sim.ResetMode // default zero
	Refractory        int
	// InitScale sets the initial weights: normal with standard deviation InitScale /
	// sqrt(fan-in) (default 1), times (1-OutBeta)/(1-Beta) for a readout slower than the
	// hidden layers.
	InitScale   float64
	EncoderSeed uint32 // default sim.DefaultSeed
}

// TauDecay is exp(-dt/tau): the retained fraction of a time constant tau sampled every dt.
func TauDecay(tau, dt float64) float64 { return math.Exp(-dt / tau) }

func (a Arch) withDefaults() Arch {
	if a.Output == "" {
		a.Output = sim.Readout
	}
	if a.Reset == "" {
		a.Reset = sim.ResetZero
	}
	if a.InitScale == 0 {
		a.InitScale = 1
	}
	if a.EncoderSeed == 0 {
		a.EncoderSeed = sim.DefaultSeed
	}
	return a
}

// NewNetwork returns a float network (rule S-19) for a, with threshold 1 in every lif layer
// and weights drawn from a normal distribution scaled by fan-in, from seed. The same seed gives
// the same network.
func NewNetwork(a Arch, seed uint64) (*sim.FloatNetwork, error) {
	a = a.withDefaults()
	if a.Classes < 1 {
		return nil, fmt.Errorf("train: the network needs at least one class, got %d", a.Classes)
	}
	rng := rand.New(rand.NewPCG(seed, 0x11f7))
	fn := &sim.FloatNetwork{Name: "lifkit-train", Inputs: a.Inputs, EncoderSeed: a.EncoderSeed, Predict: sim.MaxMembrane}
	if a.Output == sim.LIF {
		fn.Predict = sim.SpikeCount
	}
	round := func(r float64) float64 { return sim.RetainedFraction(sim.LeakOf(r)) }
	prev := a.Inputs
	sizes := append(append([]int(nil), a.Hidden...), a.Classes)
	for li, n := range sizes {
		last := li == len(sizes)-1
		l := sim.FloatLayer{Kind: sim.LIF, Size: n, Alpha: round(a.Alpha), Beta: round(a.Beta), Threshold: 1,
			Reset: a.Reset, Refractory: a.Refractory}
		if last {
			l.Alpha, l.Beta = round(a.OutAlpha), round(a.OutBeta)
			if a.Output == sim.Readout {
				l.Kind, l.Threshold, l.Reset, l.Refractory = sim.Readout, 0, "", 0
			}
		}
		std := a.InitScale / math.Sqrt(float64(max(prev, 1)))
		if last && a.Output == sim.Readout && a.OutBeta > a.Beta {
			// a slower readout integrates longer; scale its weights down by the ratio of the
			// membrane time constants, so the initial logits are as large as with equal ones
			std *= (1 - l.Beta) / (1 - round(a.Beta))
		}
		l.W = make([]float64, prev*n)
		for k := range l.W {
			l.W[k] = rng.NormFloat64() * std
		}
		if a.Recurrent && !last {
			rs := a.InitScale / math.Sqrt(float64(n))
			l.R = make([]float64, n*n)
			for k := range l.R {
				l.R[k] = rng.NormFloat64() * rs
			}
		}
		fn.Layers = append(fn.Layers, l)
		prev = n
	}
	if err := fn.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return fn, nil
}
