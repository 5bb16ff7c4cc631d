package testbench

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

var (
	flagSeed  = flag.Uint64("seed", 0, "base seed of the random cases (0: fixed default)")
	flagCases = flag.Int("cases", 0, "random (network, input) cases in total over the matrix (0: default, or LIFKIT_SOAK)")
	flagWaves = flag.String("waves", "", "write FST traces of the differential runs (one per config) next to this path")
)

// wavesFile names the FST trace for a configuration when -waves (or LIFKIT_WAVES) is set:
// the given path with the config name before the extension.
func wavesFile(cfg string) string {
	w := *flagWaves
	if w == "" {
		w = os.Getenv("LIFKIT_WAVES")
	}
	if w == "" {
		return ""
	}
	ext := filepath.Ext(w)
	return strings.TrimSuffix(w, ext) + "-" + cfg + ".fst"
}

func baseSeed() uint64 {
	if *flagSeed != 0 {
		return *flagSeed
	}
	return 0x11F_C0DE
}

// totalCases is the number of random (network, input) cases spread over the matrix.
func totalCases() int {
	if *flagCases > 0 {
		return *flagCases
	}
	if s := os.Getenv("LIFKIT_SOAK"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
		return 100000
	}
	return 2400
}

// matrixEntry is one compile-time configuration and the network shapes drawn for it.
type matrixEntry struct {
	name  string // subtest name; "" = cfg.Name (entries may share a config, and so a build)
	cfg   Config
	shape func(r *rand.Rand) simtest.Shape
	// accept, if set, filters the drawn networks (redrawn until it accepts)
	accept func(n *sim.Network) bool
	// share of the cases (weights summed over the matrix); 0 with fixed > 0: exactly fixed cases
	weight int
	fixed  int
	// intensity: fraction of samples using the on-chip encoder
	intensity float64
	steps     int
}

func pickState(r *rand.Rand, smax int) int { return 8 + r.IntN(smax-7) }

func matrix() []matrixEntry {
	small := func(lanes, smax, acc int) Config {
		return Config{Name: fmt.Sprintf("l%d-s%d", lanes, smax), Lanes: lanes, SMax: smax, AccW: acc,
			LayersMax: 4, NeurAW: 7, LayerAW: 6, InAW: 6, WmemAW: 12}
	}
	return []matrixEntry{
		{cfg: small(1, 16, 20), weight: 4, intensity: 0.3, steps: 12, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(24)}, Readout: r.IntN(2) == 0, StateBits: pickState(r, 16), Recurrent: -1}
		}},
		{cfg: small(2, 24, 24), weight: 4, intensity: 0.3, steps: 12, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(30), 1 + r.IntN(20)}, Readout: r.IntN(2) == 0, StateBits: pickState(r, 24), Recurrent: 0}
		}},
		{cfg: small(4, 12, 16), weight: 3, intensity: 0.5, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(40)}, Readout: r.IntN(2) == 0, WeightBits: []int{2, 4, 8}[r.IntN(3)], StateBits: pickState(r, 12), Recurrent: 1, Reset: sim.ResetSubtract}
		}},
		{cfg: small(8, 16, 20), weight: 4, intensity: 0.5, steps: 12, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(40)}, Readout: r.IntN(2) == 0, WeightBits: 8, StateBits: pickState(r, 16), Recurrent: 0, Reset: sim.ResetZero}
		}},
		{cfg: small(8, 8, 16), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(30)}, WeightBits: 2 + r.IntN(3), StateBits: 8, Recurrent: 0}
		}},
		// decays in the DSP form (DECAY_MAC) at S = 24, every hidden neuron refractory after a spike
		{cfg: Config{Name: "l4-s24-4layer", Lanes: 4, SMax: 24, AccW: 32, LayersMax: 4, NeurAW: 7, LayerAW: 5, InAW: 5, WmemAW: 12, DecayMAC: true},
			weight: 2, intensity: 0, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
				return simtest.Shape{Hidden: []int{1 + r.IntN(20), 1 + r.IntN(20), 1 + r.IntN(20)}, Readout: r.IntN(2) == 0, WeightBits: 2, StateBits: pickState(r, 24), Recurrent: 1, Refractory: 1 + r.IntN(15)}
			}},
		// UP5K-sized: 784-128-10, 8 lanes, weights in the four SB_SPRAM256KA (behavioural model),
		// decays in the SB_MAC16 form as the iCEBreaker build has them.
		{cfg: Config{Name: "up5k", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 8, LayerAW: 7, InAW: 10, WmemAW: 14, SPRAM: true, DecayMAC: true},
			weight: 1, intensity: 0.5, steps: 8, shape: func(r *rand.Rand) simtest.Shape {
				return simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, Readout: r.IntN(2) == 0, WeightBits: 8, StateBits: 16, Recurrent: -1}
			}},
		{cfg: small(16, 16, 24), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(60)}, Readout: true, WeightBits: 4, StateBits: pickState(r, 16), Recurrent: 1}
		}},
		// Packed weights (two per byte, B <= 4; docs/rtl.md "Weight layout"). These entries
		// share the builds above; layers of up to 4 packed words per row, every lane count.
		{name: "pk4-l8", cfg: small(8, 16, 20), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(60)}, Readout: r.IntN(2) == 0, WeightBits: 4, StateBits: pickState(r, 16), Recurrent: 0}
		}},
		{name: "pk4-l2", cfg: small(2, 24, 24), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(20)}, Readout: r.IntN(2) == 0, WeightBits: 4, StateBits: pickState(r, 24), Recurrent: -1, Reset: sim.ResetSubtract}
		}},
		{name: "pk2-l4", cfg: small(4, 12, 16), weight: 1, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(40)}, WeightBits: 2, StateBits: pickState(r, 12), Recurrent: 0}
		}},
		// a packed layer and an unpacked one in the same network
		{name: "pk-mix-l2", cfg: small(2, 24, 24), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(24), 1 + r.IntN(24)}, Readout: r.IntN(2) == 0, StateBits: pickState(r, 24), Recurrent: 0}
		}, accept: mixedPacking},
		// recurrent packed layers (R rows packed too), 16 lanes: 32 neurons per word
		{name: "pk-rec-l16", cfg: small(16, 16, 24), weight: 2, intensity: 0.3, steps: 10, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Hidden: []int{1 + r.IntN(60)}, WeightBits: 2 + r.IntN(3), StateBits: pickState(r, 16), Recurrent: 1}
		}},
		// UP5K-sized 784-256-10 at 4 bits: 12,800 packed words in the four SPRAMs (a few cases)
		{name: "up5k-256-pk4", cfg: up5k256, fixed: 12, intensity: 0.5, steps: 8, shape: func(r *rand.Rand) simtest.Shape {
			return simtest.Shape{Inputs: 784, Hidden: []int{256}, Outputs: 10, Readout: r.IntN(2) == 0, WeightBits: 4, StateBits: 16, Recurrent: -1}
		}},
	}
}

