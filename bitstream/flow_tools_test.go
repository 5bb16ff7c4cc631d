package bitstream

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream/toolchain"
)

// TestBuildPlaceholderWithTools runs the real flow (yosys, nextpnr, packer) on the placeholder
// top for the boards CI builds, and for the boards whose pins need more than the defaults: the
// UPduino's tied flash chip select and the ECP5-EVN's 2.5 V LED bank (nextpnr rejects a
// constraint file that names a port the design lacks, and the reverse). It is skipped when a
// tool is missing.
func TestBuildPlaceholderWithTools(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	root, _ := filepath.Abs("..")
	d, err := PlaceholderDesign(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"icebreaker", "ulx3s-85f", "upduino3", "ecp5-evn"} {
		t.Run(name, func(t *testing.T) {
			b := mustBoard(t, name)
			out := t.TempDir()
			var events []Event
			rep, err := Build(context.Background(), Options{Board: b, Design: d, OutDir: out, Seed: 1,
				CacheDir: filepath.Join(out, "cache"), Progress: func(e Event) { events = append(events, e) }})
			if errors.Is(err, toolchain.ErrMissing) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !rep.TimingMet || rep.Preamble == "" || rep.Summary.LUT.Used == 0 || len(rep.Tools) != 3 {
				t.Errorf("report = %+v", rep)
			}
			for c, f := range rep.Fmax {
				if f.Constraint < DefaultMHz(b.Family)*0.99 {
					t.Errorf("clock %s constrained to %g MHz, want about %g", c, f.Constraint, DefaultMHz(b.Family))
				}
			}
			if len(events) != 12 {
				t.Errorf("%d progress events, want 12 (6 stages x start, end)", len(events))
			}
			ext := ".bin"
			if b.Family == "ecp5" {
				ext = ".bit"
			}
			bits, err := os.ReadFile(filepath.Join(out, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := CheckPreamble(b.Family, bits); err != nil {
				t.Fatal(err)
			}
			var back Report
			js, _ := os.ReadFile(filepath.Join(out, name+".report.json"))
			if err := json.Unmarshal(js, &back); err != nil || back.SHA256 != rep.SHA256 {
				t.Fatalf("report.json: %v", err)
			}
			sum, _ := os.ReadFile(filepath.Join(out, name+".summary.txt"))
			if !strings.Contains(string(sum), "placeholder") || !strings.Contains(string(sum), "fmax:") {
				t.Errorf("summary:\n%s", sum)
			}
			t.Logf("\n%s", sum)
			keep(t, name, js, sum)
			// Second build: same inputs, served from the cache without running a tool.
			rep2, err := Build(context.Background(), Options{Board: b, Design: d, OutDir: out, Seed: 1,
				CacheDir: filepath.Join(out, "cache"), Runner: failRunner{t}})
			if err != nil || !rep2.Cached || rep2.SHA256 != rep.SHA256 {
				t.Fatalf("cached build: %v, %+v", err, rep2)
			}
		})
	}
}

// keep copies the reports to $LIFKIT_REPORT_DIR when set, so CI keeps them as test output.
func keep(t *testing.T, name string, js, sum []byte) {
	dir := os.Getenv("LIFKIT_REPORT_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name+".report.json"), js, 0o644)
	os.WriteFile(filepath.Join(dir, name+".summary.txt"), sum, 0o644)
}

type failRunner struct{ t *testing.T }

func (f failRunner) Run(_ context.Context, _ string, _ io.Writer, path string, _ ...string) error {
	f.t.Errorf("a cached build ran %s", path)
	return errors.New("must not run")
}
