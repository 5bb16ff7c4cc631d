package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/sim"
)

// A float network "trained elsewhere" (threshold not 1, arbitrary decays, recurrent) converts
// to a valid integer network for every width; at 8-bit weights and 16-bit state the integer
// network agrees with the float model on nearly every prediction.
func TestConvertForeignFloatNetwork(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	fn := &sim.FloatNetwork{Inputs: 30, EncoderSeed: 77, Predict: sim.MaxMembrane}
	prev := 30
	for li, n := range []int{40, 6} {
		l := sim.FloatLayer{Kind: sim.LIF, Size: n, Alpha: 0.85, Beta: 0.93, Threshold: 0.37, Reset: sim.ResetSubtract, W: make([]float64, prev*n)}
		if li == 1 {
			l = sim.FloatLayer{Kind: sim.Readout, Size: n, Alpha: 0.8, Beta: 0.97, W: make([]float64, prev*n)}
		} else {
			l.R = make([]float64, n*n)
			for k := range l.R {
				l.R[k] = rng.NormFloat64() * 0.03
			}
		}
		for k := range l.W {
			l.W[k] = rng.NormFloat64() * 0.4 / math.Sqrt(float64(prev))
		}
		fn.Layers = append(fn.Layers, l)
		prev = n
	}
	var samples []sim.Sample
	for range 200 {
		samples = append(samples, randomIntensity(rng, 30, 30, 6))
	}
	for _, bits := range []int{2, 3, 4, 6, 8} {
		for _, sb := range []int{8, 12, 16, 24} {
			qn, qs, err := Convert(fn, ConvertOptions{WeightBits: bits, StateBits: sb})
			if err != nil {
				t.Fatalf("%d-bit weights, %d-bit state: %v", bits, sb, err)
			}
			for li, q := range qs {
				l := qn.Layers[li]
				if l.CurrentLeak != sim.LeakOf(fn.Layers[li].Alpha) || l.MembraneLeak != sim.LeakOf(fn.Layers[li].Beta) {
					t.Errorf("layer %d: leaks %d %d do not match alpha %v beta %v", li, l.CurrentLeak, l.MembraneLeak, fn.Layers[li].Alpha, fn.Layers[li].Beta)
				}
				if l.Kind == sim.LIF {
					want := math.Round(fn.Layers[li].Threshold * q.Unit())
					if float64(l.Threshold) != max(1, want) {
						t.Errorf("layer %d: threshold %d, want round(%v * %v)", li, l.Threshold, fn.Layers[li].Threshold, q.Unit())
					}
				}
			}
			if bits != 8 || sb != 16 {
				continue
			}
			agree, spikes := 0, 0
			for _, s := range samples {
				fr, err := sim.RunFloat(fn, s)
				if err != nil {
					t.Fatal(err)
				}
				ir, err := sim.Run(qn, s, sim.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if fr.Prediction == ir.Prediction {
					agree++
				}
				for _, c := range ir.Counts[0] {
					spikes += int(c)
				}
			}
			if spikes == 0 {
				t.Fatal("the hidden layer never spikes; the comparison is vacuous")
			}
			if agree < 180 {
				t.Errorf("8-bit conversion agrees with the float model on %d of 200 predictions, want >= 180", agree)
			}
		}
	}
}

func TestConvertRejects(t *testing.T) {
	fn, err := NewNetwork(Arch{Inputs: 3, Hidden: []int{2}, Classes: 2, Alpha: 0.9, Beta: 0.9, OutAlpha: 0.9, OutBeta: 0.9}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []ConvertOptions{{WeightBits: 1}, {WeightBits: 9}, {StateBits: 7}, {StateBits: 25}, {Headroom: 0.5}} {
		if _, _, err := Convert(fn, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	bad := fn.Clone()
	bad.Layers[0].W[0] = math.NaN()
	if _, _, err := Convert(bad, ConvertOptions{}); err == nil {
		t.Error("NaN weight: no error")
	}
}

// Training is deterministic: the same seed gives the same weights whatever the number of
// workers, and a trainer resumed from a checkpoint continues exactly.
func TestDeterministicAndResumable(t *testing.T) {
	a := archCases[2].arch
	rng := rand.New(rand.NewPCG(9, 9))
	var samples []sim.Sample
	for range 70 {
		samples = append(samples, randomEvents(rng, 12, 20, 0.2, 4))
	}
	run := func(workers, epochs int, resumeAt int) *sim.FloatNetwork {
		fn, _ := NewNetwork(a, 3)
		cfg := Config{BatchSize: 20, Seed: 5, Workers: workers}
		tr, err := NewTrainer(fn, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for e := range epochs {
			if e == resumeAt {
				tr = resumeThroughFile(t, tr, a)
				tr.Config.Workers = 0 // a resumed trainer with the default: all cores
			}
			if _, err := tr.RunEpoch(samples, nil); err != nil {
				t.Fatal(err)
			}
		}
		return tr.Net
	}
	ref := run(1, 3, -1)
	for _, got := range []*sim.FloatNetwork{run(2, 3, -1), run(3, 3, 2)} {
		for li := range ref.Layers {
			for k := range ref.Layers[li].W {
				if got.Layers[li].W[k] != ref.Layers[li].W[k] {
					t.Fatalf("layer %d weight %d: %v, reference %v", li, k, got.Layers[li].W[k], ref.Layers[li].W[k])
				}
			}
		}
	}
	if changed := ref.Layers[0].W[0] != func() float64 { fn, _ := NewNetwork(a, 3); return fn.Layers[0].W[0] }(); !changed {
		t.Error("training did not change the weights")
	}
}

// resumeThroughFile saves tr's checkpoint to a file, loads it back and resumes from it, as
// lifkit train --resume does.
func resumeThroughFile(t *testing.T, tr *Trainer, a Arch) *Trainer {
	t.Helper()
	path := t.TempDir() + "/c.json"
	if err := SaveCheckpoint(path, tr.Checkpoint(a, nil, nil)); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Resume(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