// up5k256 is the UP5K core sized for 784-256-10 (NEUR_AW 9, LAYER_AW 8), SPRAM weights.
var up5k256 = Config{Name: "up5k-256", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 9, LayerAW: 8, InAW: 10, WmemAW: 14, SPRAM: true, DecayMAC: true}

// mixedPacking accepts a network with both a packed (B <= 4) and an unpacked layer.
func mixedPacking(n *sim.Network) bool {
	var pk, un bool
	for _, l := range n.Layers {
		pk = pk || l.WeightBits <= 4
		un = un || l.WeightBits > 4
	}
	return pk && un
}

func (e matrixEntry) String() string {
	if e.name != "" {
		return e.name
	}
	return e.cfg.Name
}

// draw returns a random network of e that fits its configuration (and e.accept).
func (e matrixEntry) draw(r *rand.Rand) *sim.Network {
	for {
		n := simtest.Network(r, e.shape(r))
		if e.cfg.Fits(n) == nil && (e.accept == nil || e.accept(n)) {
			return n
		}
	}
}

// runMatrixEntry runs cases random (network, input) pairs on one configuration.
func runMatrixEntry(t *testing.T, e matrixEntry, cases int, seed uint64, defines []string, args ...string) error {
	t.Helper()
	opts := BuildOptions{Defines: defines}
	if w := wavesFile(e.cfg.Name); w != "" {
		opts.Trace = true
		args = append(args, "--waves", w)
		t.Logf("writing FST trace to %s", w)
	}
	exe, err := Build(e.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 0x5EED))
	p, err := Start(exe, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	done := 0
	for done < cases {
		n := e.draw(r)
		core, err := Load(p, e.cfg, n)
		if err != nil {
			t.Fatal(err)
		}
		per := min(1+r.IntN(6), cases-done)
		samples := make([]sim.Sample, per)
		res := make([]*RunResult, per)
		for k := range samples {
			steps := 1 + r.IntN(e.steps)
			if r.Float64() < e.intensity {
				samples[k] = simtest.IntensitySample(r, n.Inputs, steps)
			} else {
				samples[k] = simtest.SpikeSample(r, n.Inputs, steps, []float64{0.05, 0.2, 0.5, 1}[r.IntN(4)])
			}
			res[k] = core.Queue(samples[k])
		}
		if err := p.Flush(); err != nil {
			return err
		}
		for k, s := range samples {
			want, err := sim.Run(n, s, sim.Options{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := Compare(n, want.Trace, res[k]); err != nil {
				return fmt.Errorf("config %s (%s), seed %#x, case %d: %w", e, e.cfg.Name, seed, done+k, err)
			}
		}
		done += per
	}
	return nil
}

func TestDifferentialMatrix(t *testing.T) {
	m := matrix()
	sum := 0
	for _, e := range m {
		sum += e.weight
	}
	total := totalCases()
	for i, e := range m {
		t.Run(e.String(), func(t *testing.T) {
			cases := max(1, (total*e.weight+sum-1)/sum) // rounded up: the matrix runs at least total
			if e.weight == 0 {
				cases = e.fixed
				if *flagCases > 0 || os.Getenv("LIFKIT_SOAK") != "" {
					cases = max(cases, total/100) // soak: this entry gets about 1 % of the cases
				}
			}
			seed := baseSeed() + uint64(i)*0x9E3779B9
			if err := runMatrixEntry(t, e, cases, seed, nil); err != nil {
				t.Fatalf("%v\nreproduce: go test ./testbench -run 'TestDifferentialMatrix/%s' -seed %#x", err, e, baseSeed())
			}
			t.Logf("%d cases matched sim (seed %#x)", cases, seed)
		})
	}
}
