package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lifkitBin builds the command once per test binary.
func lifkitBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lifkit-cli")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "lifkit")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{string(out)}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type buildError struct{ out string }

func (e *buildError) Error() string { return "go build: " + e.out }

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(lifkitBin(t), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

const example = "../../examples/groups/"

// Acceptance: `lifkit sim` on every malformed testdata file exits non-zero with a one-line
// message naming the problem, and no stack trace.
func TestSimRejectsEveryMalformedNetwork(t *testing.T) {
	bad, _ := filepath.Glob("../../sim/netfile/testdata/bad/*.yaml")
	if len(bad) < 8 {
		t.Fatalf("only %d malformed files", len(bad))
	}
	for _, f := range bad {
		_, stderr, code := run(t, "sim", "--net", f, "--input", example+"input.yaml")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", f, code)
		}
		line := strings.TrimSpace(stderr)
		if strings.Count(line, "\n") != 0 || !strings.HasPrefix(line, "lifkit: netfile: "+f) || strings.Contains(line, "goroutine") {
			t.Errorf("%s: want one line naming the file, got %q", f, stderr)
		}
	}
}

func TestSimPrintsPredictionsAndWritesTrace(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace.csv")
	out, stderr, code := run(t, "sim", "--net", example+"net.yaml", "--input", example+"input.yaml", "--trace", trace)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"accuracy: ", "firing rate", "prediction", "trace written"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	// 40 samples x 30 steps x (16 + 4) neurons, plus the header.
	if n := strings.Count(string(b), "\n"); n != 40*30*20+1 {
		t.Fatalf("trace has %d lines", n)
	}
}

func TestBadInvocations(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sim"}, 2, "needs --net FILE and --input FILE"},
		{[]string{"sim", "--net", example + "net.yaml", "--input", "/nonexistent/in.yaml"}, 1, "no such file"},
		{[]string{"sim", "--net", example + "net.yaml", "--input", "../../sim/netfile/testdata/valid.yaml"}, 1, "want \"lifkit-input\""},
		{[]string{"net", "inspect"}, 2, "accepts 1 arg"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"sim", "--bogus"}, 2, "unknown flag"},
	} {
		_, stderr, code := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("lifkit %v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// Every command answers --help.
func TestHelpEverywhere(t *testing.T) {
	root := newRoot()
	paths := [][]string{{}}
	for _, c := range root.Commands() {
		paths = append(paths, []string{c.Name()})
		for _, s := range c.Commands() {
			paths = append(paths, []string{c.Name(), s.Name()})
		}
	}
	for _, p := range paths {
		out, stderr, code := run(t, append(p, "--help")...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("lifkit %v --help: exit %d, %q %q", p, code, out, stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, "version")
	if code != 0 || !strings.Contains(out, "network file version 1") {
		t.Fatalf("exit %d: %q", code, out)
	}
}
