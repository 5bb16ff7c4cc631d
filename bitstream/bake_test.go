package bitstream

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
	"github.com/lifkit/lifkit/testbench"
)

// bakedHarness builds the Verilator harness of lif_core with n baked in (WMEM_INIT, PRM_INIT
// and the register reset values) and starts it. The host writes nothing before the runs.
func bakedHarness(t *testing.T, c Core, img *Image) *testbench.Proc {
	t.Helper()
	// Images live under the harness cache by content, so a rerun reuses the compiled harness.
	sum := sha256.Sum256(append(append([]byte(nil), img.Weights...), img.Params...))
	dir := filepath.Join(testbench.BuildDir(), "bake", hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	wf, pf := filepath.Join(dir, "weights.hex"), filepath.Join(dir, "params.hex")
	if err := os.WriteFile(wf, img.Weights, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pf, img.Params, 0o644); err != nil {
		t.Fatal(err)
	}
	tc := testbench.Config{Name: "baked", Lanes: c.Lanes, SMax: c.SMax, AccW: c.AccW, LayersMax: c.LayersMax,
		NeurAW: c.NeurAW, LayerAW: c.LayerAW, InAW: c.InAW, WmemAW: c.WmemAW}
	exe, err := testbench.Build(tc, testbench.BuildOptions{
		Params: []string{
			fmt.Sprintf("WMEM_INIT=%q", wf), fmt.Sprintf("PRM_INIT=%q", pf),
			fmt.Sprintf("NLAYERS_INIT=%d", img.NumLayers), fmt.Sprintf("NINPUTS_INIT=%d", img.NumInputs),
			fmt.Sprintf("SEED_INIT=%d", img.Seed),
		},
		Inputs: []string{wf, pf},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := testbench.Start(exe)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

func requireVerilator(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("verilator"); err != nil && os.Getenv("VERILATOR") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("verilator is not installed: run make setup")
		}
		t.Skip("verilator not installed (make setup installs it)")
	}
}

// TestBakedCoreMatchesSim runs random networks baked into lif_core's memories, with no host
// write at all, and compares every neuron's state after every step with sim. A wrong word,
// parameter or register in the image shows as a mismatch.
func TestBakedCoreMatchesSim(t *testing.T) {
	requireVerilator(t)
	r := rand.New(rand.NewPCG(7, 77))
	d, _ := board.LookupDevice("hx8k")
	shapes := []simtest.Shape{
		{Hidden: []int{1 + r.IntN(40)}, Readout: true, WeightBits: 8, Recurrent: -1},
		{Hidden: []int{1 + r.IntN(20), 1 + r.IntN(12)}, Readout: true, WeightBits: 4, Recurrent: 1},
		{Hidden: []int{1 + r.IntN(30)}, WeightBits: 2, Recurrent: 0, Reset: sim.ResetSubtract},
	}
	for i, sh := range shapes {
		n := simtest.Network(r, sh)
		s := ShapeOf(n)
		lanes := []int{8, 2, 4}[i]
		c := SizeCore(d, s, lanes)
		t.Run(fmt.Sprintf("%s-lanes%d", strings.ReplaceAll(s.String(), " ", ""), lanes), func(t *testing.T) {
			img, err := Bake(c, n)
			if err != nil {
				t.Fatal(err)
			}
			p := bakedHarness(t, c, img)
			core := &testbench.Core{Net: n, P: p}
			var samples []sim.Sample
			var res []*testbench.RunResult
			for k := 0; k < 6; k++ {
				var smp sim.Sample
				if k%2 == 0 {
					smp = simtest.IntensitySample(r, n.Inputs, 1+r.IntN(10))
				} else {
					smp = simtest.SpikeSample(r, n.Inputs, 1+r.IntN(10), 0.3)
				}
				samples = append(samples, smp)
				res = append(res, core.Queue(smp))
			}
			if err := p.Flush(); err != nil {
				t.Fatal(err)
			}
			for k, smp := range samples {
				want, err := sim.Run(n, smp, sim.Options{Trace: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := testbench.Compare(n, want.Trace, res[k]); err != nil {
					t.Fatalf("sample %d: %v", k, err)
				}
			}
		})
	}
}

// TestBakeCatchesAWrongImage: the same check fails when one weight word of the image is
// damaged, so the test above can fail.
func TestBakeCatchesAWrongImage(t *testing.T) {
	requireVerilator(t)
	r := rand.New(rand.NewPCG(8, 88))
	d, _ := board.LookupDevice("hx8k")
	n := simtest.Network(r, simtest.Shape{Hidden: []int{16}, Readout: true, WeightBits: 8, Recurrent: -1})
	c := SizeCore(d, ShapeOf(n), 8)
	img, err := Bake(c, n)
	if err != nil {
		t.Fatal(err)
	}
	// Set every weight of the first row's first word to 0x7f.
	img.Weights = append([]byte("7f7f7f7f7f7f7f7f"), img.Weights[16:]...)
	p := bakedHarness(t, c, img)
	core := &testbench.Core{Net: n, P: p}
	smp := sim.Sample{Steps: 3, Spikes: [][]int{{0}, {0}, {0}}}
	res := core.Queue(smp)
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	want, err := sim.Run(n, smp, sim.Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	var mm *testbench.MismatchError
	if err := testbench.Compare(n, want.Trace, res); !errors.As(err, &mm) {
		t.Fatalf("a damaged weight word went unnoticed: %v", err)
	}
}

func TestBakeRefusesSPRAM(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 99))
	n := simtest.Network(r, simtest.Shape{Hidden: []int{16}, Readout: true})
	d, _ := board.LookupDevice("up5k")
	c := SizeCore(d, ShapeOf(n), 8)
	var be *BakeError
	if _, err := Bake(c, n); !errors.As(err, &be) || !strings.Contains(err.Error(), "SPRAM") {
		t.Fatalf("Bake on an SPRAM core: %v, want a BakeError naming SPRAM", err)
	}
}
