package pll

import (
	"fmt"
	"math"
)

// ICE40 is an SB_PLL40 setting in SIMPLE feedback mode:
// FOut = FIn / (DIVR+1) * (DIVF+1) / 2^DIVQ.
type ICE40 struct {
	DIVR, DIVF, DIVQ int
	FilterRange      int
	FIn, FPFD, FVCO  float64 // MHz
	FOut             float64 // MHz, achieved
}

// ECP5 is an EHXPLLL setting with CLKOP as feedback:
// FOut = FIn / CLKIDiv * CLKFBDiv, FVCO = FOut * CLKOPDiv.
type ECP5 struct {
	CLKIDiv, CLKFBDiv, CLKOPDiv int
	CLKOPCPhase                 int // coarse phase, (CLKOPDiv-1)/2 as ecppll writes it
	FIn, FPFD, FVCO             float64
	FOut                        float64
}

// RangeError reports a request outside what the PLL can do.
type RangeError struct {
	PLL, What string
	MHz       float64
	Min, Max  float64
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("pll: %s %s %g MHz is outside %g..%g MHz", e.PLL, e.What, e.MHz, e.Min, e.Max)
}

// ForICE40 returns the SB_PLL40 setting closest to fout MHz from a fin MHz reference, as
// icepll -i fin -o fout computes it.
func ForICE40(fin, fout float64) (ICE40, error) {
	if fin < 10 || fin > 133 {
		return ICE40{}, &RangeError{"SB_PLL40", "reference", fin, 10, 133}
	}
	if fout < 16 || fout > 275 {
		return ICE40{}, &RangeError{"SB_PLL40", "output", fout, 16, 275}
	}
	var best ICE40
	found := false
	for divr := 0; divr <= 15; divr++ {
		fpfd := fin / float64(divr+1)
		if fpfd < 10 || fpfd > 133 {
			continue
		}
		for divf := 0; divf <= 127; divf++ {
			fvco := fpfd * float64(divf+1)
			if fvco < 533 || fvco > 1066 {
				continue
			}
			for divq := 1; divq <= 6; divq++ {
				f := fvco * math.Exp2(-float64(divq))
				if !found || math.Abs(f-fout) < math.Abs(best.FOut-fout) {
					best = ICE40{DIVR: divr, DIVF: divf, DIVQ: divq, FIn: fin, FPFD: fpfd, FVCO: fvco, FOut: f}
					found = true
				}
			}
		}
	}
	if !found {
		return ICE40{}, fmt.Errorf("pll: no SB_PLL40 setting makes %g MHz from %g MHz", fout, fin)
	}
	best.FilterRange = filterRange(best.FPFD)
	return best, nil
}

func filterRange(fpfd float64) int {
	switch {
	case fpfd < 17:
		return 1
	case fpfd < 26:
		return 2
	case fpfd < 44:
		return 3
	case fpfd < 66:
		return 4
	case fpfd < 101:
		return 5
	default:
		return 6
	}
}

// ForECP5 returns the EHXPLLL setting closest to fout MHz from a fin MHz reference, as
// ecppll -i fin -o fout computes it (single-precision arithmetic like ecppll, ties broken
// towards a VCO near 600 MHz).
func ForECP5(fin, fout float64) (ECP5, error) {
	if fin < 8 || fin > 400 {
		return ECP5{}, &RangeError{"EHXPLLL", "reference", fin, 8, 400}
	}
	if fout < 10 || fout > 400 {
		return ECP5{}, &RangeError{"EHXPLLL", "output", fout, 10, 400}
	}
	in, out := float32(fin), float32(fout)
	errBest := float32(math.MaxFloat32)
	var best ECP5
	var bestVCO float32
	found := false
	for idiv := 1; idiv <= 128; idiv++ {
		fpfd := in / float32(idiv)
		if fpfd < 3.125 || fpfd > 400 {
			continue
		}
		for fbdiv := 1; fbdiv <= 80; fbdiv++ {
			for odiv := 1; odiv <= 128; odiv++ {
				fvco := fpfd * float32(fbdiv) * float32(odiv)
				if fvco < 400 || fvco > 800 {
					continue
				}
				f := fvco / float32(odiv)
				e := abs32(f - out)
				if e < errBest || (e == errBest && abs32(fvco-600) < abs32(bestVCO-600)) {
					errBest, bestVCO, found = e, fvco, true
					best = ECP5{CLKIDiv: idiv, CLKFBDiv: fbdiv, CLKOPDiv: odiv, CLKOPCPhase: (odiv - 1) / 2,
						FIn: fin, FPFD: float64(fpfd), FVCO: float64(fvco), FOut: float64(f)}
				}
			}
		}
	}
	if !found {
		return ECP5{}, fmt.Errorf("pll: no EHXPLLL setting makes %g MHz from %g MHz", fout, fin)
	}
	return best, nil
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
