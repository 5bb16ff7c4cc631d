package pll_test

import (
	"fmt"

	"github.com/lifkit/lifkit/bitstream/pll"
)

// The iCEBreaker's 12 MHz oscillator to the 50 MHz core target, and the ULX3S's 25 MHz to 100.
func Example() {
	i, _ := pll.ForICE40(12, 50)
	fmt.Printf("SB_PLL40: DIVR %d DIVF %d DIVQ %d FILTER_RANGE %d -> %.2f MHz\n", i.DIVR, i.DIVF, i.DIVQ, i.FilterRange, i.FOut)
	e, _ := pll.ForECP5(25, 100)
	fmt.Printf("EHXPLLL: CLKI_DIV %d CLKFB_DIV %d CLKOP_DIV %d -> %.2f MHz\n", e.CLKIDiv, e.CLKFBDiv, e.CLKOPDiv, e.FOut)
	// Output:
	// SB_PLL40: DIVR 0 DIVF 66 DIVQ 4 FILTER_RANGE 1 -> 50.25 MHz
	// EHXPLLL: CLKI_DIV 1 CLKFB_DIV 4 CLKOP_DIV 6 -> 100.00 MHz
}
