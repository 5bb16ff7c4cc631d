// Package traincmd holds the cobra commands `lifkit train` and `lifkit eval` and the
// function behind `make demo`'s training step. The work is in package train; this package
// parses flags, loads data, shows progress, writes checkpoints, plots and the network file.
//
// # Invariants
//
// Every file it writes (network, checkpoint, plots) is replaced atomically. The same flags
// and seed give the same network file, whatever the number of cores, and a run stopped and
// continued with --resume gives the same file as an uninterrupted one.
package traincmd

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/train"
	"github.com/lifkit/lifkit/train/data"
	"github.com/lifkit/lifkit/train/plots"
)

// Options are the settings of one training run (the flags of `lifkit train`).
type Options struct {
	Dataset  string
	DataSeed uint64
	// RandmanSamples is randman's samples per class (0: the reference 1000).
	RandmanSamples int
	Encoding       string // rate or latency (images)
	Steps          int    // 0: the data set's default (randman 100, images 25)
	Limit          int    // use at most this many training samples (0: all)
	Hidden         []int
	Recurrent      bool
	Output         string // readout or lif
	WeightBits     int
	StateBits      int
	Mode           string // qat or float
	Epochs         int
	Batch          int
	LR             float64
	LRDecay        float64 // the learning rate of epoch e is LR * LRDecay^e (schedule exp)
	// LRSchedule is exp (LR * LRDecay^e) or cosine (LR * (1 + cos(pi e / Epochs)) / 2).
	LRSchedule  string
	WeightDecay float64 // decoupled (AdamW) weight decay; 0: off
	// AugmentSeed, when nonzero, gives every training sample its own rate-code draws in every
	// epoch (train.Augment.EncoderSeed); Shift translates training images by up to Shift
	// pixels. Both are training-only: evaluation and export use the network's encoder seed.
	AugmentSeed uint64
	Shift       int
	Seed        uint64
	Surrogate   string
	SurrScale   float64
	RegTotal    float64
	RegNeuron   float64
	// Time constants in ms and the step dt; 0 takes the data set's default.
	TauSyn, TauMem, TauOut, Dt float64
	InitScale                  float64
	Reset                      string
	Refractory                 int
	Out                        string
	Resume                     bool
	// InitFrom starts from the float weights of another run's checkpoint (for example an
	// 8-bit run before training at 2 bits); the architecture must match.
	InitFrom string
	Plots    bool
	Workers  int
	Progress bool
}

// DefaultOptions are the defaults of `lifkit train`.
func DefaultOptions() Options {
	return Options{Dataset: "randman", DataSeed: 1, Encoding: "rate", Hidden: []int{128}, Output: "readout",
		WeightBits: 8, StateBits: 16, Mode: "qat", Epochs: 20, Batch: 64, LR: 5e-3, LRDecay: 0.96, LRSchedule: "exp", Seed: 1,
		Surrogate: string(train.FastSigmoid), SurrScale: 5, InitScale: 1, Reset: "zero", Out: "net.yaml",
		Plots: true, Progress: true}
}

// dataDefaults fills time constants and steps per data set: randman as stork's example (dt 2
// ms, tau_syn 10 ms, tau_mem 20 ms, readout 200 ms, 100 steps), images as SpyTorch's (dt 1 ms,
// tau_syn 5 ms, tau_mem 10 ms, readout as hidden, 25 steps).
func (o *Options) dataDefaults() {
	def := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	if o.Dataset == "randman" {
		def(&o.Dt, 2)
		def(&o.TauSyn, 10)
		def(&o.TauMem, 20)
		def(&o.TauOut, 200)
		if o.Steps == 0 {
			o.Steps = 100
		}
		return
	}
	def(&o.Dt, 1)
	def(&o.TauSyn, 5)
	def(&o.TauMem, 10)
	def(&o.TauOut, o.TauMem)
	if o.Steps == 0 {
		o.Steps = 25
	}
}

// loadData opens the data set the options name.
func loadData(o Options) (*data.Set, error) {
	ds, err := data.Open(o.Dataset, data.Options{
		Image:   data.ImageOptions{Encoding: data.Encoding(o.Encoding), Steps: o.Steps},
		Randman: data.RandmanConfig{Seed: o.DataSeed, Steps: o.Steps, SamplesPerClass: o.RandmanSamples},
	})
	if err != nil {
		return nil, err
	}
	ds.Limit(o.Limit, 0, 0)
	return ds, nil
}

