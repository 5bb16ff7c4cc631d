package rtlcmd

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/sim/simtest"
)

func TestVerify(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := simtest.Network(r, simtest.Shape{Inputs: 12, Hidden: []int{10}, Outputs: 4, Readout: true, StateBits: 16})
	dir := t.TempDir()
	np, ip := filepath.Join(dir, "n.yaml"), filepath.Join(dir, "in.yaml")
	if err := netfile.Save(np, n); err != nil {
		t.Fatal(err)
	}
	f := &inputfile.File{Inputs: 12}
	for range 3 {
		f.Samples = append(f.Samples, simtest.SpikeSample(r, 12, 5, 0.3))
	}
	f.Samples = append(f.Samples, simtest.IntensitySample(r, 12, 4))
	if err := inputfile.Save(ip, f); err != nil {
		t.Fatal(err)
	}
	cmd := NewCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"verify", "--net", np, "--input", ip, "--lanes", "2"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "4/4 samples matched") {
		t.Fatalf("unexpected output %q", out.String())
	}
	_ = sim.LIF
}

func TestVerifyNeedsFiles(t *testing.T) {
	cmd := NewCommand()
	cmd.SetArgs([]string{"verify"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--net") {
		t.Fatalf("want an error naming --net, got %v", err)
	}
}
