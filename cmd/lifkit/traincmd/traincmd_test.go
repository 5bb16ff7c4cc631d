package traincmd

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim/netfile"
)

func smallOptions(out string) Options {
	o := DefaultOptions()
	o.RandmanSamples = 40
	o.Hidden = []int{24}
	o.Epochs = 2
	o.Batch = 32
	o.Out = out
	o.Workers = 2
	return o
}

// Train writes the network, the checkpoint and the plots; eval reproduces its accuracy; a run
// resumed from the checkpoint writes the same network file as an uninterrupted one, and the
// number of workers does not change it.
func TestTrainResumeEval(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	full := smallOptions(filepath.Join(dir, "full", "net.yaml"))
	res, err := Train(full, &log, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: not written (%v)", f, err)
		}
	}
	n, err := netfile.Load(full.Out)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	acc, err := Eval(n, full, "test", &out)
	if err != nil {
		t.Fatal(err)
	}
	if acc != res.TestAccuracy {
		t.Errorf("eval accuracy %v, training reported %v", acc, res.TestAccuracy)
	}
	if !strings.Contains(out.String(), "accuracy") {
		t.Errorf("eval output: %q", out.String())
	}

	half := smallOptions(filepath.Join(dir, "half", "net.yaml"))
	half.Epochs = 1
	half.Workers = 1
	if _, err := Train(half, &log, nil); err != nil {
		t.Fatal(err)
	}
	half.Epochs = 2
	half.Resume = true
	half.Workers = 0 // the flag's default: all cores
	if _, err := Train(half, &log, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(full.Out)
	b, _ := os.ReadFile(half.Out)
	if !bytes.Equal(a, b) {
		t.Fatal("a run resumed after epoch 1 (one worker) wrote a different network than an uninterrupted run (two workers)")
	}

	// --init starts a 2-bit run from the 8-bit run's weights; a different architecture is refused
	low := smallOptions(filepath.Join(dir, "low", "net.yaml"))
	low.Epochs, low.WeightBits, low.InitFrom = 1, 2, CheckpointPath(full.Out)
	if _, err := Train(low, &log, nil); err != nil {
		t.Fatal(err)
	}
	low.Hidden = []int{25}
	if _, err := Train(low, &log, nil); err == nil || !strings.Contains(err.Error(), "--init") {
		t.Errorf("--init with another architecture: %v", err)
	}

	// resuming with different data flags is refused with a message naming the flag
	half.DataSeed = 9
	if _, err := Train(half, &log, nil); err == nil || !strings.Contains(err.Error(), "data_seed") {
		t.Errorf("resume with another data seed: %v", err)
	}
}

func TestTrainErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		edit func(o *Options)
		want string
	}{
		{"dataset", func(o *Options) { o.Dataset = "cifar" }, "unknown data set"},
		{"idx", func(o *Options) { o.Dataset = "idx:" + dir }, "not found"},
		{"surrogate", func(o *Options) { o.Surrogate = "relu" }, "unknown surrogate"},
		{"bits", func(o *Options) { o.WeightBits = 9 }, "weight bits"},
		{"output", func(o *Options) { o.Output = "softmax" }, "--output"},
		{"resume", func(o *Options) { o.Resume = true }, "--resume"},
		{"shift", func(o *Options) { o.Shift = 1 }, "--shift"},
		{"augment", func(o *Options) { o.AugmentSeed = 1 }, "--augment-seed"},
		{"schedule", func(o *Options) { o.LRSchedule = "linear" }, "--lr-schedule"},
		{"decay", func(o *Options) { o.WeightDecay = -1 }, "weight decay"},
	}
	for _, c := range cases {
		o := smallOptions(filepath.Join(dir, c.name, "net.yaml"))
		c.edit(&o)
		_, err := Train(o, &bytes.Buffer{}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestCommandFlags(t *testing.T) {
	dir := t.TempDir()
	c := NewTrainCommand()
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&out)
	c.SetArgs([]string{"--dataset", "randman", "--randman-samples", "20", "--hidden", "16", "--epochs", "1", "--quiet", "--plots=false", "--out", filepath.Join(dir, "n.yaml")})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	e := NewEvalCommand()
	e.SetOut(&out)
	e.SetArgs([]string{"--net", filepath.Join(dir, "n.yaml"), "--dataset", "randman", "--randman-samples", "20"})
	if err := e.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "test accuracy") || !strings.Contains(out.String(), "spikes per neuron") {
		t.Errorf("output: %s", out.String())
	}
	c = NewTrainCommand()
	c.SetArgs([]string{"--hidden", "12,x"})
	c.SetOut(&out)
	c.SetErr(&out)
	if err := c.Execute(); err == nil || !strings.Contains(err.Error(), "--hidden") {
		t.Errorf("bad --hidden: %v", err)
	}
}

func TestLearningRate(t *testing.T) {
	o := DefaultOptions()
	o.LR, o.LRDecay, o.Epochs = 0.01, 0.5, 4
	cases := []struct {
		schedule string
		epoch    int
		want     float64
	}{
		{"exp", 0, 0.01},
		{"exp", 2, 0.0025},
		{"cosine", 0, 0.01},
		{"cosine", 2, 0.005},
		{"cosine", 4, 0},
	}
	for _, c := range cases {
		o.LRSchedule = c.schedule
		if got := LearningRate(o, c.epoch); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s epoch %d: %v, want %v", c.schedule, c.epoch, got, c.want)
		}
	}
}
