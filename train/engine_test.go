package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/sim"
)

func randomEvents(rng *rand.Rand, inputs, steps int, p float64, classes int) sim.Sample {
	s := sim.Sample{Steps: steps, Spikes: make([][]int, steps), Label: rng.IntN(classes)}
	for t := range s.Spikes {
		for j := range inputs {
			if rng.Float64() < p {
				s.Spikes[t] = append(s.Spikes[t], j)
			}
		}
	}
	return s
}

func randomIntensity(rng *rand.Rand, inputs, steps, classes int) sim.Sample {
	s := sim.Sample{Steps: steps, Intensity: make([]uint8, inputs), Label: rng.IntN(classes)}
	for j := range s.Intensity {
		if rng.IntN(3) == 0 {
			s.Intensity[j] = uint8(rng.IntN(256))
		}
	}
	return s
}

// archCases are small networks covering every layer option the trainer supports.
var archCases = []struct {
	name string
	arch Arch
	loss LossKind
}{
	{"readout", Arch{Inputs: 12, Hidden: []int{16}, Classes: 4, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.95, InitScale: 3}, MaxOverTimeCE},
	{"two-hidden-subtract", Arch{Inputs: 12, Hidden: []int{16, 8}, Classes: 4, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.95, Reset: sim.ResetSubtract, InitScale: 3}, MaxOverTimeCE},
	{"recurrent-refractory", Arch{Inputs: 12, Hidden: []int{16}, Recurrent: true, Refractory: 2, Classes: 4, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.95, InitScale: 3}, MaxOverTimeCE},
	{"lif-output", Arch{Inputs: 12, Hidden: []int{16}, Classes: 4, Output: sim.LIF, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.9, InitScale: 3}, SpikeCountCE},
}

