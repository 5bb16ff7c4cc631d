// Package testbench proves the RTL core (rtl/core, lif_core) equal to the Go model in sim.
//
// Build compiles a Verilator harness (testbench/harness/main.cpp, a plain C++ main, no cgo) for
// one Config of the core's Verilog parameters and caches it under build/ keyed by a hash of the
// sources, parameters and options. Start runs it; a Proc queues host-port writes, reads and runs
// and sends them in one batch (Flush), so the simulator is never stalled on the pipe. Load
// writes a network's memory image (NewLayout: docs/rtl.md address map and weight layout);
// Compare checks every neuron's I, V, s and r after every step against sim's trace (rule S-18).
// Verify does all of it for a network and a list of samples.
//
// # Invariants
//
// sim is the only oracle: no expected value is written by hand. A Layout never places two rows
// in the same weight word, and a network that does not fit a Config is refused with a
// *FitError before any write. The harness answers commands in order; a protocol slip is an
// error, never a silent misparse.
package testbench
