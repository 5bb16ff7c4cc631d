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

// TestFitIcebreaker: the UP5K's four SPRAMs hold 784-128-10 at 8 bits and, with weights
// packed two per byte, 784-256-10 at 4 bits (12,800 words); what does not fit says what does.
func TestFitIcebreaker(t *testing.T) {
	b := mustBoard(t, "icebreaker")
	for _, tc := range []struct {
		spec  string
		bits  int
		words int    // weight words of the layout; 0 = the network must not fit
		hint  string // misfit: the message names this network
	}{
		{"784-128-10", 8, 784*16 + 128*2, ""},
		{"784-256-10", 4, 784*16 + 256*1, ""},
		{"784-128-10", 4, 784*8 + 128*1, ""},
		{"784-128-10", 2, 784*8 + 128*1, ""},
		{"784-200-10", 8, 0, "784-128-10 (8-bit weights)"},
		{"784-256-10", 8, 0, "784-256-10 (4-bit weights)"},
		{"784-300-10", 4, 0, "784-256-10 (4-bit weights)"},
	} {
		s, err := ParseShape(tc.spec, tc.bits, 16)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Fit(b, s)
		if tc.words == 0 {
			var me *MisfitError
			if !errors.As(err, &me) {
				t.Errorf("%s: err = %v, want *MisfitError", s, err)
			} else if !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("%s: misfit does not say that %s fits: %v", s, tc.hint, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s must fit the iCEBreaker: %v", s, err)
			continue
		}
		if !p.Core.WmemSPRAM || p.Core.Lanes != 8 || p.Core.WmemAW != 14 || p.WeightMemory != "SPRAM" {
			t.Errorf("%s: core = %+v in %s, want SPRAM weights, 8 lanes, WMEM_AW 14", s, p.Core, p.WeightMemory)
		}
		if p.WeightWords != tc.words {
			t.Errorf("%s: %d weight words, want %d", s, p.WeightWords, tc.words)
		}
	}
}

// TestFitLanes: a lane count given by the user is kept (the UP5K's SPRAM rearranged to its
// word width), and one the device's core cannot take is refused with the ones it can.
func TestFitLanes(t *testing.T) {
	s, err := ParseShape("784-128-10", 8, 16)
	if err != nil {
		t.Fatal(err)
	}
	ib := mustBoard(t, "icebreaker")
	for _, lanes := range []int{8, 4, 2} {
		p, err := FitLanes(ib, s, lanes)
		if err != nil {
			t.Fatalf("lanes %d: %v", lanes, err)
		}
		if p.Core.Lanes != lanes || !p.Core.WmemSPRAM || p.CapacityWords*p.WordBits != 4*262144 || p.WeightWords != WeightWords(s, lanes) {
			t.Errorf("lanes %d: %s (core %+v)", lanes, p.Describe(), p.Core)
		}
	}
	for _, lanes := range []int{16, 1, 3} {
		_, err := FitLanes(ib, s, lanes)
		var le *LanesError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "it takes 8, 4, 2") {
			t.Errorf("lanes %d: err = %v, want a *LanesError naming 8, 4, 2", lanes, err)
		}
	}
	p, err := FitLanes(mustBoard(t, "ulx3s-85f"), s, 4)
	if err != nil || p.Core.Lanes != 4 || p.Core.WmemSPRAM {
		t.Errorf("ulx3s-85f, 4 lanes: %v, %s", err, p.Describe())
	}
}
