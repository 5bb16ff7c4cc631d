package testbench

import "testing"

// startVerilator builds the Verilator harness of c (cached) and starts it with args; the
// process is killed when the test ends.
func startVerilator(tb testing.TB, c Config, args ...string) *Proc {
	tb.Helper()
	exe, err := Build(c, BuildOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Start(exe, args...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Kill)
	return p
}

// startIcarus builds the Icarus model of c (the Yosys synth_ice40 netlist with netlist) and
// returns a harness that runs each batch in vvp.
func startIcarus(tb testing.TB, c Config, netlist bool) *Proc {
	tb.Helper()
	vvp, err := BuildIcarus(c, netlist)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := StartIcarus(vvp)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
