package data

import (
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// Set is a labelled data set split into training, validation and test samples.
type Set struct {
	Name    string
	Inputs  int
	Classes int
	Steps   int // steps per sample
	// Width is the image width in pixels when the samples are images carried as intensities
	// (rows of Width inputs, for shift augmentation); 0 otherwise.
	Width int
	Train []sim.Sample
	Val   []sim.Sample
	Test  []sim.Sample
}

// Check verifies the invariants of a Set: every sample well formed, every label in range.
func (s *Set) Check() error {
	for name, part := range map[string][]sim.Sample{"train": s.Train, "val": s.Val, "test": s.Test} {
		for i := range part {
			if err := part[i].Check(s.Inputs); err != nil {
				return fmt.Errorf("data: %s: %s sample %d: %w", s.Name, name, i, err)
			}
			if l := part[i].Label; l < 0 || l >= s.Classes {
				return fmt.Errorf("data: %s: %s sample %d: label %d is outside 0..%d", s.Name, name, i, l, s.Classes-1)
			}
		}
	}
	return nil
}

// Limit shortens each split to at most n samples (n <= 0 leaves it), for quick runs.
func (s *Set) Limit(train, val, test int) {
	cut := func(v []sim.Sample, n int) []sim.Sample {
		if n > 0 && len(v) > n {
			return v[:n]
		}
		return v
	}
	s.Train, s.Val, s.Test = cut(s.Train, train), cut(s.Val, val), cut(s.Test, test)
}