func (o Options) dataDesc() map[string]string {
	return map[string]string{"dataset": o.Dataset, "data_seed": strconv.FormatUint(o.DataSeed, 10),
		"encoding": o.Encoding, "steps": strconv.Itoa(o.Steps), "limit": strconv.Itoa(o.Limit),
		"randman_samples": strconv.Itoa(o.RandmanSamples)}
}

// CheckpointPath is where a run writing out keeps its checkpoint.
func CheckpointPath(out string) string { return out + ".ckpt.json" }

// Result is the outcome of a training run.
type Result struct {
	Network      *sim.Network
	TestAccuracy float64 // of the integer network, run by sim
	TestSamples  int
	History      []train.EpochRecord
	Files        []string
}

// Train runs a training run: load data, build or resume the trainer, train epoch by epoch
// with a progress bar on progress (nil: none), checkpoint after every epoch, export the
// integer network to o.Out, evaluate it on the test split with sim, and draw the plots.
func Train(o Options, log, progress io.Writer) (*Result, error) {
	o.dataDefaults()
	ds, err := loadData(o)
	if err != nil {
		return nil, err
	}
	arch := train.Arch{Inputs: ds.Inputs, Hidden: o.Hidden, Recurrent: o.Recurrent, Classes: ds.Classes,
		Output: sim.Kind(o.Output), Alpha: train.TauDecay(o.TauSyn, o.Dt), Beta: train.TauDecay(o.TauMem, o.Dt),
		OutAlpha: train.TauDecay(o.TauSyn, o.Dt), OutBeta: train.TauDecay(o.TauOut, o.Dt),
		Reset: sim.ResetMode(o.Reset), Refractory: o.Refractory, InitScale: o.InitScale}
	if arch.Output != sim.Readout && arch.Output != sim.LIF {
		return nil, fmt.Errorf("train: --output must be readout or lif, got %q", o.Output)
	}
	if arch.Reset != sim.ResetZero && arch.Reset != sim.ResetSubtract {
		return nil, fmt.Errorf("train: --reset must be zero or subtract, got %q", o.Reset)
	}
	surr, err := train.ParseSurrogate(o.Surrogate, o.SurrScale)
	if err != nil {
		return nil, err
	}
	loss := train.MaxOverTimeCE
	if arch.Output == sim.LIF {
		loss = train.SpikeCountCE
	}
	if o.LRSchedule != "exp" && o.LRSchedule != "cosine" {
		return nil, fmt.Errorf("train: --lr-schedule must be exp or cosine, got %q", o.LRSchedule)
	}
	if o.Shift > 0 && ds.Width == 0 {
		return nil, fmt.Errorf("train: --shift needs image data carried as intensities (mnist, fashion or idx:DIR with --encoding rate); %s is not", ds.Name)
	}
	if o.AugmentSeed != 0 && !hasIntensities(ds.Train) {
		return nil, fmt.Errorf("train: --augment-seed varies the rate code's draws, but the training samples of %s are spike events (use it with images and --encoding rate)", ds.Name)
	}
	cfg := train.Config{Mode: train.Mode(o.Mode), LR: o.LR, BatchSize: o.Batch, Seed: o.Seed, Surrogate: surr, Workers: o.Workers,
		WeightDecay: o.WeightDecay, Augment: train.Augment{EncoderSeed: o.AugmentSeed, Shift: o.Shift, Width: ds.Width},
		Objective: train.Objective{Loss: loss, RegTotal: o.RegTotal, RegNeuron: o.RegNeuron, DetachReset: true},
		Convert:   train.ConvertOptions{WeightBits: o.WeightBits, StateBits: o.StateBits}}
	ckpt := CheckpointPath(o.Out)
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var tr *train.Trainer
	var history []train.EpochRecord
	if o.Resume {
		c, err := train.LoadCheckpoint(ckpt)
		if err != nil {
			return nil, fmt.Errorf("train: --resume: %w", err)
		}
		for k, v := range o.dataDesc() {
			if c.Data[k] != v {
				return nil, fmt.Errorf("train: --resume: the checkpoint was trained with %s %q, this run asks for %q; use the same data flags or drop --resume", k, c.Data[k], v)
			}
		}
		if tr, err = train.Resume(c); err != nil {
			return nil, err
		}
		if o.Workers > 0 {
			tr.Config.Workers = o.Workers
		}
		arch, history = c.Arch, c.History
		fmt.Fprintf(log, "resuming %s after epoch %d\n", ckpt, c.EpochsDone)
	} else {
		fn, err := train.NewNetwork(arch, o.Seed)
		if err != nil {
			return nil, err
		}
		if o.InitFrom != "" {
			c, err := train.LoadCheckpoint(o.InitFrom)
			if err != nil {
				return nil, fmt.Errorf("train: --init: %w", err)
			}
			if err := sameArch(c.Net, fn); err != nil {
				return nil, fmt.Errorf("train: --init %s: %w", o.InitFrom, err)
			}
			fn = c.Net
			fmt.Fprintf(log, "starting from the weights of %s (epoch %d)\n", o.InitFrom, c.EpochsDone)
		}
		if tr, err = train.NewTrainer(fn, cfg); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "data %s: %d inputs, %d classes, %d steps, %d/%d/%d train/val/test samples\n",
		ds.Name, ds.Inputs, ds.Classes, ds.Steps, len(ds.Train), len(ds.Val), len(ds.Test))
	if ds.Inputs != tr.Net.Inputs {
		return nil, fmt.Errorf("train: the data has %d inputs, the network %d", ds.Inputs, tr.Net.Inputs)
	}
	for tr.EpochsDone < o.Epochs {
		e := tr.EpochsDone
		tr.Adam.LR = LearningRate(o, e)
		var bar *progressbar.ProgressBar
		if progress != nil {
			bar = progressbar.NewOptions(len(ds.Train), progressbar.OptionSetWriter(progress),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", e+1, o.Epochs)),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("samples"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionSetWidth(24), progressbar.OptionOnCompletion(func() { fmt.Fprintln(progress) }))
		}
		var seen, correct int
		var lsum float64
		rec := train.RecorderFunc(func(ev train.Event) error {
			if bar == nil {
				return nil
			}
			seen += ev.Stats.Samples
			correct += ev.Stats.Correct
			lsum += ev.Stats.Loss * float64(ev.Stats.Samples)
			bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f acc %5.1f%%", e+1, o.Epochs, lsum/float64(seen), 100*float64(correct)/float64(seen)))
			return bar.Add(ev.Stats.Samples)
		})
		ev, err := tr.RunEpoch(ds.Train, rec)
		if err != nil {
			return nil, err
		}
		r := train.EpochRecord{Epoch: e, Loss: ev.Loss, Accuracy: ev.Accuracy, SamplesPerSec: ev.SamplesPerSec, Seconds: ev.Elapsed.Seconds()}
		if len(ds.Val) > 0 {
			vs, err := tr.Evaluate(ds.Val, false)
			if err != nil {
				return nil, err
			}
			r.ValLoss, r.ValAccuracy = vs.Loss, vs.Accuracy
		}
		history = append(history, r)
		if err := train.SaveCheckpoint(ckpt, tr.Checkpoint(arch, history, o.dataDesc())); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "epoch %d/%d: loss %.4f train %.2f%% val %.2f%% (%s model), %.0f samples/s, %.1fs\n",
			e+1, o.Epochs, r.Loss, 100*r.Accuracy, 100*r.ValAccuracy, tr.Config.Mode, r.SamplesPerSec, r.Seconds)
	}
	if tr.Config.Mode == train.Float {
		if err := tr.Calibrate(); err != nil {
			return nil, err
		}
	}
	qn, err := tr.Integer()
	if err != nil {
		return nil, err
	}
	if err := netfile.Save(o.Out, qn); err != nil {
		return nil, err
	}
	res := &Result{Network: qn, History: history, Files: []string{o.Out, ckpt}}
	test := ds.Test
	if len(test) == 0 {
		test = ds.Val
	}
	ev, err := evaluateSim(qn, test)
	if err != nil {
		return nil, err
	}
	res.TestAccuracy, res.TestSamples = ev.accuracy, len(test)
	fmt.Fprintf(log, "wrote %s; integer network run by sim: %.2f%% test accuracy on %d samples (%d-bit weights, %d-bit state)\n",
		o.Out, 100*ev.accuracy, len(test), o.WeightBits, o.StateBits)
	if o.Plots && len(history) > 0 {
		files, err := drawPlots(o.Out, qn, history, test, ev)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		fmt.Fprintf(log, "plots: %s\n", strings.Join(files, ", "))
	}
	return res, nil
}

