package cosim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/lifkit/lifkit/testbench"
)

// Config is one co-simulated board: a family top level and its parameters.
type Config struct {
	Family string // "ice40" or "ecp5": rtl/top/lifkit_top_<family>.v
	ClkHz  int    // core clock
	Baud   int    // UART baud; ClkHz/Baud clocks per bit, at least 4
	IAW    int    // log2 bytes of the link's event staging RAM
	WSH    int    // log2 of the link window (frames in flight), 0..3
	Core   testbench.Config
}

// DefaultConfig is the board the tests and `lifkit cosim` use: an iCE40 top at 24 MHz and
// 3 Mbaud (8 clocks per bit) with a core roomy enough for 4 layers of up to 256 neurons and an
// 8 KiB event staging RAM.
func DefaultConfig() Config {
	return Config{Family: "ice40", ClkHz: 24_000_000, Baud: 3_000_000, IAW: 13, Core: testbench.Config{
		Name: "cosim", Lanes: 8, SMax: 24, AccW: 32, LayersMax: 4, NeurAW: 10, LayerAW: 8, InAW: 10, WmemAW: 12,
	}}
}

// ClocksPerBit is the UART bit time in core clocks.
func (c Config) ClocksPerBit() int { return c.ClkHz / c.Baud }

// Validate reports a configuration that cannot be built.
func (c Config) Validate() error {
	if c.Family != "ice40" && c.Family != "ecp5" {
		return fmt.Errorf("cosim: family must be ice40 or ecp5, got %q", c.Family)
	}
	if c.WSH < 0 || c.WSH > 3 {
		return fmt.Errorf("cosim: WSH must be in 0..3, got %d", c.WSH)
	}
	if c.IAW < 4 || c.IAW > 16 {
		return fmt.Errorf("cosim: IAW must be in 4..16, got %d", c.IAW)
	}
	if c.Baud <= 0 || c.ClocksPerBit() < 4 {
		return fmt.Errorf("cosim: clock %d Hz / baud %d gives %d clocks per bit, need at least 4", c.ClkHz, c.Baud, c.ClocksPerBit())
	}
	return c.Core.Validate()
}

var buildMu sync.Mutex

// Build compiles the co-simulation for c (cached under testbench.BuildDir()) and returns the
// executable's path. It needs verilator on PATH or in $VERILATOR.
func Build(c Config) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	verilator := os.Getenv("VERILATOR")
	if verilator == "" {
		p, err := exec.LookPath("verilator")
		if err != nil {
			return "", &testbench.ToolError{Tool: "verilator", Env: "VERILATOR"}
		}
		verilator = p
	}
	root := testbench.Root()
	var srcs []string
	for _, dir := range []string{"rtl/core", "rtl/link", "rtl/top", "rtl/core/sim"} {
		fs, _ := filepath.Glob(filepath.Join(root, dir, "*.v"))
		srcs = append(srcs, fs...)
	}
	sort.Strings(srcs)
	main := filepath.Join(root, "testbench", "cosim", "harness", "main.cpp")
	top := filepath.Join(root, "rtl", "top", "lifkit_top_"+c.Family+".v")
	h := sha256.New()
	for _, f := range append(srcs, main) {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("cosim: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", f[len(root):], len(b))
		h.Write(b)
	}
	args := []string{"--cc", "--exe", "--build", "-j", "2", "-CFLAGS", "-O2",
		"-CFLAGS", "-DCLKS_PER_BIT=" + strconv.Itoa(c.ClocksPerBit()),
		"--x-assign", "unique", "--x-initial", "unique", "-Wno-fatal", "-Wno-lint", "-Wno-UNOPTFLAT",
		"--top-module", "lifkit_top_" + c.Family, "--prefix", "Vtop",
		"-I" + filepath.Join(root, "rtl", "core"), "-I" + filepath.Join(root, "rtl", "core", "sim"),
		"-I" + filepath.Join(root, "rtl", "link"),
		"-GCLK_HZ=" + strconv.Itoa(c.ClkHz), "-GBAUD=" + strconv.Itoa(c.Baud), "-GIAW=" + strconv.Itoa(c.IAW),
		"-GWSH=" + strconv.Itoa(c.WSH)}
	for _, p := range c.Core.Params() {
		args = append(args, "-G"+p)
	}
	fmt.Fprintln(h, strings.Join(args, " "))
	key := hex.EncodeToString(h.Sum(nil))[:16]
	dir := filepath.Join(testbench.BuildDir(), "verilator", "cosim-"+c.Family+"-"+key)
	exe := filepath.Join(dir, "cosim")
	buildMu.Lock()
	defer buildMu.Unlock()
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("cosim: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "cosim-tmp-")
	if err != nil {
		return "", fmt.Errorf("cosim: %w", err)
	}
	defer os.RemoveAll(tmp)
	args = append(args, "--Mdir", tmp, "-o", "cosim", top, main)
	cmd := exec.Command(verilator, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		s := out.String()
		if len(s) > 3000 {
			s = s[len(s)-3000:]
		}
		return "", fmt.Errorf("cosim: verilator build failed: %w\n%s", err, s)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		if _, serr := os.Stat(exe); serr != nil {
			return "", fmt.Errorf("cosim: %w", err)
		}
	}
	return exe, nil
}
