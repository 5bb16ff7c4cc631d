package bitstream

import (
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/sim/simtest"
	"github.com/lifkit/lifkit/testbench"
)

// TestSizeCoreAgainstTestbench checks the sizing against the RTL engineer's own model of
// lif_core (testbench.Config and testbench.NewLayout): every configuration SizeCore makes must
// be one the RTL accepts, the network must fit it, and the weight words must be the layout's.
func TestSizeCoreAgainstTestbench(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 6))
	for _, devName := range []string{"up5k", "hx8k", "25k", "85k"} {
		d, _ := board.LookupDevice(devName)
		for i := 0; i < 60; i++ {
			sh := simtest.Shape{Recurrent: 0}
			if i%3 == 0 {
				sh.Inputs, sh.Hidden = 1+r.IntN(900), []int{1 + r.IntN(300)}
			}
			if i%5 == 0 {
				sh.Hidden = []int{1 + r.IntN(64), 1 + r.IntN(64)}
			}
			n := simtest.Network(r, sh)
			s := ShapeOf(n)
			for _, lanes := range laneChoices(d) {
				c := SizeCore(d, s, lanes)
				tc := testbench.Config{Name: "sized", Lanes: c.Lanes, SMax: c.SMax, AccW: c.AccW, LayersMax: c.LayersMax,
					NeurAW: c.NeurAW, LayerAW: c.LayerAW, InAW: c.InAW, WmemAW: c.WmemAW, SPRAM: c.WmemSPRAM, DecayMAC: c.DecayMAC}
				if err := tc.Validate(); err != nil {
					t.Fatalf("%s %s lanes %d: SizeCore made a configuration the RTL refuses: %v (%+v)", devName, s, lanes, err, c)
				}
				words := testbench.NewLayout(tc, n).Words
				if got := WeightWords(s, lanes); got != words {
					t.Fatalf("%s %s lanes %d: WeightWords %d, testbench layout %d", devName, s, lanes, got, words)
				}
				if words > 1<<c.WmemAW {
					continue // does not fit this device's weight memory: Fit refuses it
				}
				if err := tc.Fits(n); err != nil {
					t.Fatalf("%s %s lanes %d: sized core does not hold the network: %v (%+v)", devName, s, lanes, err, c)
				}
			}
		}
	}
}