func hasIntensities(samples []sim.Sample) bool {
	for i := range samples {
		if samples[i].Intensity != nil {
			return true
		}
	}
	return false
}

// LearningRate is the learning rate of epoch e (0-based) under o's schedule.
func LearningRate(o Options, e int) float64 {
	if o.LRSchedule == "cosine" {
		return o.LR * (1 + math.Cos(math.Pi*float64(e)/float64(max(o.Epochs, 1)))) / 2
	}
	return o.LR * math.Pow(o.LRDecay, float64(e))
}

type simEval struct {
	accuracy float64
	rates    [][]float64 // mean spikes per neuron per sample, lif layers
	sops     float64     // mean synaptic operations per sample
	inSpikes float64
}

// evaluateSim runs the integer network with sim (the oracle) over samples.
func evaluateSim(n *sim.Network, samples []sim.Sample) (simEval, error) {
	var ev simEval
	if len(samples) == 0 {
		return ev, errors.New("train: no samples to evaluate")
	}
	res, err := sim.RunBatch(n, samples, sim.Options{})
	if err != nil {
		return ev, err
	}
	ev.rates = make([][]float64, len(n.Layers))
	correct := 0
	inv := 1 / float64(len(samples))
	for i, r := range res {
		if r.Prediction == samples[i].Label {
			correct++
		}
		ev.sops += float64(r.SOPs) * inv
		ev.inSpikes += float64(r.InputSpikes) * inv
		for li, l := range n.Layers {
			if l.Kind != sim.LIF {
				continue
			}
			if ev.rates[li] == nil {
				ev.rates[li] = make([]float64, l.Size)
			}
			for k, c := range r.Counts[li] {
				ev.rates[li][k] += float64(c) * inv
			}
		}
	}
	ev.accuracy = float64(correct) * inv
	return ev, nil
}

