// Package linktest holds fakes for the host link: an in-memory Pipe whose two ends implement
// hostdrv.Transport, with seeded line noise (dropped, flipped and inserted bytes) per direction,
// and Device, a pure-Go reference implementation of the device side of docs/protocol.md that
// computes with sim.Machine. Together they let the hostdrv client be tested completely without
// RTL; the co-simulation (testbench/cosim) then holds the RTL to the same answers.
//
// # Invariants
//
// A Device answers every intact frame whose sequence number is the expected one exactly once,
// re-sends the cached answer for any of the last Window sequence numbers, and answers anything
// else with NAK naming the sequence number it expects; it never blocks on bad input. Its RUN
// results equal sim.Run on the same network and sample (Clocks aside, which it reports as 0).
// Link.Close returns only after the device goroutine has ended.
package linktest
