package testbench

import (
	"testing"

	"github.com/lifkit/lifkit/sim"
)

// TestClockFormula checks StepClocks (the formula of docs/rtl.md) against the clocks the
// Verilator model takes, step by step, on random cases of several configurations.
func TestClockFormula(t *testing.T) {
	for _, idx := range []int{0, 2, 3, 6, 12} { // 12: packed recurrent layers, 16 lanes
		e := matrix()[idx]
		t.Run(e.String(), func(t *testing.T) {
			cs := cases(e, 8, 3, baseSeed()+uint64(idx))
			p := startVerilator(t, e.cfg)
			res := runAll(t, p, e.cfg, cs)
			bad := 0
			for i, tc := range cs {
				for k, s := range tc.samples {
					want, _ := sim.Run(tc.net, s, sim.Options{Trace: true})
					evs := TraceEvents(tc.net, want.Trace)
					for st, sr := range res[i][k].Steps {
						f := StepClocks(e.cfg, tc.net, len(want.Trace.Input[st]), s.Intensity != nil, st == 0, evs[st])
						if f != sr.Clocks {
							bad++
							if bad <= 5 {
								t.Errorf("network %d sample %d step %d: measured %d clocks, formula %d (events %v, sizes %v)",
									i, k, st, sr.Clocks, f, evs[st], sizes(tc.net))
							}
						}
					}
				}
			}
		})
	}
}

func sizes(n *sim.Network) []int {
	out := []int{n.Inputs}
	for _, l := range n.Layers {
		out = append(out, l.Size)
	}
	return out
}
