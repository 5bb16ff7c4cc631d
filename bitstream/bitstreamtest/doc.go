// Package bitstreamtest provides a fake bitstream.Runner that plays yosys, nextpnr and the
// packers without running them, so the flow's logic (fit refusal, progress, reports, timing
// and preamble checks, caching, tool failures) is tested in milliseconds.
//
// # Invariants
//
// The fake only writes the files the real tool would write, with the names the flow passed on
// the command line, into the directory it was given; it records every call in order.
package bitstreamtest
