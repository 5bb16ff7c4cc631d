// Package bitstream builds lifkit bitstreams for iCE40 and ECP5 boards with the open tools:
// it sizes lif_core for a network (Fit, SizeCore), refuses before synthesis a network whose
// weights or memories do not fit the board (MisfitError, with the largest network of the same
// form that does), generates the board top level (PLL, reset, LEDs; Wrapper) and its pin
// constraints (Constraints), runs Yosys, nextpnr and the packer through a Runner, checks the
// packed file's preamble and the timing report, and writes the bitstream, a JSON Report and a
// readable summary. Builds are cached by the hash of their inputs.
//
// The board database is package board, PLL settings package pll, tool discovery package
// toolchain; bitstreamtest fakes the tools. docs/bitstreams.md has the flow and the figures.
//
// # Invariants
//
// Build runs no synthesis, place and route or packing before the fit check, the PLL and every
// tool (with its version) were resolved. Every file it leaves in OutDir is written
// atomically; a failed tool leaves no bitstream. A returned Report
// describes exactly the bitstream beside it (its SHA-256 is in the report); a cache entry whose
// bitstream does not match its report is rebuilt, never used. The same inputs (board, design
// sources, generated top and constraints, clock, seed, network shape, tool versions) give the
// same input hash. Tools only see paths relative to OutDir/NAME.work, so YoWASP builds work.
package bitstream
