// Package coremap is lif_core's memory layout as a host sees it (docs/rtl.md): the host-port
// address map (regions, global registers, layer parameters, neuron state fields), a core
// configuration (its Verilog parameters), the check that a network fits a configuration, and
// the memory image of a network (every host-port write that loads it).
//
// It is neutral ground between the RTL verification (testbench, which re-exports it) and the
// host driver (hostdrv, which lays networks out for a core-port board it talks to over the
// link); it imports only sim.
//
// # Invariants
//
// NewLayout never places two rows in the same weight word; rows start at a power-of-two stride
// so the core needs no multiplier. A layer is packed (two weights per byte, CFG[3]) exactly
// when its weight bits are at most PackedMaxBits; Plan, RowWords, CfgWord and NewLayout agree
// on it, and bitstream.WeightWords counts rows with RowShift. Fits refuses, with a *FitError naming the limit, every
// network whose layers, inputs, neurons, state widths, accumulator range or weight words exceed
// the configuration; a network that passes Fits has a layout within 2^WmemAW words. Validate
// refuses exactly the parameter sets lif_core refuses at elaboration.
package coremap
