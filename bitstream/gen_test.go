package bitstream

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGeneratedGolden pins the generated top level and constraints for one board of each
// PLL kind (refresh with go test ./bitstream -run Golden -update).
func TestGeneratedGolden(t *testing.T) {
	cases := []struct {
		board string
		mhz   float64
		cons  string
	}{
		{"icebreaker", 50, "pcf"}, // SB_PLL40_PAD
		{"upduino3", 48, "pcf"},   // SB_PLL40_CORE
		{"ulx3s-85f", 100, "lpf"}, // EHXPLLL
		{"icesugar", 12, "pcf"},   // no PLL
	}
	for _, tc := range cases {
		b := mustBoard(t, tc.board)
		clk, err := PlanClock(b, tc.mhz)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			tc.board + ".v":          Wrapper(b, clk, "lifkit_placeholder_top", "led_o", map[string]string{"CLK_HZ": "50250000", "LEDS": "2"}),
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
