package testbench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

// TestMutationsCaught builds the core with deliberate bugs (Verilog macros LIF_MUT_*, see
// rtl/core) and asserts that the differential test catches every one: the checker can fail.
func TestMutationsCaught(t *testing.T) {
	e := matrixEntry{
		cfg:       Config{Name: "mut-l2", Lanes: 2, SMax: 16, AccW: 24, LayersMax: 4, NeurAW: 7, LayerAW: 6, InAW: 6, WmemAW: 12},
		intensity: 0.3, steps: 12,
		shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{2 + r.IntN(24)}, Readout: r.IntN(2) == 0, StateBits: pickState(r, 16), Recurrent: 1}
		},
	}
	// Sanity: the unmutated core passes the same cases.
	checkMutations(t, e, []mutation{
		{"LIF_MUT_ROUND", "negative rounding flipped (decay truncates toward zero)"},
		{"LIF_MUT_RECUR", "recurrent spikes from the wrong step"},
		{"LIF_MUT_NOSAT", "current saturation removed (wraps)"},
		{"LIF_MUT_LANE", "lane 1 accumulator address off by one"},
		{"LIF_MUT_PACK", "the two weights of a packed byte swapped (high nibble first)"},
		{"LIF_MUT_FROZEN", "a refractory neuron's membrane decays and integrates (V path not held)"},
	})
}

// mutation is a Verilog macro that plants a bug in rtl/core, and what the bug is.
type mutation struct{ define, what string }

// checkMutations asserts that e's unmutated core passes 60 random cases and that each mutation
// fails them: the differential checker can fail.
func checkMutations(t *testing.T, e matrixEntry, muts []mutation) {
	t.Helper()
	if err := runMatrixEntry(t, e, 60, baseSeed(), nil); err != nil {
		t.Fatalf("unmutated core fails: %v", err)
	}
	for _, m := range muts {
		t.Run(m.define, func(t *testing.T) {
			err := runMatrixEntry(t, e, 60, baseSeed(), []string{m.define})
			if err == nil {
				t.Fatalf("mutation %s (%s) was not caught by 60 random cases", m.define, m.what)
			}
			t.Logf("caught %s: %v", m.define, err)
		})
	}
}

// TestMutationsCaughtDecayMAC does the same for the decays in the DSP form (DECAY_MAC = 1,
// lif_decay_mac, the iCEBreaker's), whose rounding and refractory hold are their own logic.
func TestMutationsCaughtDecayMAC(t *testing.T) {
	e := matrixEntry{
		cfg:       Config{Name: "mut-mac", Lanes: 2, SMax: 16, AccW: 24, LayersMax: 4, NeurAW: 7, LayerAW: 6, InAW: 6, WmemAW: 12, DecayMAC: true},
		intensity: 0.3, steps: 12,
		shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{2 + r.IntN(24)}, Readout: r.IntN(2) == 0, StateBits: pickState(r, 16), Recurrent: 1}
		},
	}
	checkMutations(t, e, []mutation{
		{"LIF_MUT_ROUND", "floor instead of ceil in the DSP decay"},
		{"LIF_MUT_FROZEN", "a refractory neuron's membrane decays and integrates (hold not applied)"},
	})
}

// TestActivity guards against a vacuous pass: the random cases make neurons spike, saturate and
// go refractory in the RTL.
func TestActivity(t *testing.T) {
	e := matrix()[1]
	p := startVerilator(t, e.cfg)
	r := rand.New(rand.NewPCG(baseSeed(), 1))
	var spikes, refr, neg int
	for range 20 {
		n := simtest.Network(r, simtest.Shape{Hidden: []int{20}, StateBits: 16, Refractory: 3})
		core, err := Load(p, e.cfg, n)
		if err != nil {
			t.Fatal(err)
		}
		res := core.Queue(simtest.SpikeSample(r, n.Inputs, 10, 0.3))
		if err := p.Flush(); err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Steps {
			for _, u := range st.Updates {
				if u.Spike {
					spikes++
				}
				if u.R > 0 {
					refr++
				}
				if u.V < 0 {
					neg++
				}
			}
		}
	}
	if spikes == 0 || refr == 0 || neg == 0 {
		t.Fatalf("random cases are too quiet: %d spikes, %d refractory, %d negative membranes", spikes, refr, neg)
	}
	_ = sim.LIF
}

// TestRandomInitialValues runs the same cases with Verilator's random initial values
// (+verilator+rand+reset+2) under several seeds: memories and registers start as noise, and the
// results must still equal sim (run_clear and rst_i leave nothing to chance).
func TestRandomInitialValues(t *testing.T) {
	e := matrix()[2]
	// The option must really randomise: neuron memory read before any clear is not all zero.
	exe, err := Build(e.cfg, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(exe, "+verilator+rand+reset+2", "+verilator+seed+5")
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]uint32, 16)
	for i := range vals {
		p.Read(StateAddr(i, FieldV), &vals[i])
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	p.Kill()
	nonzero := 0
	for _, v := range vals {
		if v != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatalf("+verilator+rand+reset+2 left the state memory all zero: the X test would be vacuous")
	}
	for _, seed := range []int{1, 2, 3, 12345} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			if err := runMatrixEntry(t, e, 40, baseSeed()+uint64(seed), nil,
				"+verilator+rand+reset+2", fmt.Sprintf("+verilator+seed+%d", seed)); err != nil {
				t.Fatalf("with +verilator+rand+reset+2 +verilator+seed+%d: %v", seed, err)
			}
		})
	}
}

// TestConfigRegister reads the ID and CONFIG registers: the compile-time parameters and the
// packing capability (CONFIG[21]) a host checks before it loads packed layers.
func TestConfigRegister(t *testing.T) {
	e := matrix()[1]
	p := startVerilator(t, e.cfg)
	var id, cfg uint32
	p.Read(Addr(RegionGlobal, RegID), &id)
	p.Read(Addr(RegionGlobal, RegConfig), &cfg)
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	want := coremap.ConfigWord(e.cfg)
	if id != CoreID || cfg != want {
		t.Fatalf("ID %#x CONFIG %#x, want %#x and %#x", id, cfg, CoreID, want)
	}
}
