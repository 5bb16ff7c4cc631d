package testbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// synthICE40 maps the Verilog files with Yosys synth_ice40 (flattened) and returns the JSON
// netlist's path.
func synthICE40(t *testing.T, top string, files ...string) string {
	t.Helper()
	yosys, err := tool("yosys", "YOSYS")
	if err != nil {
		t.Skip(err)
	}
	out := filepath.Join(t.TempDir(), "netlist.json")
	script := fmt.Sprintf("read_verilog %s; synth_ice40 -top %s -json %s", strings.Join(files, " "), top, out)
	if b, err := exec.Command(yosys, "-q", "-p", script).CombinedOutput(); err != nil {
		t.Fatalf("yosys: %v\n%s", err, tail(string(b), 2000))
	}
	return out
}

// TestLUTDepthCounts checks the counter on XOR trees, whose depth with 4-input LUTs is
// log4 of their width: a 64-input XOR of registers is 3 levels, a 256-input one 4.
func TestLUTDepthCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("yosys")
	}
	src := filepath.Join(t.TempDir(), "xortree.v")
	if err := os.WriteFile(src, []byte(`module xortree #(parameter integer N = 64) (input wire clk, input wire d, output reg q);
    reg [N-1:0] r;
    always @(posedge clk) begin r <= {r[N-2:0], d}; q <= ^r; end
endmodule
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ n, want int }{{64, 3}, {256, 4}} {
		wrap := filepath.Join(t.TempDir(), "top.v")
		os.WriteFile(wrap, []byte(fmt.Sprintf(`module top (input wire clk, input wire d, output wire q);
    xortree #(.N(%d)) u (.clk(clk), .d(d), .q(q));
endmodule
`, c.n)), 0o644)
		eps, err := LUTDepth(synthICE40(t, "top", src, wrap), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(eps) != 1 || eps[0].Depth != c.want || eps[0].Pin != "D" || !strings.Contains(eps[0].Reg, "q") {
			t.Fatalf("%d-input XOR: want one endpoint q D at %d LUTs, got %v", c.n, c.want, eps)
		}
		if got := len(eps[0].Chain); got != c.want+1 {
			t.Errorf("%d-input XOR: chain %v has %d nets, want a start and %d LUTs", c.n, eps[0].Chain, got, c.want)
		}
	}
}
