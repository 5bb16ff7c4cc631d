package train

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lifkit/lifkit/sim"
)

func TestShiftImage(t *testing.T) {
	// a 4 x 3 image (width 4) with distinct pixels
	src := []uint8{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
	}
	cases := []struct {
		dx, dy int
		want   []uint8
	}{
		{0, 0, src},
		{1, 0, []uint8{0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}},
		{-1, 0, []uint8{2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0}},
		{0, 1, []uint8{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{-2, -1, []uint8{7, 8, 0, 0, 11, 12, 0, 0, 0, 0, 0, 0}},
		{4, 0, make([]uint8, 12)},
	}
	for _, c := range cases {
		dst := make([]uint8, len(src))
		for i := range dst {
			dst[i] = 99 // must be overwritten
		}
		shiftImage(dst, src, 4, c.dx, c.dy)
		if !slices.Equal(dst, c.want) {
			t.Errorf("shift (%d, %d): got %v, want %v", c.dx, c.dy, dst, c.want)
		}
	}
}

// An augmented training sample is exactly what sim computes for the shifted image on the
// same network with the sample's own encoder seed: the augmentation is the on-chip rate code
// with other draws, not a different code. Different epochs and samples get different seeds.
func TestAugmentedSampleIsRateCode(t *testing.T) {
	const width, inputs, steps = 4, 12, 20
	fn, err := NewNetwork(Arch{Inputs: inputs, Hidden: []int{16}, Classes: 4, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.95, InitScale: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Seed: 3, Augment: Augment{EncoderSeed: 11, Shift: 1, Width: width}}
	tr, err := NewTrainer(fn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	samples := []sim.Sample{randomIntensity(rng, inputs, steps, 4)}
	c, err := tr.compileFor(QAT, samples)
	if err != nil {
		t.Fatal(err)
	}
	qn, err := tr.Integer()
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(c)
	seeds := map[uint32]bool{}
	shifted := 0
	for _, k := range []augKey{{0, 0}, {0, 1}, {1, 0}, {7, 12345}} {
		s, draws, err := w.aug.apply(&tr.Config, &samples[0], k)
		if err != nil {
			t.Fatal(err)
		}
		if draws == nil {
			t.Fatal("no per-sample draws with an encoder seed set")
		}
		if !slices.Equal(s.Intensity, samples[0].Intensity) {
			shifted++
		}
		w.draws = draws
		r, err := w.sample(c, s, tr.Config.Objective, tr.Config.Surrogate, nil)
		w.draws = nil
		if err != nil {
			t.Fatal(err)
		}
		seed := encoderSeedFor(11, k)
		seeds[seed] = true
		own := *qn
		own.EncoderSeed = seed
		want, err := sim.Run(&own, *s, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.pred != want.Prediction {
			t.Fatalf("key %v: trainer predicts %d, sim with encoder seed %#x %d", k, r.pred, seed, want.Prediction)
		}
		for li := range want.Counts {
			if !slices.Equal(w.layers[li].icount, want.Counts[li]) {
				t.Fatalf("key %v layer %d: trainer counts %v, sim %v", k, li, w.layers[li].icount, want.Counts[li])
			}
		}
		// the same key gives the same sample again
		s2, d2, _ := w.aug.apply(&tr.Config, &samples[0], k)
		if !slices.Equal(d2, draws) || !slices.Equal(s2.Intensity, s.Intensity) {
			t.Fatalf("key %v: augmentation is not a function of the key", k)
		}
	}
	if len(seeds) != 4 {
		t.Errorf("4 keys gave %d distinct encoder seeds", len(seeds))
	}
	if shifted == 0 {
		t.Error("no key shifted the image")
	}
	// events are left alone by the encoder draws and refused by the shift
	ev := randomEvents(rng, inputs, steps, 0.2, 4)
	if _, _, err := w.aug.apply(&tr.Config, &ev, augKey{}); err == nil {
		t.Error("shift accepted a spike-event sample")
	}
	noShift := tr.Config
	noShift.Augment.Shift = 0
	if s, d, err := w.aug.apply(&noShift, &ev, augKey{}); err != nil || s != &ev || d != nil {
		t.Errorf("encoder augmentation changed a spike-event sample (err %v)", err)
	}
}

// Augmented training is deterministic (same weights whatever the number of workers, and across
// a resume), it changes the training (the weights differ from an unaugmented run), and the
// exported network still runs exactly as the trainer's own forward pass in sim.
func TestAugmentDeterministic(t *testing.T) {
	const width, inputs, steps = 4, 12, 20
	a := Arch{Inputs: inputs, Hidden: []int{16}, Classes: 4, Alpha: 0.8, Beta: 0.9, OutAlpha: 0.8, OutBeta: 0.95, InitScale: 3}
	rng := rand.New(rand.NewPCG(5, 5))
	var samples []sim.Sample
	for range 60 {
		samples = append(samples, randomIntensity(rng, inputs, steps, 4))
	}
	aug := Augment{EncoderSeed: 7, Shift: 1, Width: width}
	run := func(aug Augment, workers, resumeAt int) *Trainer {
		fn, _ := NewNetwork(a, 2)
		tr, err := NewTrainer(fn, Config{BatchSize: 20, Seed: 5, Workers: workers, WeightDecay: 0.1, Augment: aug})
		if err != nil {
			t.Fatal(err)
		}
		for e := range 3 {
			if e == resumeAt {
				tr = resumeThroughFile(t, tr, a)
			}
			if _, err := tr.RunEpoch(samples, nil); err != nil {
				t.Fatal(err)
			}
		}
		return tr
	}
	ref := run(aug, 1, -1)
	for _, got := range []*Trainer{run(aug, 3, -1), run(aug, 2, 2)} {
		for li := range ref.Net.Layers {
			if !slices.Equal(got.Net.Layers[li].W, ref.Net.Layers[li].W) {
				t.Fatalf("layer %d: augmented training gave different weights with another worker count or after a resume", li)
			}
		}
	}
	plain := run(Augment{}, 1, -1)
	if slices.Equal(plain.Net.Layers[0].W, ref.Net.Layers[0].W) {
		t.Error("augmentation did not change training")
	}
	// export still matches the trainer's (unaugmented) forward pass
	qn, err := ref.Integer()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ref.Evaluate(samples, true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sim.RunBatch(qn, samples, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range samples {
		if ev.Predictions[i] != want[i].Prediction {
			t.Fatalf("sample %d: trainer predicts %d, sim %d", i, ev.Predictions[i], want[i].Prediction)
		}
		for li := range want[i].Counts {
			if !slices.Equal(ev.Counts[i][li], want[i].Counts[li]) {
				t.Fatalf("sample %d layer %d: trainer counts %v, sim %v", i, li, ev.Counts[i][li], want[i].Counts[li])
			}
		}
	}
}

// Decoupled weight decay multiplies every weight by 1 - lr*wd before the Adam step: with a
// zero gradient that is all it does.
func TestWeightDecay(t *testing.T) {
	fn, _ := NewNetwork(archCases[2].arch, 1) // recurrent: R decays too
	before := fn.Clone()
	a := DefaultAdam(1e-2)
	a.WeightDecay = 0.5
	a.M, a.V = newGrads(fn), newGrads(fn)
	p := &grads{W: make([][]float64, len(fn.Layers)), R: make([][]float64, len(fn.Layers))}
	for li := range fn.Layers {
		p.W[li], p.R[li] = fn.Layers[li].W, fn.Layers[li].R
	}
	a.update(p, newGrads(fn))
	for li := range fn.Layers {
		for _, m := range [][2][]float64{{before.Layers[li].W, fn.Layers[li].W}, {before.Layers[li].R, fn.Layers[li].R}} {
			for k := range m[0] {
				if want := m[0][k] * (1 - 1e-2*0.5); m[1][k] != want {
					t.Fatalf("layer %d weight %d: %v after decay, want %v", li, k, m[1][k], want)
				}
			}
		}
	}
	if fn.Layers[0].R == nil {
		t.Fatal("the test network has no recurrent weights")
	}
	for _, cfg := range []Config{{WeightDecay: -1}, {LR: 0.1, WeightDecay: 10}, {Augment: Augment{Shift: 1}}, {Augment: Augment{Shift: 1, Width: 5}}, {Augment: Augment{Shift: 9, Width: 4}}} {
		if _, err := NewTrainer(fn, cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}