// The exported integer network, run by sim, must give the same prediction and the same spike
// counts as the trainer's own QAT forward pass, on every sample; the float forward pass must
// likewise equal sim.RunFloat.
func TestForwardMatchesSim(t *testing.T) {
	for ci, c := range archCases {
		for _, bits := range []int{8, 4, 2} {
			rng := rand.New(rand.NewPCG(uint64(ci), uint64(bits)))
			fn, err := NewNetwork(c.arch, uint64(ci+1))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := NewTrainer(fn, Config{Objective: Objective{Loss: c.loss}, Convert: ConvertOptions{WeightBits: bits, StateBits: 12}, BatchSize: 8, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			var samples []sim.Sample
			for k := range 40 {
				if k%2 == 0 {
					samples = append(samples, randomEvents(rng, 12, 20, 0.2, 4))
				} else {
					samples = append(samples, randomIntensity(rng, 12, 20, 4))
				}
			}
			// train a little so the weights are not the initial ones
			for range 3 {
				if _, err := tr.RunEpoch(samples, nil); err != nil {
					t.Fatal(err)
				}
			}
			qn, err := tr.Integer()
			if err != nil {
				t.Fatal(err)
			}
			ev, err := tr.Evaluate(samples, true)
			if err != nil {
				t.Fatal(err)
			}
			want, err := sim.RunBatch(qn, samples, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			spikes := 0
			for i := range samples {
				if ev.Predictions[i] != want[i].Prediction {
					t.Fatalf("%s %d-bit sample %d: trainer predicts %d, sim %d", c.name, bits, i, ev.Predictions[i], want[i].Prediction)
				}
				for li := range want[i].Counts {
					for k, cnt := range want[i].Counts[li] {
						spikes += int(cnt)
						if ev.Counts[i][li][k] != cnt {
							t.Fatalf("%s %d-bit sample %d layer %d neuron %d: trainer counts %d spikes, sim %d", c.name, bits, i, li, k, ev.Counts[i][li][k], cnt)
						}
					}
				}
			}
			if spikes == 0 {
				t.Errorf("%s %d-bit: no spikes at all; the comparison is vacuous", c.name, bits)
			}
			// float mode against sim.RunFloat
			fe, err := tr.evaluate(Float, samples, true)
			if err != nil {
				t.Fatal(err)
			}
			for i := range samples {
				r, err := sim.RunFloat(tr.Net, samples[i])
				if err != nil {
					t.Fatal(err)
				}
				if fe.Predictions[i] != r.Prediction {
					t.Fatalf("%s float sample %d: trainer predicts %d, sim.RunFloat %d", c.name, i, fe.Predictions[i], r.Prediction)
				}
				for li := range r.Counts {
					for k, cnt := range r.Counts[li] {
						if fe.Counts[i][li][k] != cnt {
							t.Fatalf("%s float sample %d layer %d neuron %d: %d spikes, sim.RunFloat %d", c.name, i, li, k, fe.Counts[i][li][k], cnt)
						}
					}
				}
			}
		}
	}
}

// smoothLoss is the loss of the smooth model (spikes replaced by Surrogate.Smooth) for one
// sample.
func smoothLoss(t *testing.T, fn *sim.FloatNetwork, s *sim.Sample, obj Objective, surr Surrogate) float64 {
	c := compile(smooth, fn, nil, nil, nil)
	w := newWorker(c)
	r, err := w.sample(c, s, obj, surr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.loss + r.regLoss
}

// Analytic gradients (backward with the reset not detached) must agree with central finite
// differences of the smooth model, for every surrogate, both resets, recurrence and both
// losses. Bound: |analytic - numeric| <= 1e-5 * max(1, |numeric|) per weight, and the relative
// error of the whole gradient vector below 1e-6.
func TestGradientCheck(t *testing.T) {
	surrs := []Surrogate{{FastSigmoid, 2}, {Atan, 2}, {Triangle, 0.7}}
	nets := []struct {
		name string
		arch Arch
		loss LossKind
	}{
		{"readout-zero", Arch{Inputs: 5, Hidden: []int{4}, Classes: 3, Alpha: 0.7, Beta: 0.8, OutAlpha: 0.8, OutBeta: 0.9, InitScale: 2}, MaxOverTimeCE},
		{"recurrent-subtract", Arch{Inputs: 5, Hidden: []int{4}, Recurrent: true, Reset: sim.ResetSubtract, Classes: 3, Alpha: 0.7, Beta: 0.8, OutAlpha: 0.8, OutBeta: 0.9, InitScale: 2}, MaxOverTimeCE},
		{"two-hidden-count", Arch{Inputs: 5, Hidden: []int{4, 3}, Output: sim.LIF, Classes: 3, Alpha: 0.7, Beta: 0.8, OutAlpha: 0.7, OutBeta: 0.8, InitScale: 2}, SpikeCountCE},
	}
	for ni, nc := range nets {
		for _, surr := range surrs {
			rng := rand.New(rand.NewPCG(uint64(ni), 3))
			fn, err := NewNetwork(nc.arch, uint64(ni+10))
			if err != nil {
				t.Fatal(err)
			}
			obj := Objective{Loss: nc.loss, RegTotal: 1e-2, RegNeuron: 1e-3}
			s := randomEvents(rng, 5, 12, 0.4, 3)
			c := compile(smooth, fn, nil, nil, nil)
			w := newWorker(c)
			g := newGrads(fn)
			if _, err := w.sample(c, &s, obj, surr, g); err != nil {
				t.Fatal(err)
			}
			const eps = 1e-6
			var num2, diff2 float64
			check := func(name string, p []float64, ga []float64) {
				for k := range p {
					old := p[k]
					p[k] = old + eps
					lp := smoothLoss(t, fn, &s, obj, surr)
					p[k] = old - eps
					lm := smoothLoss(t, fn, &s, obj, surr)
					p[k] = old
					num := (lp - lm) / (2 * eps)
					d := math.Abs(ga[k] - num)
					num2 += num * num
					diff2 += d * d
					if d > 1e-5*max(1, math.Abs(num)) {
						t.Errorf("%s %s %s[%d]: analytic %.9g, numeric %.9g", nc.name, surr.Kind, name, k, ga[k], num)
					}
				}
			}
			for li := range fn.Layers {
				check("W"+string(rune('0'+li)), fn.Layers[li].W, g.W[li])
				if fn.Layers[li].R != nil {
					check("R"+string(rune('0'+li)), fn.Layers[li].R, g.R[li])
				}
			}
			if num2 == 0 {
				t.Fatalf("%s %s: zero gradient; the check is vacuous", nc.name, surr.Kind)
			}
			if rel := math.Sqrt(diff2 / num2); rel > 1e-6 {
				t.Errorf("%s %s: relative gradient error %.3g > 1e-6", nc.name, surr.Kind, rel)
			}
		}
	}
}
