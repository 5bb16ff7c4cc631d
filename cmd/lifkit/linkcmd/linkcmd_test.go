package linkcmd

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/testbench"
)

// TestCosimCommandOnExample runs `lifkit cosim` on the example network and its samples.
func TestCosimCommandOnExample(t *testing.T) {
	ex := filepath.Join(testbench.Root(), "examples", "groups")
	cmd := NewCosimCommand()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs([]string{"--net", filepath.Join(ex, "net.yaml"), "--input", filepath.Join(ex, "input.yaml")})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	t.Log(out.String())
	if !strings.Contains(out.String(), "40 of 40 samples agree") {
		t.Fatalf("output lacks full agreement:\n%s", out.String())
	}
}

func TestCosimCommandBadFlags(t *testing.T) {
	for _, args := range [][]string{{}, {"--net", "x.yaml"}, {"--net", "/nonexistent.yaml", "--input", "/nonexistent.yaml"}} {
		cmd := NewCosimCommand()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(args)
		if err := cmd.Execute(); err == nil {
			t.Errorf("cosim %v: no error", args)
		}
	}
}