func drawPlots(out string, n *sim.Network, h []train.EpochRecord, test []sim.Sample, ev simEval) ([]string, error) {
	base := strings.TrimSuffix(out, filepath.Ext(out))
	files := []string{base + "-history.png", base + "-raster.png", base + "-rates.png"}
	if err := plots.History(files[0], h); err != nil {
		return nil, err
	}
	r, err := sim.Run(n, test[0], sim.Options{Trace: true})
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("test sample 0 (label %d, predicted %d)", test[0].Label, r.Prediction)
	if err := plots.Raster(files[1], r.Trace, title); err != nil {
		return nil, err
	}
	if err := plots.Rates(files[2], ev.rates, test[0].Steps); err != nil {
		return nil, err
	}
	return files, nil
}

// sameArch checks that a checkpoint's network has the shape and neuron constants of the one
// the flags describe.
func sameArch(got, want *sim.FloatNetwork) error {
	if got.Inputs != want.Inputs || len(got.Layers) != len(want.Layers) {
		return fmt.Errorf("the checkpoint has %d inputs and %d layers, the flags describe %d and %d", got.Inputs, len(got.Layers), want.Inputs, len(want.Layers))
	}
	for li := range got.Layers {
		g, w := &got.Layers[li], &want.Layers[li]
		if g.Kind != w.Kind || g.Size != w.Size || (g.R == nil) != (w.R == nil) || g.Alpha != w.Alpha || g.Beta != w.Beta || g.Reset != w.Reset || g.Refractory != w.Refractory {
			return fmt.Errorf("layer %d differs (kind, size, recurrence, decays, reset or refractory); use the same architecture flags", li)
		}
	}
	return nil
}

func parseHidden(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > sim.MaxSize {
			return nil, fmt.Errorf("--hidden: %q is not a layer size in 1..%d (give sizes separated by commas, e.g. 128 or 256,128)", f, sim.MaxSize)
		}
		out = append(out, v)
	}
	return out, nil
}

