package testbench

import (
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim/simtest"
)

// spramBanks are the UP5K's other SPRAM arrangements (rtl/core/lif_wmem_spram.v): 4 lanes in
// two banks of 16K x 32 and 2 lanes in four banks of 16K x 16. 784-128-10 at 8-bit weights
// takes 25,472 and 50,944 words, so its rows reach every bank.
var spramBanks = []matrixEntry{
	{cfg: Config{Name: "up5k-l4", Lanes: 4, SMax: 16, AccW: 20, LayersMax: 2, NeurAW: 8, LayerAW: 7, InAW: 10, WmemAW: 15, SPRAM: true, DecayMAC: true},
		fixed: 4, intensity: 0.5, steps: 6, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, Readout: r.IntN(2) == 0, WeightBits: 8, StateBits: 16, Recurrent: -1}
		}},
	{cfg: Config{Name: "up5k-l2", Lanes: 2, SMax: 16, AccW: 20, LayersMax: 2, NeurAW: 8, LayerAW: 7, InAW: 10, WmemAW: 16, SPRAM: true, DecayMAC: true},
		fixed: 3, intensity: 0.5, steps: 4, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, Readout: r.IntN(2) == 0, WeightBits: 8, StateBits: 16, Recurrent: -1}
		}},
}

// TestSPRAMBanks runs 784-128-10 networks against sim on the banked SPRAM weight memories.
// The networks must reach the last bank, or the bank select would go untested.
func TestSPRAMBanks(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for i, e := range spramBanks {
		t.Run(e.String(), func(t *testing.T) {
			n := e.draw(rand.New(rand.NewPCG(1, 2)))
			_, words := coremap.Plan(e.cfg, n)
			if banks := 1 << (e.cfg.WmemAW - 14); (words-1)>>14 != banks-1 {
				t.Fatalf("the network takes %d weight words: it does not reach bank %d", words, banks-1)
			}
			seed := baseSeed() + uint64(i)*0x51A3
			if err := runMatrixEntry(t, e, e.fixed, seed, nil); err != nil {
				t.Fatalf("%v\nreproduce: go test ./testbench -run 'TestSPRAMBanks/%s' -seed %#x", err, e, baseSeed())
			}
		})
	}
}

// TestSPRAMBankMutationCaught: with the bank picked by the current address instead of the
// previous clock's (LIF_MUT_BANK), the 4-lane core's answers differ from sim.
func TestSPRAMBankMutationCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	e := spramBanks[0]
	err := runMatrixEntry(t, e, e.fixed, baseSeed(), []string{"LIF_MUT_BANK"})
	if err == nil {
		t.Fatalf("LIF_MUT_BANK was not caught by %d cases", e.fixed)
	}
	t.Logf("caught LIF_MUT_BANK: %v", err)
}
