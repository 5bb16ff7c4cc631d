// Package sim is the bit-exact Go model of the lifkit hardware: the one executable definition
// of the integer LIF semantics written in docs/semantics.md.
//
// A Network is a stack of dense layers of current-based leaky integrate-and-fire neurons
// (optionally recurrent) ending in either a spiking layer or a non-spiking leaky readout. A
// Machine runs one sample step by step; Run and RunBatch run whole samples. The work per step
// is proportional to the spikes that arrive (each spike adds one weight row into 32-bit
// accumulators) plus one pass per neuron for decay, spike and reset.
//
// Every function that implements a rule names it as [S-n], the rule number in
// docs/semantics.md. The RTL in rtl/ mirrors the same rules (rtl/lif_neuron_update.v for
// S-7 .. S-11, rtl/lfsr_encoder.v for S-13).
//
// # Invariants
//
// A Network that passed Validate never overflows an accumulator (rule S-5), so no run can
// panic or allocate more than its trace needs. Two Machines given the same Network and the
// same inputs produce identical traces; results never depend on GOMAXPROCS or on the order of
// spike events within a step.
//
// The float model (FloatNetwork) follows the same structure and order over float64 (rule
// S-19); it is what training differentiates, never an oracle for bit-exactness.
package sim
