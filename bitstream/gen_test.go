package bitstream

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGeneratedGolden pins the generated top level and constraints for one board of each
// PLL kind (refresh with go test ./bitstream -run Golden -update).
func TestGeneratedGolden(t *testing.T) {
	cases := []struct {
		board   string
		mhz     float64
		cons    string
		ledPort string
	}{
		{"icebreaker", 50, "pcf", "led_o"}, // SB_PLL40_PAD
		{"upduino3", 48, "pcf", "led_o"},   // SB_PLL40_CORE
		{"ulx3s-85f", 100, "lpf", "led_o"}, // EHXPLLL
		{"icesugar", 12, "pcf", "led_o"},   // no PLL
		{"ice40-hx8k", 50, "pcf", ""},      // no LED port: 8 LEDs driven by the wrapper
		{"ecp5-evn", 100, "lpf", ""},       // no LED port, active-low LEDs
		{"colorlight-i5", 100, "lpf", ""},  // no LED port, one LED
	}
	for _, tc := range cases {
		b := mustBoard(t, tc.board)
		clk, err := PlanClock(b, tc.mhz)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			tc.board + ".v":          Wrapper(b, clk, "lifkit_placeholder_top", tc.ledPort, map[string]string{"CLK_HZ": "50250000", "LEDS": "2"}),
			tc.board + "." + tc.cons: Constraints(b),
		}
		for name, got := range files {
			p := filepath.Join("testdata", "golden", name)
			if *update {
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; rerun with -update if the change is intended\n--- got:\n%s", name, got)
			}
		}
	}
}

// TestGoldenWrappersElaborate elaborates every golden top level with Yosys against the
// family's primitive library and the placeholder top (skipped without yosys).
func TestGoldenWrappersElaborate(t *testing.T) {
	yosys, err := exec.LookPath("yosys")
	if err != nil {
		t.Skip("yosys not installed")
	}
	tops, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.v"))
	place, _ := filepath.Glob(filepath.Join("testdata", "placeholder", "*.v"))
	for _, top := range tops {
		lib := "+/ice40/cells_sim.v"
		if strings.Contains(string(mustRead(t, top)), "EHXPLLL") || strings.Contains(top, "ecp5") || strings.Contains(top, "colorlight") || strings.Contains(top, "ulx3s") {
			lib = "+/ecp5/cells_bb.v"
		}
		script := fmt.Sprintf("read_verilog -lib %s; read_verilog -defer %s %s; hierarchy -check -top %s; proc", lib, strings.Join(place, " "), top, WrapperTop)
		if out, err := exec.Command(yosys, "-q", "-p", script).CombinedOutput(); err != nil {
			t.Errorf("%s does not elaborate: %v\n%s", top, err, out)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