// NewTrainCommand returns `lifkit train`.
func NewTrainCommand() *cobra.Command {
	o := DefaultOptions()
	var hidden string
	var quiet bool
	c := &cobra.Command{
		Use:   "train",
		Short: "Train a spiking network (surrogate gradients, quantization-aware) and export it",
		Long: `train learns a LIF network by surrogate-gradient backpropagation through time.
In the default qat mode the forward pass is the integer model of docs/semantics.md, so the
exported network (--out) is, spike for spike, the network sim and the hardware run. A
checkpoint is written beside --out after every epoch (--resume continues it); PNG plots of
the history, a spike raster and the firing rates are drawn beside --out. See docs/training.md.

Data sets: randman, mnist, fashion, idx:DIR, events:TRAIN.yaml[,TEST.yaml].`,
		Example: `  lifkit train --dataset randman --hidden 128 --epochs 30 --out randman.yaml
  lifkit train --dataset mnist --hidden 128 --weight-bits 8 --steps 25 --epochs 20 --seed 1 --out mnist.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := parseHidden(hidden)
			if err != nil {
				return err
			}
			o.Hidden = h
			if o.Epochs < 1 {
				return fmt.Errorf("--epochs must be at least 1, got %d", o.Epochs)
			}
			var progress io.Writer = cmd.ErrOrStderr()
			if quiet {
				progress = nil
			}
			_, err = Train(o, cmd.OutOrStdout(), progress)
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&o.Dataset, "dataset", o.Dataset, "randman, mnist, fashion, idx:DIR or events:TRAIN.yaml[,TEST.yaml]")
	f.Uint64Var(&o.DataSeed, "data-seed", o.DataSeed, "seed of the generated randman data")
	f.IntVar(&o.RandmanSamples, "randman-samples", 0, "randman samples per class (default 1000, split 80/10/10)")
	f.StringVar(&o.Encoding, "encoding", o.Encoding, "image encoding: rate (the on-chip LFSR code) or latency")
	f.IntVar(&o.Steps, "steps", 0, "steps per sample (default: randman 100, images 25)")
	f.IntVar(&o.Limit, "limit", 0, "train on at most this many samples (0: all)")
	f.StringVar(&hidden, "hidden", "128", "hidden layer sizes, comma-separated")
	f.BoolVar(&o.Recurrent, "recurrent", false, "give hidden layers recurrent weights")
	f.StringVar(&o.Output, "output", o.Output, "output layer: readout (max-membrane loss) or lif (spike-count loss)")
	f.IntVar(&o.WeightBits, "weight-bits", o.WeightBits, "signed weight width, 2..8")
	f.IntVar(&o.StateBits, "state-bits", o.StateBits, "current and membrane width, 8..24")
	f.StringVar(&o.Mode, "mode", o.Mode, "qat (integer forward pass) or float (float model, converted at the end)")
	f.IntVar(&o.Epochs, "epochs", o.Epochs, "total epochs (with --resume: including those done)")
	f.IntVar(&o.Batch, "batch", o.Batch, "batch size")
	f.Float64Var(&o.LR, "lr", o.LR, "Adam learning rate of the first epoch")
	f.Float64Var(&o.LRDecay, "lr-decay", o.LRDecay, "learning rate factor per epoch (--lr-schedule exp)")
	f.StringVar(&o.LRSchedule, "lr-schedule", o.LRSchedule, "exp (lr * lr-decay^epoch) or cosine (lr * (1 + cos(pi epoch/epochs))/2)")
	f.Float64Var(&o.WeightDecay, "weight-decay", 0, "decoupled (AdamW) weight decay: each update multiplies the weights by 1 - lr*weight-decay")
	f.Uint64Var(&o.AugmentSeed, "augment-seed", 0, "nonzero: every training sample gets its own rate-code draws each epoch, from this seed (training only; export keeps the network's encoder seed)")
	f.IntVar(&o.Shift, "shift", 0, "translate training images by up to this many pixels each way, at random each epoch (training only)")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the initial weights and the shuffling; the same seed gives the same network")
	f.StringVar(&o.Surrogate, "surrogate", o.Surrogate, "fast-sigmoid, atan or triangle")
	f.Float64Var(&o.SurrScale, "surrogate-scale", o.SurrScale, "surrogate steepness (larger is narrower)")
	f.Float64Var(&o.RegTotal, "reg-total", 0, "L1 weight on each hidden layer's total spikes per sample")
	f.Float64Var(&o.RegNeuron, "reg-neuron", 0, "L2 weight on per-neuron spike counts per sample")
	f.Float64Var(&o.TauSyn, "tau-syn", 0, "synaptic time constant in ms (default per data set)")
	f.Float64Var(&o.TauMem, "tau-mem", 0, "membrane time constant in ms (default per data set)")
	f.Float64Var(&o.TauOut, "tau-out", 0, "readout membrane time constant in ms (default per data set)")
	f.Float64Var(&o.Dt, "dt", 0, "step length in ms (default per data set)")
	f.Float64Var(&o.InitScale, "init-scale", o.InitScale, "initial weights: normal, std init-scale/sqrt(fan-in)")
	f.StringVar(&o.Reset, "reset", o.Reset, "zero or subtract")
	f.IntVar(&o.Refractory, "refractory", 0, "refractory steps, 0..15")
	f.StringVar(&o.Out, "out", o.Out, "network file to write (the checkpoint and plots go beside it)")
	f.BoolVar(&o.Resume, "resume", false, "continue from the checkpoint beside --out")
	f.StringVar(&o.InitFrom, "init", "", "start from the float weights of this checkpoint (e.g. an 8-bit run, to train at 2 bits)")
	f.BoolVar(&o.Plots, "plots", true, "draw PNG plots beside --out")
	f.IntVar(&o.Workers, "workers", 0, "goroutines over a batch (0: all cores); results do not depend on it")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return c
}

// NewEvalCommand returns `lifkit eval`.
func NewEvalCommand() *cobra.Command {
	o := DefaultOptions()
	var netPath, split string
	c := &cobra.Command{
		Use:   "eval",
		Short: "Report the accuracy of an integer network on a data set, run by sim",
		Args:  cobra.NoArgs,
		Example: `  lifkit eval --net mnist.yaml --dataset mnist
  lifkit eval --net randman.yaml --dataset randman --split val`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := netfile.Load(netPath)
			if err != nil {
				return err
			}
			_, err = Eval(n, o, split, cmd.OutOrStdout())
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&netPath, "net", "net.yaml", "network file")
	f.StringVar(&o.Dataset, "dataset", o.Dataset, "randman, mnist, fashion, idx:DIR or events:TRAIN.yaml[,TEST.yaml]")
	f.Uint64Var(&o.DataSeed, "data-seed", o.DataSeed, "seed of the generated randman data (as in training)")
	f.IntVar(&o.RandmanSamples, "randman-samples", 0, "randman samples per class (as in training)")
	f.StringVar(&o.Encoding, "encoding", o.Encoding, "image encoding: rate or latency (as in training)")
	f.IntVar(&o.Steps, "steps", 0, "steps per sample (default: randman 100, images 25)")
	f.StringVar(&split, "split", "test", "test, val or train")
	return c
}

// Eval runs n with sim over one split of the data set the options name and prints accuracy,
// firing rates and synaptic operations per sample. It returns the accuracy.
func Eval(n *sim.Network, o Options, split string, w io.Writer) (float64, error) {
	o.dataDefaults()
	ds, err := loadData(o)
	if err != nil {
		return 0, err
	}
	if ds.Inputs != n.Inputs {
		return 0, fmt.Errorf("eval: the network has %d inputs, data set %s has %d", n.Inputs, ds.Name, ds.Inputs)
	}
	if ds.Classes > n.Outputs() {
		return 0, fmt.Errorf("eval: the network has %d outputs, data set %s has %d classes", n.Outputs(), ds.Name, ds.Classes)
	}
	samples := map[string][]sim.Sample{"test": ds.Test, "val": ds.Val, "train": ds.Train}[split]
	if samples == nil {
		return 0, fmt.Errorf("eval: --split must be test, val or train (and not empty), got %q", split)
	}
	ev, err := evaluateSim(n, samples)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "%s %s: %.2f%% accuracy on %d samples (integer network run by sim)\n", ds.Name, split, 100*ev.accuracy, len(samples))
	for li, r := range ev.rates {
		if r == nil {
			continue
		}
		var s float64
		for _, v := range r {
			s += v
		}
		fmt.Fprintf(w, "layer %d: %.2f spikes per neuron per sample\n", li+1, s/float64(len(r)))
	}
	fmt.Fprintf(w, "%.0f input spikes and %.0f synaptic operations per sample\n", ev.inSpikes, math.Round(ev.sops))
	return ev.accuracy, nil
}

// Demo is `make demo`'s training step: train a 20-128-10 network on a reduced randman set
// (quantization-aware, 8-bit weights) in about a minute, export it to dir/randman.yaml and
// evaluate it with sim. It returns the test accuracy of the integer network.
func Demo(dir string, w io.Writer) (float64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	o := DefaultOptions()
	o.Out = filepath.Join(dir, "randman.yaml")
	o.Epochs = 15
	o.RandmanSamples = 500
	if _, err := Train(o, w, nil); err != nil {
		return 0, err
	}
	n, err := netfile.Load(o.Out)
	if err != nil {
		return 0, err
	}
	return Eval(n, o, "test", w)
}

// NewDemoCommand returns `lifkit train-demo`, the training step of `make demo` (see Demo).
func NewDemoCommand() *cobra.Command {
	dir := "build/demo"
	c := &cobra.Command{
		Use:   "train-demo",
		Short: "Train a small randman network (about a minute), export it and evaluate it with sim",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := Demo(dir, cmd.OutOrStdout())
			return err
		},
	}
	c.Flags().StringVar(&dir, "dir", dir, "folder for the network, checkpoint and plots")
	return c
}
