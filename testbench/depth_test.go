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

// maxLinkLUTs bounds the LUT levels in front of any flip-flop of the host link on the iCE40.
// On the UP5K the link sits beside the core at 91 % of the logic cells, where one routing hop
// costs about 3 ns: a path through 4 LUTs took 20-22 ns against the 19.9 ns of 50.25 MHz
// (docs/bitstreams.md, "Figures"), one through 3 about 16.
const maxLinkLUTs = 3

// TestLinkLUTDepth synthesizes the host link (rtl/link with the iCE40 top's parameters, beside
// the stand-in core of rtl/link/fmax) and fails on any flip-flop input behind more than
// maxLinkLUTs LUT levels: a check of the 50 MHz UP5K build's paths in seconds.
func TestLinkLUTDepth(t *testing.T) {
	if testing.Short() {
		t.Skip("yosys")
	}
	files, err := filepath.Glob(filepath.Join(Root(), "rtl", "link", "*.v"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rtl/link/*.v under %s", Root())
	}
	files = append(files, filepath.Join(Root(), "rtl", "link", "fmax", "link_fmax_top.v"))
	eps, err := LUTDepth(synthICE40(t, "link_fmax_top", files...), maxLinkLUTs+1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		if !strings.HasPrefix(e.Reg, "u_link.") && !strings.Contains(strings.Join(e.Chain, " "), "u_link.") {
			continue // the stand-in core's own logic
		}
		t.Errorf("%v", e)
	}
}
