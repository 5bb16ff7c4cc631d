package sim

import "fmt"

// Sample is one input to a network: either spike events (rule S-14) or 8-bit intensities for
// the on-chip encoder (rule S-13), for Steps steps.
type Sample struct {
	Steps int
	// Spikes[t] lists the inputs that spike at step t (no duplicates, any order). len(Spikes)
	// may be less than Steps; later steps have no spikes. Nil when Intensity is used.
	Spikes [][]int
	// Intensity holds one byte per input, encoded every step by the LFSR. Nil when Spikes is
	// used.
	Intensity []uint8
	// Label is the true class, or -1 when unknown. Sim does not read it.
	Label int
}

// MaxSteps bounds a sample's length, so a malformed file cannot make a trace allocate without
// limit.
const MaxSteps = 1 << 20

// Check reports whether s is a well-formed input for a network with n inputs.
func (s *Sample) Check(n int) error {
	if s.Steps < 1 || s.Steps > MaxSteps {
		return fmt.Errorf("steps must be in 1..%d, got %d", MaxSteps, s.Steps)
	}
	if s.Intensity != nil {
		if s.Spikes != nil {
			return fmt.Errorf("a sample gives either spikes or intensity, not both")
		}
		if len(s.Intensity) != n {
			return fmt.Errorf("intensity has %d values, the network has %d inputs", len(s.Intensity), n)
		}
		return nil
	}
	if len(s.Spikes) > s.Steps {
		return fmt.Errorf("spikes lists %d steps, more than steps = %d", len(s.Spikes), s.Steps)
	}
	seen := make(map[int]int)
	for t, ev := range s.Spikes {
		clear(seen)
		for _, j := range ev {
			if j < 0 || j >= n {
				return fmt.Errorf("spikes[%d]: input %d is outside 0..%d", t, j, n-1)
			}
			if seen[j] > 0 {
				return fmt.Errorf("spikes[%d]: input %d listed twice", t, j)
			}
			seen[j]++
		}
	}
	return nil
}
