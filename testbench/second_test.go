package testbench

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

type tcase struct {
	net     *sim.Network
	samples []sim.Sample
}

// cases draws nets random networks with per samples each for e (deterministic in seed).
func cases(e matrixEntry, nets, per int, seed uint64) []tcase {
	r := rand.New(rand.NewPCG(seed, 0x1CA))
	var out []tcase
	for range nets {
		n := e.draw(r)
		tc := tcase{net: n}
		for range per {
			steps := 1 + r.IntN(e.steps)
			if r.Float64() < e.intensity {
				tc.samples = append(tc.samples, simtest.IntensitySample(r, n.Inputs, steps))
			} else {
				tc.samples = append(tc.samples, simtest.SpikeSample(r, n.Inputs, steps, 0.3))
			}
		}
		out = append(out, tc)
	}
	return out
}

// runAll queues every case on p, flushes once and returns the results in order.
func runAll(t *testing.T, p *Proc, c Config, cs []tcase) [][]*RunResult {
	t.Helper()
	res := make([][]*RunResult, len(cs))
	for i, tc := range cs {
		core, err := Load(p, c, tc.net)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.samples {
			res[i] = append(res[i], core.Queue(s))
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return res
}

func checkAgainstSim(t *testing.T, what string, cs []tcase, res [][]*RunResult, seed uint64) {
	t.Helper()
	for i, tc := range cs {
		for k, s := range tc.samples {
			want, err := sim.Run(tc.net, s, sim.Options{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := Compare(tc.net, want.Trace, res[i][k]); err != nil {
				t.Fatalf("%s: network %d sample %d (seed %#x): %v", what, i, k, seed, err)
			}
		}
	}
}

// packedLayers counts the layers of the cases that use both halves of a packed weight word.
func packedLayers(cs []tcase, lanes int) int {
	k := 0
	for _, tc := range cs {
		for _, l := range tc.net.Layers {
			if l.WeightBits <= 4 && l.Size > lanes {
				k++
			}
		}
	}
	return k
}

var secondEntry = matrixEntry{
	cfg:       Config{Name: "second-l2", Lanes: 2, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 6, LayerAW: 5, InAW: 5, WmemAW: 10},
	intensity: 0.3, steps: 8,
	shape: func(r *rand.Rand) simtest.Shape {
		return simtest.Shape{Inputs: 1 + r.IntN(12), Hidden: []int{1 + r.IntN(12)}, Outputs: 1 + r.IntN(5),
			Readout: r.IntN(2) == 0, StateBits: pickState(r, 16), Recurrent: 0}
	},
}

// TestIcarusSameVectors runs the same command stream on Icarus and on Verilator: both must
// match sim, and each other clock for clock.
func TestIcarusSameVectors(t *testing.T) {
	seed := baseSeed() + 17
	cs := cases(secondEntry, 6, 3, seed)
	if packedLayers(cs, secondEntry.cfg.Lanes) == 0 {
		t.Fatalf("no case has a packed layer (B <= 4 and more than %d neurons): the packing path would go untested", secondEntry.cfg.Lanes)
	}
	ip := startIcarus(t, secondEntry.cfg, false)
	ires := runAll(t, ip, secondEntry.cfg, cs)
	checkAgainstSim(t, "icarus", cs, ires, seed)

	vp := startVerilator(t, secondEntry.cfg)
	vres := runAll(t, vp, secondEntry.cfg, cs)
	for i := range cs {
		for k := range cs[i].samples {
			if !reflect.DeepEqual(ires[i][k], vres[i][k]) {
				t.Fatalf("network %d sample %d: Icarus and Verilator differ (clocks %d vs %d)", i, k, ires[i][k].TotalClocks, vres[i][k].TotalClocks)
			}
		}
	}
}

// netlistSPRAM is the UP5K's structure at small sizes: 8 lanes, weights in the four
// SB_SPRAM256KA, packed and unpacked layers of more than 8 neurons.
var netlistSPRAM = matrixEntry{
	cfg:       Config{Name: "netlist-spram", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 7, LayerAW: 6, InAW: 6, WmemAW: 14, SPRAM: true, DecayMAC: true},
	intensity: 0.3, steps: 4,
	shape: func(r *rand.Rand) simtest.Shape {
		return simtest.Shape{Inputs: 1 + r.IntN(16), Hidden: []int{9 + r.IntN(16)}, Outputs: 1 + r.IntN(10),
			Readout: r.IntN(2) == 0, StateBits: pickState(r, 16), WeightBits: []int{2, 4, 8}[r.IntN(3)], Recurrent: 0}
	},
}

// TestNetlistSameVectors simulates the Yosys synth_ice40 netlist of the core (with the Yosys
// iCE40 cell models and the SPRAM model) on a subset of the vectors, for two configurations:
// 2 lanes with block RAM weights, and the UP5K's 8 lanes with SPRAM weights.
func TestNetlistSameVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("post-synthesis simulation is slow; skipped with -short")
	}
	for i, e := range []matrixEntry{secondEntry, netlistSPRAM} {
		t.Run(e.cfg.Name, func(t *testing.T) {
			seed := baseSeed() + 23 + uint64(i)
			samples := 2
			if e.cfg.SPRAM { // the 8-lane netlist simulates several times slower
				samples = 1
			}
			cs := cases(e, 3, samples, seed)
			if e.cfg.SPRAM && packedLayers(cs, e.cfg.Lanes) == 0 {
				t.Fatalf("no case has a packed layer wider than %d lanes", e.cfg.Lanes)
			}
			p := startIcarus(t, e.cfg, true)
			res := runAll(t, p, e.cfg, cs)
			checkAgainstSim(t, "netlist", cs, res, seed)
		})
	}
}
