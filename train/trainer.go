package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lifkit/lifkit/sim"
)

// chunkSize is the number of samples whose gradients one goroutine sums in order. Chunks are
// summed in index order, so a batch's gradient does not depend on the number of cores.
const chunkSize = 16

// Config holds the training settings.
type Config struct {
	Mode      Mode // Float or QAT (default QAT)
	Objective Objective
	Surrogate Surrogate
	LR        float64 // Adam learning rate (default 2e-3)
	BatchSize int     // default 256
	// Convert is the integer format: QAT trains in it; Float mode converts to it at the end.
	Convert ConvertOptions
	// Seed drives the shuffling of every epoch.
	Seed uint64
	// Workers bounds the goroutines over a batch (default GOMAXPROCS). Results do not depend
	// on it.
	Workers int
	// WeightDecay is decoupled weight decay (AdamW, Loshchilov & Hutter 2019): every update
	// first multiplies each weight by 1 - LR*WeightDecay, with the current learning rate.
	// Default 0 (off).
	WeightDecay float64
	// Augment is training-only data augmentation, applied by RunEpoch (default: none).
	Augment Augment
}

func (c Config) withDefaults() Config {
	if c.Mode == "" {
		c.Mode = QAT
	}
	if c.LR == 0 {
		c.LR = 2e-3
	}
	if c.BatchSize == 0 {
		c.BatchSize = 256
	}
	if c.Surrogate.Kind == "" {
		c.Surrogate = Surrogate{Kind: FastSigmoid, Scale: 10}
	}
	if c.Objective.Loss == "" {
		c.Objective.Loss = MaxOverTimeCE
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	c.Convert = c.Convert.withDefaults()
	return c
}

// Trainer trains a float network by surrogate-gradient BPTT with Adam. The caller drives the
// loop (Step per batch, or RunEpoch per epoch) and observes it through a Recorder.
type Trainer struct {
	Config Config
	// Net holds the trainable float weights (rule S-19).
	Net *sim.FloatNetwork
	// Quant is the integer format the QAT forward pass last used; it is recalibrated from the
	// weights before every batch and evaluation (see Integer).
	Quant []LayerQuant
	Adam  Adam
	// EpochsDone counts completed epochs (RunEpoch); it seeds the next epoch's shuffle.
	EpochsDone int

	params  *grads
	chunks  []*grads
	workers []*worker
	tables  map[int]*encoderTable
	mu      sync.Mutex
}

// NewTrainer checks fn and cfg and returns a Trainer that updates fn in place.
func NewTrainer(fn *sim.FloatNetwork, cfg Config) (*Trainer, error) {
	cfg = cfg.withDefaults()
	if err := fn.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.Mode != Float && cfg.Mode != QAT {
		return nil, fmt.Errorf("train: mode must be %q or %q, got %q", Float, QAT, cfg.Mode)
	}
	if _, err := ParseSurrogate(string(cfg.Surrogate.Kind), cfg.Surrogate.Scale); err != nil {
		return nil, err
	}
	last := fn.Layers[len(fn.Layers)-1].Kind
	switch cfg.Objective.Loss {
	case MaxOverTimeCE:
		if last != sim.Readout {
			return nil, fmt.Errorf("train: loss %q needs a readout output layer; use %q with a lif output", MaxOverTimeCE, SpikeCountCE)
		}
	case SpikeCountCE:
		if last != sim.LIF {
			return nil, fmt.Errorf("train: loss %q needs a lif output layer; use %q with a readout", SpikeCountCE, MaxOverTimeCE)
		}
	default:
		return nil, fmt.Errorf("train: unknown loss %q; use %q or %q", cfg.Objective.Loss, MaxOverTimeCE, SpikeCountCE)
	}
	if cfg.BatchSize < 1 {
		return nil, fmt.Errorf("train: batch size must be at least 1, got %d", cfg.BatchSize)
	}
	if cfg.WeightDecay < 0 || cfg.WeightDecay*cfg.LR >= 1 {
		return nil, fmt.Errorf("train: weight decay must be at least 0 and below 1/lr, got %g", cfg.WeightDecay)
	}
	if err := cfg.Augment.check(fn.Inputs); err != nil {
		return nil, err
	}
	t := &Trainer{Config: cfg, Net: fn, tables: map[int]*encoderTable{}}
	t.params = &grads{W: make([][]float64, len(fn.Layers)), R: make([][]float64, len(fn.Layers))}
	for li := range fn.Layers {
		t.params.W[li], t.params.R[li] = fn.Layers[li].W, fn.Layers[li].R
	}
	t.Adam = DefaultAdam(cfg.LR)
	t.Adam.WeightDecay = cfg.WeightDecay
	t.Adam.M, t.Adam.V = newGrads(fn), newGrads(fn)
	if err := t.Calibrate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Calibrate recomputes the integer format from the current weights (see Calibrate).
func (t *Trainer) Calibrate() error {
	qs, err := Calibrate(t.Net, t.Config.Convert)
	if err != nil {
		return err
	}
	t.Quant = qs
	return nil
}

// Integer returns the integer network of the current weights: Calibrate, then Quantize. In
// QAT mode it is exactly the network the trainer's forward pass runs (Step and Evaluate
// calibrate the same way); in Float mode it is the conversion of the float network.
func (t *Trainer) Integer() (*sim.Network, error) {
	if err := t.Calibrate(); err != nil {
		return nil, err
	}
	return Quantize(t.Net, t.Quant)
}

func (t *Trainer) table(steps int) *encoderTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.tables[steps]
	if e == nil || e.seed != t.Net.EncoderSeed {
		e = newEncoderTable(t.Net.EncoderSeed, t.Net.Inputs, steps)
		t.tables[steps] = e
	}
	return e
}

// compileFor prepares the network for samples of the given batch.
func (t *Trainer) compileFor(mode Mode, samples []sim.Sample) (*compiled, error) {
	steps := 0
	for i := range samples {
		if err := samples[i].Check(t.Net.Inputs); err != nil {
			return nil, fmt.Errorf("train: sample %d: %w", i, err)
		}
		if samples[i].Intensity != nil {
			steps = max(steps, samples[i].Steps)
		}
	}
	var tab *encoderTable
	if steps > 0 {
		tab = t.table(steps)
	}
	if mode != QAT {
		return compile(mode, t.Net, nil, nil, tab), nil
	}
	qn, err := t.Integer() // recalibrates: the integer format follows the weights
	if err != nil {
		return nil, err
	}
	return compile(QAT, t.Net, qn, t.Quant, tab), nil
}

func (t *Trainer) worker(k int, c *compiled) *worker {
	for len(t.workers) <= k {
		t.workers = append(t.workers, nil)
	}
	w := t.workers[k]
	if w == nil || len(w.layers) != len(c.layers) {
		w = newWorker(c)
		t.workers[k] = w
	}
	return w
}

// BatchStats summarises one Step.
type BatchStats struct {
	Samples  int
	Loss     float64 // mean classification loss
	RegLoss  float64 // mean regulariser loss
	Correct  int     // predictions equal to the label (the forward pass's own rule S-17)
	Duration time.Duration
}

// Step runs forward and backward passes over batch (in parallel over fixed chunks, summed in
// order) and applies one Adam update to the mean gradient. In QAT mode the weights are then
// clamped to the range the integer format can hold. Step uses the samples as given (no
// augmentation; RunEpoch augments).
func (t *Trainer) Step(batch []sim.Sample) (BatchStats, error) {
	return t.step(batch, nil)
}

// step is Step; keys, when non-nil, identify every sample of the batch for Config.Augment.
func (t *Trainer) step(batch []sim.Sample, keys []augKey) (BatchStats, error) {
	start := time.Now()
	if len(batch) == 0 {
		return BatchStats{}, errors.New("train: empty batch")
	}
	c, err := t.compileFor(t.Config.Mode, batch)
	if err != nil {
		return BatchStats{}, err
	}
	nch := (len(batch) + chunkSize - 1) / chunkSize
	for len(t.chunks) < nch {
		t.chunks = append(t.chunks, newGrads(t.Net))
	}
	results := make([]sampleResult, len(batch))
	err = t.parallel(nch, c, func(w *worker, ch int) error {
		g := t.chunks[ch]
		g.zero()
		for i := ch * chunkSize; i < min(len(batch), (ch+1)*chunkSize); i++ {
			s := &batch[i]
			w.draws = nil
			if keys != nil {
				var err error
				if s, w.draws, err = w.aug.apply(&t.Config, s, keys[i]); err != nil {
					return fmt.Errorf("sample %d: %w", i, err)
				}
			}
			r, err := w.sample(c, s, t.Config.Objective, t.Config.Surrogate, g)
			w.draws = nil
			if err != nil {
				return fmt.Errorf("sample %d: %w", i, err)
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		return BatchStats{}, err
	}
	total := t.chunks[0]
	for ch := 1; ch < nch; ch++ {
		total.add(t.chunks[ch])
	}
	inv := 1 / float64(len(batch))
	for li := range total.W {
		scaleSlice(total.W[li], inv)
		scaleSlice(total.R[li], inv)
	}
	t.Adam.update(t.params, total)
	if t.Config.Mode == QAT {
		t.clampWeights()
	}
	st := BatchStats{Samples: len(batch), Duration: time.Since(start)}
	for i, r := range results {
		st.Loss += r.loss * inv
		st.RegLoss += r.regLoss * inv
		if r.pred == batch[i].Label {
			st.Correct++
		}
	}
	if math.IsNaN(st.Loss) {
		return st, errors.New("train: the loss is NaN; lower the learning rate")
	}
	return st, nil
}

func scaleSlice(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}

// clampWeights keeps every float weight within twice the integer range of its layer's
// current format: weights clipped by the format (fewer than 8 bits) cannot drift without
// bound, while the range itself can still grow, since the format is recalibrated from the
// weights before every batch.
func (t *Trainer) clampWeights() {
	for li := range t.Net.Layers {
		q := t.Quant[li]
		hi := 2 * float64(q.weightMax()+1) / q.Scale
		lo := -hi
		for _, ws := range [][]float64{t.Net.Layers[li].W, t.Net.Layers[li].R} {
			for k, w := range ws {
				ws[k] = max(lo, min(hi, w))
			}
		}
	}
}

// parallel runs job(worker, k) for k in 0..n-1 on up to Config.Workers goroutines.
func (t *Trainer) parallel(n int, c *compiled, job func(w *worker, k int) error) error {
	nw := t.Config.Workers
	if nw <= 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	nw = max(1, min(nw, n))
	ws := make([]*worker, nw)
	for k := range ws {
		ws[k] = t.worker(k, c)
	}
	var next atomic.Int64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = job(ws[k], i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	return nil
}

// EvalStats summarises a pass over a data set without training.
type EvalStats struct {
	Samples  int
	Correct  int
	Loss     float64 // mean classification loss
	Accuracy float64
	// Rates[l][i] is the mean spike count per sample of neuron i of lif layer l.
	Rates [][]float64
	// Predictions and per-layer spike counts of every sample, for comparison with sim.
	Predictions []int
	Counts      [][][]int32 // Counts[sample][layer][neuron]
}

// Evaluate runs the trainer's own forward pass (the integer rules in QAT mode) over samples.
// keepCounts keeps every sample's spike counts (memory: samples x neurons).
func (t *Trainer) Evaluate(samples []sim.Sample, keepCounts bool) (EvalStats, error) {
	return t.evaluate(t.Config.Mode, samples, keepCounts)
}

func (t *Trainer) evaluate(mode Mode, samples []sim.Sample, keepCounts bool) (EvalStats, error) {
	st := EvalStats{Samples: len(samples), Predictions: make([]int, len(samples))}
	if len(samples) == 0 {
		return st, nil
	}
	c, err := t.compileFor(mode, samples)
	if err != nil {
		return st, err
	}
	if keepCounts {
		st.Counts = make([][][]int32, len(samples))
	}
	losses := make([]float64, len(samples))
	nch := (len(samples) + chunkSize - 1) / chunkSize
	rates := make([][][]float64, nch)
	err = t.parallel(nch, c, func(w *worker, ch int) error {
		rates[ch] = make([][]float64, len(c.layers))
		for li, l := range c.layers {
			rates[ch][li] = make([]float64, l.n)
		}
		for i := ch * chunkSize; i < min(len(samples), (ch+1)*chunkSize); i++ {
			r, err := w.sample(c, &samples[i], t.Config.Objective, t.Config.Surrogate, nil)
			if err != nil {
				return fmt.Errorf("sample %d: %w", i, err)
			}
			losses[i] = r.loss
			st.Predictions[i] = r.pred
			for li := range c.layers {
				for k, v := range w.layers[li].icount {
					rates[ch][li][k] += float64(v)
				}
			}
			if keepCounts {
				st.Counts[i] = make([][]int32, len(c.layers))
				for li := range c.layers {
					st.Counts[i][li] = append([]int32(nil), w.layers[li].icount...)
				}
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Rates = make([][]float64, len(c.layers))
	for li, l := range c.layers {
		st.Rates[li] = make([]float64, l.n)
		for ch := range rates {
			for k, v := range rates[ch][li] {
				st.Rates[li][k] += v / float64(len(samples))
			}
		}
	}
	for i, p := range st.Predictions {
		st.Loss += losses[i] / float64(len(samples))
		if p == samples[i].Label {
			st.Correct++
		}
	}
	st.Accuracy = float64(st.Correct) / float64(len(samples))
	return st, nil
}

// EventKind says what a recorded Event reports.
type EventKind int

// Event kinds.
const (
	BatchDone EventKind = iota // one Step finished
	EpochDone                  // one RunEpoch finished (and the caller's evaluation, if any)
)

// Event is one observation of a training run.
type Event struct {
	Kind           EventKind
	Epoch          int // 0-based epoch
	Batch, Batches int // batch index within the epoch and the epoch's batch count
	Stats          BatchStats
	// Epoch-level figures (EpochDone).
	Loss, Accuracy       float64 // training loss and accuracy over the epoch
	ValLoss, ValAccuracy float64 // filled by the caller when it evaluates (NaN when not)
	SamplesPerSec        float64
	Elapsed              time.Duration
}

// Recorder observes a training run; RunEpoch calls it after every batch. A non-nil error stops
// the epoch.
type Recorder interface {
	Record(Event) error
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(Event) error

// Record calls f.
func (f RecorderFunc) Record(e Event) error { return f(e) }

// RunEpoch shuffles data (with Config.Seed and the epoch number,
// so a resumed run repeats the same order), runs Step over every batch (with the
// augmentation of Config.Augment, keyed by the epoch and each sample's index in data), records a BatchDone
// event after each (rec may be nil) and returns the epoch's summary as an EpochDone event,
// which the caller completes with validation figures and records.
func (t *Trainer) RunEpoch(data []sim.Sample, rec Recorder) (Event, error) {
	if len(data) == 0 {
		return Event{}, errors.New("train: no training samples")
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(t.Config.Seed, uint64(t.EpochsDone)+1))
	perm := rng.Perm(len(data))
	bs := t.Config.BatchSize
	nb := (len(data) + bs - 1) / bs
	batch := make([]sim.Sample, 0, bs)
	var keys []augKey
	if t.Config.Augment.active() {
		keys = make([]augKey, 0, bs)
	}
	ev := Event{Kind: EpochDone, Epoch: t.EpochsDone, Batches: nb, ValLoss: math.NaN(), ValAccuracy: math.NaN()}
	correct := 0
	for b := range nb {
		batch = batch[:0]
		if keys != nil {
			keys = keys[:0]
		}
		for _, i := range perm[b*bs : min(len(data), (b+1)*bs)] {
			batch = append(batch, data[i])
			if keys != nil {
				keys = append(keys, augKey{epoch: t.EpochsDone, index: i})
			}
		}
		st, err := t.step(batch, keys)
		if err != nil {
			return ev, fmt.Errorf("epoch %d batch %d: %w", t.EpochsDone, b, err)
		}
		ev.Loss += st.Loss * float64(st.Samples) / float64(len(data))
		correct += st.Correct
		if rec != nil {
			el := time.Since(start)
			if err := rec.Record(Event{Kind: BatchDone, Epoch: t.EpochsDone, Batch: b, Batches: nb, Stats: st,
				Elapsed: el, SamplesPerSec: float64(min(len(data), (b+1)*bs)) / el.Seconds()}); err != nil {
				return ev, err
			}
		}
	}
	ev.Accuracy = float64(correct) / float64(len(data))
	ev.Elapsed = time.Since(start)
	ev.SamplesPerSec = float64(len(data)) / ev.Elapsed.Seconds()
	t.EpochsDone++
	return ev, nil
}

// ScratchBytes is the memory the trainer holds for forward and backward passes: the traces
// and gradient buffers of every worker and the per-chunk gradient sums. Together with the
// network, the optimiser state (two copies of the weights) and the data it is the trainer's
// whole footprint.
func (t *Trainer) ScratchBytes() (perWorker, chunks int) {
	for _, w := range t.workers {
		if w == nil {
			continue
		}
		b := 4*cap(w.in.idx) + 4*cap(w.in.off)
		for li := range w.layers {
			tr := &w.layers[li]
			b += 8*(cap(tr.U)+cap(tr.S)+cap(tr.count)+cap(w.gS[li])) + cap(tr.ref) + 4*(cap(tr.idx)+cap(tr.off)+cap(tr.icount)+cap(tr.ivmax))
			b += 4*(len(w.iI[li])+len(w.iV[li])+len(w.iacc[li])) + 8*(len(w.fI[li])+len(w.fV[li])+len(w.facc[li]))
		}
		b += 8 * (cap(w.dI) + cap(w.cV) + cap(w.cI) + cap(w.rec) + cap(w.reg))
		perWorker = max(perWorker, b)
	}
	for _, g := range t.chunks {
		for li := range g.W {
			chunks += 8 * (len(g.W[li]) + len(g.R[li]))
		}
	}
	return perWorker, chunks
}
