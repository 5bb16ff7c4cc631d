package bitstreamtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Runner is a fake bitstream.Runner.
type Runner struct {
	// Achieved is the fmax (MHz) the fake nextpnr reports for clock "clk"; 0 = 1.5 x the
	// --freq it was given.
	Achieved float64
	// SeedMHz, if set, is the fmax the fake nextpnr reports for the --seed it was given
	// (a seed sweep); it overrides Achieved.
	SeedMHz func(seed int) float64
	// FailTool makes the call whose program name contains it exit with an error after
	// writing FailLog to the log.
	FailTool string
	FailLog  string
	// BadPreamble makes the fake packer write a file that is not a bitstream.
	BadPreamble bool

	mu    sync.Mutex
	calls []string
}

// Calls returns the base names of the programs run so far.
func (r *Runner) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func arg(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// Run implements bitstream.Runner.
func (r *Runner) Run(ctx context.Context, dir string, log io.Writer, path string, args ...string) error {
	name := filepath.Base(path)
	r.mu.Lock()
	r.calls = append(r.calls, name)
	r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.FailTool != "" && strings.Contains(name, r.FailTool) {
		fmt.Fprintln(log, r.FailLog)
		return errors.New("exit status 1")
	}
	write := func(file string, data []byte) error { return os.WriteFile(filepath.Join(dir, file), data, 0o644) }
	switch {
	case strings.Contains(name, "yosys"):
		fmt.Fprintln(log, "fake yosys")
		return write("design.json", []byte(`{"modules": {}}`))
	case strings.Contains(name, "nextpnr"):
		var freq float64
		fmt.Sscan(arg(args, "--freq"), &freq)
		ach := r.Achieved
		if ach == 0 {
			ach = 1.5 * freq
		}
		if r.SeedMHz != nil {
			var seed int
			fmt.Sscan(arg(args, "--seed"), &seed)
			ach = r.SeedMHz(seed)
		}
		rep := map[string]any{
			"utilization": map[string]any{"ICESTORM_LC": map[string]int{"used": 100, "available": 5280}, "TRELLIS_COMB": map[string]int{"used": 100, "available": 83640}},
			"fmax":        map[string]any{"clk": map[string]float64{"achieved": ach, "constraint": freq}},
		}
		js, _ := json.Marshal(rep)
		if err := write(arg(args, "--report"), js); err != nil {
			return err
		}
		out := arg(args, "--asc")
		if out == "" {
			out = arg(args, "--textcfg")
		}
		return write(out, []byte("fake placed design\n"))
	case strings.Contains(name, "icepack"), strings.Contains(name, "ecppack"):
		if len(args) < 2 {
			return fmt.Errorf("bitstreamtest: %s wants the placed design and the output file", name)
		}
		if _, err := os.Stat(filepath.Join(dir, args[len(args)-2])); err != nil {
			fmt.Fprintln(log, err)
			return errors.New("exit status 1")
		}
		data := []byte{0xFF, 0x00, 'f', 'a', 'k', 'e', 0x00, 0xFF, 0x7E, 0xAA, 0x99, 0x7E, 1, 2, 3}
		if strings.Contains(name, "ecppack") {
			data = []byte{0xFF, 0x00, 'f', 'a', 'k', 'e', 0x00, 0xFF, 0xFF, 0xFF, 0xBD, 0xB3, 1, 2, 3}
		}
		if r.BadPreamble {
			data = []byte("not a bitstream")
		}
		return write(args[len(args)-1], data)
	}
	return fmt.Errorf("bitstreamtest: unexpected program %s", name)
}
