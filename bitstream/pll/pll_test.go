package pll

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Goldens recorded from icepll (icestorm) and ecppll (prjtrellis, via yowasp-ecppll).
func TestGoldens(t *testing.T) {
	ice := []struct {
		fin, fout              float64
		divr, divf, divq, filt int
	}{
		{12, 50, 0, 66, 4, 1},
		{12, 96, 0, 63, 3, 1},
		{48, 100, 2, 49, 3, 1},
		{48, 150, 1, 24, 2, 2},
	}
	for _, c := range ice {
		p, err := ForICE40(c.fin, c.fout)
		if err != nil {
			t.Fatal(err)
		}
		if p.DIVR != c.divr || p.DIVF != c.divf || p.DIVQ != c.divq || p.FilterRange != c.filt {
			t.Errorf("ForICE40(%g, %g) = %+v, want DIVR %d DIVF %d DIVQ %d FILTER %d", c.fin, c.fout, p, c.divr, c.divf, c.divq, c.filt)
		}
	}
	ecp := []struct {
		fin, fout         float64
		idiv, fb, od, cph int
	}{
		{25, 100, 1, 4, 6, 2},
		{12, 16, 3, 4, 37, 18},
		{48, 73.3, 15, 23, 8, 3},
	}
	for _, c := range ecp {
		p, err := ForECP5(c.fin, c.fout)
		if err != nil {
			t.Fatal(err)
		}
		if p.CLKIDiv != c.idiv || p.CLKFBDiv != c.fb || p.CLKOPDiv != c.od || p.CLKOPCPhase != c.cph {
			t.Errorf("ForECP5(%g, %g) = %+v, want %d/%d/%d cphase %d", c.fin, c.fout, p, c.idiv, c.fb, c.od, c.cph)
		}
	}
}

func TestInvariantsSweep(t *testing.T) {
	for _, fin := range []float64{12, 25, 48, 100} {
		for fout := 16.0; fout <= 275; fout += 7.3 {
			p, err := ForICE40(fin, fout)
			if err != nil {
				t.Fatalf("ForICE40(%g, %g): %v", fin, fout, err)
			}
			got := fin / float64(p.DIVR+1) * float64(p.DIVF+1) / math.Exp2(float64(p.DIVQ))
			if math.Abs(got-p.FOut) > 1e-9 || p.FVCO < 533 || p.FVCO > 1066 || p.FPFD < 10 || p.DIVQ < 1 || p.DIVQ > 6 {
				t.Errorf("ForICE40(%g, %g) = %+v breaks the ranges", fin, fout, p)
			}
			q, err := ForECP5(fin, fout)
			if err != nil {
				t.Fatalf("ForECP5(%g, %g): %v", fin, fout, err)
			}
			got = fin / float64(q.CLKIDiv) * float64(q.CLKFBDiv)
			if math.Abs(got-q.FOut) > 1e-3 || q.FVCO < 400 || q.FVCO > 800 || math.Abs(q.FOut-fout) > fout*0.1 {
				t.Errorf("ForECP5(%g, %g) = %+v breaks the ranges or misses by more than 10%%", fin, fout, q)
			}
		}
	}
}

func TestRangeErrors(t *testing.T) {
	var re *RangeError
	if _, err := ForICE40(12, 300); !errors.As(err, &re) || re.What != "output" {
		t.Errorf("ForICE40(12, 300) err = %v", err)
	}
	if _, err := ForICE40(5, 50); !errors.As(err, &re) || re.What != "reference" {
		t.Errorf("ForICE40(5, 50) err = %v", err)
	}
	if _, err := ForECP5(25, 500); !errors.As(err, &re) {
		t.Errorf("ForECP5(25, 500) err = %v", err)
	}
}

func findTool(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		if p := filepath.Join("..", "..", ".venv", "bin", n); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func field(t *testing.T, re, out string) int {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in tool output:\n%s", re, out)
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// TestAgainstIcepll uses icepll, when installed, as the oracle over a sweep.
func TestAgainstIcepll(t *testing.T) {
	tool := findTool("icepll")
	if tool == "" {
		t.Skip("icepll not installed")
	}
	for _, fin := range []float64{12, 25, 48} {
		for _, fout := range []float64{16, 33.3, 50, 66, 75, 100, 120.5, 150, 201, 275} {
			out, err := exec.Command(tool, "-i", strconv.FormatFloat(fin, 'f', -1, 64), "-o", strconv.FormatFloat(fout, 'f', -1, 64)).CombinedOutput()
			if err != nil {
				t.Fatalf("icepll: %v\n%s", err, out)
			}
			s := string(out)
			want := [4]int{field(t, `DIVR:\s+(\d+)`, s), field(t, `DIVF:\s+(\d+)`, s), field(t, `DIVQ:\s+(\d+)`, s), field(t, `FILTER_RANGE:\s+(\d+)`, s)}
			p, err := ForICE40(fin, fout)
			if err != nil {
				t.Fatal(err)
			}
			if got := [4]int{p.DIVR, p.DIVF, p.DIVQ, p.FilterRange}; got != want {
				t.Errorf("%g -> %g MHz: got DIVR/DIVF/DIVQ/FILTER %v, icepll %v", fin, fout, got, want)
			}
		}
	}
}

// TestAgainstEcppll uses ecppll (native or YoWASP), when installed, as the oracle.
func TestAgainstEcppll(t *testing.T) {
	tool := findTool("ecppll", "yowasp-ecppll")
	if tool == "" {
		t.Skip("ecppll not installed")
	}
	for _, c := range [][2]float64{{25, 50}, {25, 133}, {48, 100}, {12, 100}, {100, 37.5}} {
		out, err := exec.Command(tool, "-i", strconv.FormatFloat(c[0], 'f', -1, 64), "-o", strconv.FormatFloat(c[1], 'f', -1, 64), "-f", os.DevNull).CombinedOutput()
		if err != nil {
			t.Fatalf("ecppll: %v\n%s", err, out)
		}
		s := string(out)
		want := [3]int{field(t, `Refclk divisor:\s+(\d+)`, s), field(t, `Feedback divisor:\s+(\d+)`, s), field(t, `clkout0 divisor:\s+(\d+)`, s)}
		p, err := ForECP5(c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		if got := [3]int{p.CLKIDiv, p.CLKFBDiv, p.CLKOPDiv}; got != want {
			t.Errorf("%g -> %g MHz: got %v, ecppll %v", c[0], c[1], got, want)
		}
	}
}
