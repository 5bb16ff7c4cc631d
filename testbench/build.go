package testbench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// BuildOptions select a variant of the Verilator harness.
type BuildOptions struct {
	// Trace compiles FST tracing in (needed for --waves; slower).
	Trace bool
	// Defines are Verilog macros, e.g. "LIF_MUT_ROUND" for a deliberate mutation.
	Defines []string
	// Params are extra parameter overrides as NAME=value, Verilog literals (a string in
	// double quotes), e.g. the baked-network parameters WMEM_INIT and PRM_INIT. Files they
	// name enter the cache key through Inputs.
	Params []string
	// Inputs are files the build reads besides the sources ($readmemh images); their
	// contents enter the cache key.
	Inputs []string
}

// ToolError says a tool is missing and how to provide it.
type ToolError struct{ Tool, Env string }

func (e *ToolError) Error() string {
	return fmt.Sprintf("testbench: %s not found on PATH; install it or set %s", e.Tool, e.Env)
}

// Root returns the repository root (the directory holding rtl/ and testbench/).
func Root() string {
	if r := os.Getenv("LIFKIT_ROOT"); r != "" {
		return r
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Sources returns the Verilog sources of lif_core (without the simulation models).
func Sources() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(Root(), "rtl", "core", "*.v"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("testbench: no rtl/core/*.v under %s (set LIFKIT_ROOT)", Root())
	}
	sort.Strings(files)
	return files, nil
}

func tool(name, env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", &ToolError{Tool: name, Env: env}
	}
	return p, nil
}

// BuildDir is where compiled harnesses are cached: $LIFKIT_BUILD_DIR or <root>/build.
func BuildDir() string {
	if d := os.Getenv("LIFKIT_BUILD_DIR"); d != "" {
		return d
	}
	return filepath.Join(Root(), "build")
}

var buildMu sync.Mutex

// Build compiles the Verilator harness for c (cached by a hash of the sources, parameters and
// options) and returns the executable's path.
func Build(c Config, o BuildOptions) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	verilator, err := tool("verilator", "VERILATOR")
	if err != nil {
		return "", err
	}
	srcs, err := Sources()
	if err != nil {
		return "", err
	}
	models, _ := filepath.Glob(filepath.Join(Root(), "rtl", "core", "sim", "*.v"))
	main := filepath.Join(Root(), "testbench", "harness", "main.cpp")
	h := sha256.New()
	for _, f := range append(append(append([]string(nil), srcs...), models...), main) {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("testbench: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	args := []string{"--cc", "--exe", "--build", "-j", "2", "-CFLAGS", "-O2",
		"--x-assign", "unique", "--x-initial", "unique", "-Wno-fatal", "-Wno-lint", "-Wno-UNOPTFLAT",
		"--top-module", "lif_core", "-I" + filepath.Join(Root(), "rtl", "core")}
	if len(models) > 0 {
		args = append(args, "-I"+filepath.Join(Root(), "rtl", "core", "sim"))
	}
	for _, p := range c.Params() {
		args = append(args, "-G"+p)
	}
	for _, d := range o.Defines {
		args = append(args, "+define+"+d)
	}
	for _, p := range o.Params {
		args = append(args, "-G"+p)
	}
	for _, f := range o.Inputs {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("testbench: %w", err)
		}
		fmt.Fprintf(h, "input %s %d\n", f, len(b))
		h.Write(b)
	}
	if o.Trace {
		args = append(args, "--trace-fst", "-CFLAGS", "-DLIF_TRACE")
	}
	fmt.Fprintln(h, strings.Join(args, " "))
	key := hex.EncodeToString(h.Sum(nil))[:16]
	name := c.Name
	if name == "" {
		name = "core"
	}
	dir := filepath.Join(BuildDir(), "verilator", name+"-"+key)
	exe := filepath.Join(dir, "harness")
	buildMu.Lock()
	defer buildMu.Unlock()
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("testbench: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), name+"-tmp-")
	if err != nil {
		return "", fmt.Errorf("testbench: %w", err)
	}
	defer os.RemoveAll(tmp)
	args = append(args, "--Mdir", tmp, "-o", "harness", filepath.Join(Root(), "rtl", "core", "lif_core.v"), main)
	cmd := exec.Command(verilator, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("testbench: verilator build of %s failed: %w\n%s", name, err, tail(out.String(), 3000))
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		if _, serr := os.Stat(exe); serr != nil {
			return "", fmt.Errorf("testbench: %w", err)
		}
	}
	return exe, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
