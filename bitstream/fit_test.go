package bitstream

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream/board"
)

func mustBoard(t *testing.T, name string) *board.Board {
	t.Helper()
	b, err := board.Builtin().Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustShape(t *testing.T, spec string) Shape {
	t.Helper()
	s, err := ParseShape(spec, 8, 16)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFitTable(t *testing.T) {
	for _, b := range board.Builtin().All() {
		for _, spec := range []string{"784-128-10", "784-512-10", "784-20-10"} {
			p, err := Fit(b, mustShape(t, spec))
			t.Logf("%-15s %-12s %v | %s", b.Name, spec, err, p.Describe())
		}
	}
}

// TestMisfitSuggestionFits checks the suggestion of every misfit against Fit itself: the
// suggested network fits and one neuron more does not.
func TestMisfitSuggestionFits(t *testing.T) {
	for _, b := range board.Builtin().All() {
		for _, spec := range []string{"784-4096-10", "784-600-10", "784-300-10", "4096-64-64-10", "65536-10"} {
			_, err := Fit(b, mustShape(t, spec))
			var me *MisfitError
			if !errors.As(err, &me) {
				if err != nil {
					t.Fatalf("%s %s: %v", b.Name, spec, err)
				}
				continue
			}
			if me.Largest == "" {
				continue
			}
			sizes := strings.Fields(me.Largest)[0]
			fit, err := Fit(b, mustShape(t, sizes))
			if err != nil {
				t.Errorf("%s %s: suggested %s does not fit: %v", b.Name, spec, sizes, err)
				continue
			}
			// One more in the grown layer must not fit.
			orig, sugg := mustShape(t, spec), mustShape(t, sizes)
			bigger := sugg
			bigger.Layers = append([]LayerShape(nil), sugg.Layers...)
			if sugg.Inputs != orig.Inputs {
				bigger.Inputs++
			} else {
				for i := range sugg.Layers {
					if sugg.Layers[i].Size != orig.Layers[i].Size {
						bigger.Layers[i].Size++
					}
				}
			}
			if _, err := Fit(b, bigger); err == nil {
				t.Errorf("%s %s: suggested %s (%s) but %s fits too", b.Name, spec, sizes, fit.Describe(), bigger)
			}
		}
	}
}

func TestFitIcebreaker(t *testing.T) {
	b := mustBoard(t, "icebreaker")
	p, err := Fit(b, mustShape(t, "784-128-10"))
	if err != nil {
		t.Fatalf("784-128-10 must fit the iCEBreaker: %v", err)
	}
	if !p.Core.WmemSPRAM || p.Core.Lanes != 8 || p.Core.WmemAW != 14 {
		t.Errorf("core = %+v, want SPRAM weights, 8 lanes, WMEM_AW 14", p.Core)
	}
	_, err = Fit(b, mustShape(t, "784-200-10"))
	var me *MisfitError
	if !errors.As(err, &me) {
		t.Fatalf("784-200-10 err = %v, want *MisfitError", err)
	}
	if !strings.Contains(err.Error(), "784-128-10") {
		t.Errorf("misfit does not say what fits: %v", err)
	}
}
