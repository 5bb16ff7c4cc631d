package bitstream

import (
	"context"
	"encoding/json"
	"errors"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream/toolchain"
	"github.com/lifkit/lifkit/sim/simtest"
)

// TestBakedBuildWithTools builds a small network baked into the iCEBreaker bring-up bitstream
// with the real tools and checks that the synthesized block RAMs carry the image: the 1 bits
// of every SB_RAM40_4K INIT in Yosys's netlist are exactly those of the weight and parameter
// images (the other memories start at zero). A dropped or misread $readmemh fails it.
func TestBakedBuildWithTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	root, _ := filepath.Abs("..")
	d, err := BringupDesign(root)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 33))
	n := simtest.Network(r, simtest.Shape{Inputs: 32, Hidden: []int{16}, Outputs: 4, Readout: true, WeightBits: 8, StateBits: 16, Recurrent: -1})
	b := mustBoard(t, "icebreaker")
	out := t.TempDir()
	rep, err := Build(context.Background(), Options{Board: b, Design: d, Bake: n, OutDir: out, Seed: 1, MHz: 30})
	if errors.Is(err, toolchain.ErrMissing) {
		t.Skip(err)
	}
	var te *TimingError
	if err != nil && !errors.As(err, &te) {
		t.Fatal(err)
	}
	if !rep.Baked || rep.Plan == nil || rep.Plan.Core.WmemSPRAM {
		t.Fatalf("report: baked %v, plan %+v: want a baked block-RAM core", rep.Baked, rep.Plan)
	}
	sum, _ := os.ReadFile(filepath.Join(out, b.Name+".summary.txt"))
	if !strings.Contains(string(sum), "baked into block RAM") {
		t.Errorf("summary does not say the network is baked:\n%s", sum)
	}
	img, err := Bake(rep.Plan.Core, n)
	if err != nil {
		t.Fatal(err)
	}
	want := ones(t, img.Weights) + ones(t, img.Params)
	js, err := os.ReadFile(filepath.Join(out, b.Name+".work", "design.json"))
	if err != nil {
		t.Fatal(err)
	}
	var nl struct {
		Modules map[string]struct {
			Cells map[string]struct {
				Type       string            `json:"type"`
				Parameters map[string]string `json:"parameters"`
			} `json:"cells"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(js, &nl); err != nil {
		t.Fatal(err)
	}
	got, rams := 0, 0
	for _, m := range nl.Modules {
		for _, c := range m.Cells {
			if c.Type != "SB_RAM40_4K" {
				continue
			}
			rams++
			for k, v := range c.Parameters {
				if strings.HasPrefix(k, "INIT_") {
					got += strings.Count(v, "1")
				}
			}
		}
	}
	if want == 0 || got != want {
		t.Fatalf("%d block RAMs hold %d 1 bits of initial contents, the baked image has %d", rams, got, want)
	}
	t.Logf("%d block RAMs, %d 1 bits of baked image; %s", rams, got, strings.SplitN(string(sum), "\n", 4)[2])
}

// ones counts the 1 bits of a $readmemh image.
func ones(t *testing.T, hex []byte) int {
	t.Helper()
	n := 0
	for _, c := range hex {
		switch {
		case c >= '0' && c <= '9':
			n += bits.OnesCount8(c - '0')
		case c >= 'a' && c <= 'f':
			n += bits.OnesCount8(c - 'a' + 10)
		case c == '\n':
		default:
			t.Fatalf("image byte %q", c)
		}
	}
	return n
}
