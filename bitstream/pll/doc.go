// Package pll computes PLL settings for the board clock in Go, so a build needs no icepll or
// ecppll: ICE40 follows icepll's search for SB_PLL40_PAD/SB_PLL40_CORE in SIMPLE feedback mode,
// ECP5 follows ecppll's search for one EHXPLLL output (CLKOP fed back).
//
// # Invariants
//
// A returned setting respects the PLL's documented ranges (iCE40: reference 10..133 MHz, PFD
// 10..133 MHz, VCO 533..1066 MHz, output 16..275 MHz; ECP5: reference 8..400 MHz, PFD
// 3.125..400 MHz, VCO 400..800 MHz, output 10..400 MHz) and its FOut is the frequency the
// hardware makes, which is what the timing constraint must use. Among all settings within the
// ranges it is the one closest to the request, ties broken as the reference tools break them,
// so the same request always gives the same parameters as icepll and ecppll.
package pll
