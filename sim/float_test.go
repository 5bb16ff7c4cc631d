package sim

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// randomIntegerNet builds a valid integer network with random weights. With leaks zero and 24-bit
// state nothing saturates for the sizes used here, so its float model is exact (see FloatOf).
func randomIntegerNet(rng *rand.Rand, inputs int, sizes []int, readout, recurrent bool, leaks bool) *Network {
	n := &Network{Name: "rand", Inputs: inputs, EncoderSeed: DefaultSeed, Predict: SpikeCount}
	prev := inputs
	for li, sz := range sizes {
		last := li == len(sizes)-1
		l := Layer{Kind: LIF, Size: sz, StateBits: 24, WeightBits: 8, Threshold: int32(20 + rng.IntN(200)),
			Reset: ResetZero, Refractory: rng.IntN(3), W: make([]int8, prev*sz)}
		if rng.IntN(2) == 0 {
			l.Reset = ResetSubtract
		}
		if leaks {
			l.CurrentLeak, l.MembraneLeak = rng.IntN(4096), rng.IntN(4096)
		}
		for k := range l.W {
			l.W[k] = int8(rng.IntN(256) - 110)
		}
		if recurrent && !last {
			l.R = make([]int8, sz*sz)
			for k := range l.R {
				l.R[k] = int8(rng.IntN(256) - 128)
			}
		}
		if last && readout {
			l.Kind, l.Threshold, l.Reset, l.Refractory = Readout, 0, "", 0
			n.Predict = MaxMembrane
		}
		n.Layers = append(n.Layers, l)
		prev = sz
	}
	return n
}

func randomSpikes(rng *rand.Rand, inputs, steps int, p float64) Sample {
	s := Sample{Steps: steps, Spikes: make([][]int, steps), Label: -1}
	for t := range s.Spikes {
		for j := range inputs {
			if rng.Float64() < p {
				s.Spikes[t] = append(s.Spikes[t], j)
			}
		}
	}
	return s
}

// With zero leaks and no saturation the float model of rule S-19 computes integers only, so
// FloatOf(n) must reproduce the integer network's spikes and readout exactly.
func TestFloatOfExactWithoutLeak(t *testing.T) {
	cases := []struct {
		name               string
		readout, recurrent bool
		intensity          bool
	}{
		{"lif-events", false, false, false},
		{"readout-events", true, false, false},
		{"recurrent-readout", true, true, false},
		{"recurrent-intensity", true, true, true},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(ci), 7))
			n := randomIntegerNet(rng, 12, []int{9, 7, 4}, c.readout, c.recurrent, false)
			if err := n.Validate(); err != nil {
				t.Fatal(err)
			}
			fn := FloatOf(n)
			if err := fn.Validate(); err != nil {
				t.Fatal(err)
			}
			for k := range 20 {
				s := randomSpikes(rng, n.Inputs, 30, 0.3)
				if c.intensity {
					s = Sample{Steps: 30, Intensity: make([]uint8, n.Inputs), Label: -1}
					for j := range s.Intensity {
						s.Intensity[j] = uint8(rng.IntN(256))
					}
				}
				want, err := Run(n, s, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got, err := RunFloat(fn, s)
				if err != nil {
					t.Fatal(err)
				}
				if got.Prediction != want.Prediction {
					t.Fatalf("sample %d: float prediction %d, integer %d", k, got.Prediction, want.Prediction)
				}
				for li := range want.Counts {
					for i := range want.Counts[li] {
						if got.Counts[li][i] != want.Counts[li][i] {
							t.Fatalf("sample %d layer %d neuron %d: float count %d, integer %d", k, li, i, got.Counts[li][i], want.Counts[li][i])
						}
					}
				}
				for tt := range want.Readout {
					for i := range want.Readout[tt] {
						if got.Readout[tt][i] != float64(want.Readout[tt][i]) {
							t.Fatalf("sample %d step %d readout %d: float %v, integer %d", k, tt, i, got.Readout[tt][i], want.Readout[tt][i])
						}
					}
				}
			}
		})
	}
}

// With leaks the float model only approximates the integer one (floor of rule S-7); on large
// states the difference is small. This checks that the decay factors are applied where rule
// S-19 puts them: a single readout neuron driven by one input spike at t = 0.
func TestFloatDecay(t *testing.T) {
	n := &FloatNetwork{Inputs: 1, EncoderSeed: DefaultSeed, Predict: MaxMembrane, Layers: []FloatLayer{
		{Kind: Readout, Size: 1, Alpha: 0.5, Beta: 0.25, W: []float64{8}},
	}}
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := RunFloat(n, Sample{Steps: 3, Spikes: [][]int{{0}}})
	if err != nil {
		t.Fatal(err)
	}
	// I: 8, 4, 2; V: 8, 0.25*8+4 = 6, 0.25*6+2 = 3.5
	want := []float64{8, 6, 3.5}
	for tt, w := range want {
		if res.Readout[tt][0] != w {
			t.Errorf("V(%d) = %v, want %v", tt, res.Readout[tt][0], w)
		}
	}
}

func TestLeakOfRoundTrip(t *testing.T) {
	for leak := 0; leak <= MaxLeak; leak++ {
		if got := LeakOf(RetainedFraction(leak)); got != leak {
			t.Fatalf("LeakOf(RetainedFraction(%d)) = %d", leak, got)
		}
	}
	if LeakOf(-1) != MaxLeak || LeakOf(2) != 0 {
		t.Errorf("LeakOf does not clamp: %d %d", LeakOf(-1), LeakOf(2))
	}
}

func TestFloatValidate(t *testing.T) {
	good := func() *FloatNetwork {
		return &FloatNetwork{Inputs: 2, EncoderSeed: 1, Predict: MaxMembrane, Layers: []FloatLayer{
			{Kind: LIF, Size: 2, Alpha: 0.9, Beta: 0.9, Threshold: 1, Reset: ResetZero, W: make([]float64, 4), R: make([]float64, 4)},
			{Kind: Readout, Size: 1, Alpha: 0.9, Beta: 0.9, W: make([]float64, 2)},
		}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good network: %v", err)
	}
	cases := []struct {
		field  string
		break_ func(n *FloatNetwork)
	}{
		{"inputs", func(n *FloatNetwork) { n.Inputs = 0 }},
		{"encoder_seed", func(n *FloatNetwork) { n.EncoderSeed = 0 }},
		{"layers[0].alpha", func(n *FloatNetwork) { n.Layers[0].Alpha = 1.5 }},
		{"layers[0].beta", func(n *FloatNetwork) { n.Layers[0].Beta = -0.1 }},
		{"layers[0].threshold", func(n *FloatNetwork) { n.Layers[0].Threshold = 0 }},
		{"layers[0].reset", func(n *FloatNetwork) { n.Layers[0].Reset = "" }},
		{"layers[0].weights", func(n *FloatNetwork) { n.Layers[0].W = n.Layers[0].W[:3] }},
		{"layers[1].recurrent", func(n *FloatNetwork) { n.Layers[1].R = make([]float64, 1) }},
		{"layers[0].kind", func(n *FloatNetwork) { n.Layers[0].Kind = Readout }},
		{"predict", func(n *FloatNetwork) { n.Predict = SpikeCount }},
	}
	for _, c := range cases {
		n := good()
		c.break_(n)
		err := n.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v, want a FieldError on %s", c.field, err, c.field)
		}
	}
}
