package bitstream

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCriticalPathsAgreeWithTheLog reads real nextpnr reports (testdata/nextpnr, saved from
// lifkit builds) and checks the summary against what nextpnr itself printed in its log for the
// same run: the logic and routing split, the start cell, and the fmax the path implies.
func TestCriticalPathsAgreeWithTheLog(t *testing.T) {
	files, _ := filepath.Glob("testdata/nextpnr/*.pnr.json")
	if len(files) == 0 {
		t.Fatal("no testdata/nextpnr/*.pnr.json")
	}
	split := regexp.MustCompile(`Info: ([0-9.]+) ns logic, ([0-9.]+) ns routing`)
	// nextpnr 0.11: "Info:   clk-to-q  5.83  5.83 Source CELL.PORT"; 0.4: "Info:  1.4  1.4  Source CELL.PORT"
	source := regexp.MustCompile(`Info: +(?:[a-z-]+ +)?[0-9.]+ +[0-9.]+ +Source (\S+)`)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			npr, err := readNextpnrReport(f)
			if err != nil {
				t.Fatal(err)
			}
			paths := criticalPaths(npr.CriticalPaths)
			if len(paths) != 1 {
				t.Fatalf("%d register-to-register paths, want 1 (one clock): %+v", len(paths), paths)
			}
			p := paths[0]
			logData, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".log")
			if err != nil {
				t.Fatal(err)
			}
			// The log's first section is the clock's register-to-register path.
			sec := string(logData)
			if i := strings.Index(sec, "Critical path report for cross-domain"); i > 0 {
				sec = sec[:i]
			}
			m := split.FindStringSubmatch(sec)
			if m == nil {
				t.Fatal("no logic/routing line in the log")
			}
			logic, _ := strconv.ParseFloat(m[1], 64)
			routing, _ := strconv.ParseFloat(m[2], 64)
			// The log rounds to 0.01 ns (nextpnr 0.11) or 0.1 ns (0.4).
			if math.Abs(p.LogicNs-logic) > 0.051 || math.Abs(p.RoutingNs-routing) > 0.051 {
				t.Errorf("logic %.3f routing %.3f ns, the log says %.2f and %.2f", p.LogicNs, p.RoutingNs, logic, routing)
			}
			if s := source.FindStringSubmatch(sec); s == nil || p.From != s[1] {
				t.Errorf("path starts at %q, the log's first source is %v", p.From, s)
			}
			for name, c := range npr.Fmax {
				if got := 1000 / p.Ns; math.Abs(got-c.Achieved) > 0.05*c.Achieved {
					t.Errorf("the path implies %.2f MHz, nextpnr reports %.2f MHz on %s", got, c.Achieved, name)
				}
			}
			if p.Levels == 0 || len(p.Sources) == 0 && strings.Contains(string(mustRead(t, f)), `"sources"`) {
				t.Errorf("no logic levels or no RTL sources: %+v", p)
			}
			for _, s := range p.Sources {
				if strings.Contains(s, "share/yosys") || strings.Contains(s, WrapperTop) {
					t.Errorf("tool library line %q kept", s)
				}
			}
			t.Log(p)
		})
	}
}

func TestCriticalPathsSkipIO(t *testing.T) {
	in := []nextpnrPath{{From: "<async>", To: "posedge clk"}, {From: "posedge clk", To: "<async>"}}
	if got := criticalPaths(in); len(got) != 0 {
		t.Fatalf("I/O paths kept: %+v", got)
	}
}
