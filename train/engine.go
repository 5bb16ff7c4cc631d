package train

import (
	"fmt"
	"math"

	"github.com/lifkit/lifkit/sim"
)

// Mode is how the forward pass computes.
type Mode string

// Modes.
const (
	// Float runs the float dynamics of rule S-19.
	Float Mode = "float"
	// QAT runs the integer rules of docs/semantics.md on the quantised network (weights,
	// thresholds and leaks as integers); the backward pass treats the integer state, divided by
	// the layer's state unit, as the float state (straight-through estimators).
	QAT Mode = "qat"
	// smooth replaces the spike step by Surrogate.Smooth: the model whose exact gradient the
	// backward pass computes when resets are not detached. Only the gradient check uses it.
	smooth Mode = "smooth"
)

// LossKind is the classification loss.
type LossKind string

// Losses.
const (
	// MaxOverTimeCE is cross-entropy of the readout membrane's maximum over time per class
	// (needs a readout output layer).
	MaxOverTimeCE LossKind = "max-membrane"
	// SpikeCountCE is cross-entropy of the output layer's spike counts times CountScale (needs
	// a lif output layer).
	SpikeCountCE LossKind = "spike-count"
)

// clayer is one layer prepared for a batch.
type clayer struct {
	kind        sim.Kind
	n, nin      int
	alpha       float64
	beta        float64
	theta       float64 // float units
	reset       sim.ResetMode
	refr        int
	fl          *sim.FloatLayer // float and smooth modes: the trainable layer
	ql          *sim.Layer      // QAT: the quantised layer
	unit        float64         // QAT: integer state per float unit
	W, R        []float64       // float weights the backward pass uses (effective weights in QAT)
	WT, RT      []float64       // W and R transposed (by target neuron), for the backward pass
	recurrent   bool
	outputLayer bool
}

// compiled is a network prepared for forward and backward passes.
type compiled struct {
	mode   Mode
	fnet   *sim.FloatNetwork
	qnet   *sim.Network
	layers []clayer
	inputs int
	seed   uint32
	table  *encoderTable
}

// compile prepares fn (float/smooth) or qn with formats qs (QAT).
func compile(mode Mode, fn *sim.FloatNetwork, qn *sim.Network, qs []LayerQuant, table *encoderTable) *compiled {
	c := &compiled{mode: mode, fnet: fn, qnet: qn, inputs: fn.Inputs, seed: fn.EncoderSeed, table: table}
	prev := fn.Inputs
	for li := range fn.Layers {
		fl := &fn.Layers[li]
		cl := clayer{kind: fl.Kind, n: fl.Size, nin: prev, alpha: fl.Alpha, beta: fl.Beta, theta: fl.Threshold,
			reset: fl.Reset, refr: fl.Refractory, fl: fl, W: fl.W, R: fl.R, recurrent: fl.R != nil,
			outputLayer: li == len(fn.Layers)-1}
		if mode == QAT {
			ql := &qn.Layers[li]
			cl.ql = ql
			cl.alpha = sim.RetainedFraction(ql.CurrentLeak)
			cl.beta = sim.RetainedFraction(ql.MembraneLeak)
			shift := float64(int64(1) << ql.WeightShift)
			if fl.Kind == sim.LIF {
				cl.unit = float64(ql.Threshold) / fl.Threshold
			} else {
				cl.unit = qs[li].Unit()
			}
			f := shift / cl.unit
			cl.W = make([]float64, len(ql.W))
			for k, w := range ql.W {
				cl.W[k] = float64(w) * f
			}
			if ql.R != nil {
				cl.R = make([]float64, len(ql.R))
				for k, w := range ql.R {
					cl.R[k] = float64(w) * f
				}
			}
		}
		if li > 0 {
			cl.WT = transpose(cl.W, prev, fl.Size)
		}
		if cl.R != nil {
			cl.RT = transpose(cl.R, fl.Size, fl.Size)
		}
		c.layers = append(c.layers, cl)
		prev = fl.Size
	}
	return c
}

// transpose returns the rows x cols matrix m (row-major) transposed.
func transpose(m []float64, rows, cols int) []float64 {
	t := make([]float64, len(m))
	for r := range rows {
		for c, v := range m[r*cols : (r+1)*cols] {
			t[c*rows+r] = v
		}
	}
	return t
}

// encoderTable holds the first draws of the LFSR encoder (rule S-13). The LFSR is re-seeded
// for every sample (rule S-6) and its draws do not depend on the data, so every sample sees
// the same draw sequence: draws[t*inputs + j] is the draw of input j at step t.
type encoderTable struct {
	seed   uint32
	inputs int
	steps  int
	draws  []uint8
}

func newEncoderTable(seed uint32, inputs, steps int) *encoderTable {
	e := &encoderTable{seed: seed, inputs: inputs, steps: steps, draws: make([]uint8, inputs*steps)}
	a := sim.LFSR(seed)
	for k := range e.draws {
		e.draws[k] = a.Draw()
	}
	return e
}

// trace is what the forward pass records of one layer for the backward pass.
type trace struct {
	n     int
	U     []float64 // [t*n+i]: membrane before reset (lif) or V (readout), float units
	S     []float64 // [t*n+i]: output (0/1, or the smooth spike), lif only
	ref   []bool    // [t*n+i]: refractory at step t (membrane frozen, no spike)
	off   []int32   // spikes of step t are idx[off[t]:off[t+1]]
	idx   []int32
	count []float64 // per neuron: sum over t of S
	// integer results (QAT) for the prediction of rule S-17
	icount []int32
	ivmax  []int32
}

func (tr *trace) reset(n, steps int, lif bool) {
	tr.n = n
	tr.U = grow(tr.U, n*steps)
	if lif {
		tr.S = grow(tr.S, n*steps)
		tr.ref = growBool(tr.ref, n*steps)
	}
	tr.off = append(tr.off[:0], 0)
	tr.idx = tr.idx[:0]
	tr.count = grow(tr.count, n)
	tr.icount = growI32(tr.icount, n)
	tr.ivmax = growI32(tr.ivmax, n)
	for i := range tr.ivmax {
		tr.ivmax[i] = math.MinInt32
	}
}

func (tr *trace) spikes(t int) []int32 { return tr.idx[tr.off[t]:tr.off[t+1]] }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func growBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func growI32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// worker holds one goroutine's scratch space for forward and backward passes.
type worker struct {
	steps  int
	in     trace // input spikes (idx/off only)
	layers []trace
	// integer and float state
	iI, iV [][]int32
	iacc   [][]int32
	fI, fV [][]float64
	facc   [][]float64
	r      [][]uint8
	srcBuf []int
	// draws, when non-nil, replaces the encoder's draw table for the current sample
	// (training-only augmentation; see Augment).
	draws   []uint8
	aug     augmentation
	prevBuf [][]int
	cur     [][]int
	// backward scratch
	gS  [][]float64 // dL/ds per layer [t*n+i] (lif) or dL/dV (readout)
	dI  []float64
	cV  []float64
	cI  []float64
	rec []float64
	reg []float64
}

func newWorker(c *compiled) *worker {
	w := &worker{layers: make([]trace, len(c.layers))}
	for _, l := range c.layers {
		w.iI = append(w.iI, make([]int32, l.n))
		w.iV = append(w.iV, make([]int32, l.n))
		w.iacc = append(w.iacc, make([]int32, l.n))
		w.fI = append(w.fI, make([]float64, l.n))
		w.fV = append(w.fV, make([]float64, l.n))
		w.facc = append(w.facc, make([]float64, l.n))
		w.r = append(w.r, make([]uint8, l.n))
		w.prevBuf = append(w.prevBuf, nil)
		w.cur = append(w.cur, make([]int, 0, l.n))
		w.gS = append(w.gS, nil)
	}
	return w
}

// inputSpikes forms the input spikes of step t: events as given (rule S-14) or the encoder's
// (rule S-13, from the precomputed draw table).
func (w *worker) inputSpikes(c *compiled, s *sim.Sample, t int) []int {
	src := w.srcBuf[:0]
	switch {
	case s.Intensity != nil:
		all := c.table.draws
		if w.draws != nil {
			all = w.draws
		}
		d := all[t*c.inputs : (t+1)*c.inputs]
		for j, x := range s.Intensity {
			if d[j] < x {
				src = append(src, j)
			}
		}
	case t < len(s.Spikes):
		src = append(src, s.Spikes[t]...)
	}
	w.srcBuf = src
	return src
}

// forward runs sample s through c from the zero state (rule S-6), recording every layer's
// trace.
func (w *worker) forward(c *compiled, s *sim.Sample, surr Surrogate) {
	T := s.Steps
	w.steps = T
	w.in.off = append(w.in.off[:0], 0)
	w.in.idx = w.in.idx[:0]
	for li := range c.layers {
		l := &c.layers[li]
		w.layers[li].reset(l.n, T, l.kind == sim.LIF)
		clear(w.iI[li])
		clear(w.iV[li])
		clear(w.fI[li])
		clear(w.fV[li])
		clear(w.r[li])
		w.prevBuf[li] = w.prevBuf[li][:0]
	}
	for t := range T {
		src := w.inputSpikes(c, s, t)
		for _, j := range src {
			w.in.idx = append(w.in.idx, int32(j))
		}
		w.in.off = append(w.in.off, int32(len(w.in.idx)))
		var srcVal []float64 // nil: all ones
		for li := range c.layers {
			l := &c.layers[li]
			tr := &w.layers[li]
			var cur []int
			switch c.mode {
			case QAT:
				cur = w.stepInt(l, li, tr, t, src)
			case Float:
				cur = w.stepFloat(l, li, tr, t, src)
			default:
				cur = w.stepSmooth(l, li, tr, t, src, srcVal, surr)
				if l.kind == sim.LIF {
					srcVal = tr.S[t*l.n : (t+1)*l.n]
				}
			}
			for _, i := range cur {
				tr.idx = append(tr.idx, int32(i))
			}
			tr.off = append(tr.off, int32(len(tr.idx)))
			w.cur[li] = cur
			w.prevBuf[li] = append(w.prevBuf[li][:0], cur...)
			src = w.prevBuf[li]
		}
	}
}

// stepInt applies rules S-8 .. S-11 to layer li in integers, exactly as sim.Machine does, and
// records the state in float units. It returns the spiking neurons.
func (w *worker) stepInt(l *clayer, li int, tr *trace, t int, src []int) []int {
	ql := l.ql
	n := l.n
	acc := w.iacc[li]
	clear(acc)
	sim.AddRows(acc, ql.W, src) // S-8
	if ql.R != nil {
		sim.AddRows(acc, ql.R, w.prevBuf[li])
	}
	h := ql.WeightShift // the one shift of rule S-8, applied per neuron below
	hi := int64(1)<<(ql.StateBits-1) - 1
	lo := -hi - 1
	sat := func(x int64) int32 { // sat_S, as sim.Saturate
		return int32(max(lo, min(hi, x)))
	}
	lamI, lamV := int64(ql.CurrentLeak), int64(ql.MembraneLeak)
	I, V, r := w.iI[li], w.iV[li], w.r[li]
	U := tr.U[t*n : (t+1)*n]
	inv := 1 / l.unit
	spikes := w.cur[li][:0]
	for i := range n {
		x := int64(I[i])
		cur := sat(x - (x*lamI)>>sim.LeakBits + int64(acc[i])<<h) // S-7, S-9
		I[i] = cur
		if l.kind == sim.Readout { // S-11
			y := int64(V[i])
			v := sat(y - (y*lamV)>>sim.LeakBits + int64(cur))
			V[i] = v
			U[i] = float64(v) * inv
			if v > tr.ivmax[i] {
				tr.ivmax[i] = v
			}
			continue
		}
		if r[i] > 0 { // S-10, refractory
			r[i]--
			tr.ref[t*n+i] = true
			U[i] = float64(V[i]) * inv
			continue
		}
		y := int64(V[i])
		v := sat(y - (y*lamV)>>sim.LeakBits + int64(cur)) // S-7, S-10
		U[i] = float64(v) * inv
		if v >= ql.Threshold {
			tr.S[t*n+i] = 1
			tr.count[i]++
			tr.icount[i]++
			spikes = append(spikes, i)
			if ql.Reset == sim.ResetZero {
				v = 0
			} else {
				v -= ql.Threshold
			}
			r[i] = uint8(ql.Refractory)
		}
		V[i] = v
	}
	return spikes
}

// stepFloat applies rule S-19 to layer li in float64, in the same order of additions as
// sim.RunFloat.
func (w *worker) stepFloat(l *clayer, li int, tr *trace, t int, src []int) []int {
	n := l.n
	acc := w.facc[li]
	sim.FloatAccumulate(acc, l.fl, src, w.prevBuf[li])
	I, V, r := w.fI[li], w.fV[li], w.r[li]
	U := tr.U[t*n : (t+1)*n]
	spikes := w.cur[li][:0]
	for i := range n {
		I[i] = l.alpha*I[i] + acc[i]
		if l.kind == sim.Readout {
			V[i] = l.beta*V[i] + I[i]
			U[i] = V[i]
			continue
		}
		if r[i] > 0 {
			r[i]--
			tr.ref[t*n+i] = true
			U[i] = V[i]
			continue
		}
		v := l.beta*V[i] + I[i]
		U[i] = v
		if v >= l.theta {
			tr.S[t*n+i] = 1
			tr.count[i]++
			tr.icount[i]++
			spikes = append(spikes, i)
			if l.reset == sim.ResetZero {
				v = 0
			} else {
				v -= l.theta
			}
			r[i] = uint8(l.refr)
		}
		V[i] = v
	}
	return spikes
}

// stepSmooth is stepFloat with the smooth spike Surrogate.Smooth(U - threshold) in place of
// the step, dense real-valued outputs, the reset applied with the smooth spike (V = U - θ s or
// V = U (1 - s)) and no refractory period.
func (w *worker) stepSmooth(l *clayer, li int, tr *trace, t int, src []int, srcVal []float64, surr Surrogate) []int {
	n := l.n
	acc := w.facc[li]
	clear(acc)
	for _, j := range src {
		x := 1.0
		if srcVal != nil {
			x = srcVal[j]
		}
		row := l.W[j*n : j*n+n]
		for i, wv := range row {
			acc[i] += x * wv
		}
	}
	if l.recurrent && t > 0 {
		prev := w.layers[li].S[(t-1)*n : t*n]
		for k := range n {
			row := l.R[k*n : k*n+n]
			for i, wv := range row {
				acc[i] += prev[k] * wv
			}
		}
	}
	I, V := w.fI[li], w.fV[li]
	U := tr.U[t*n : (t+1)*n]
	all := w.cur[li][:0]
	for i := range n {
		I[i] = l.alpha*I[i] + acc[i]
		v := l.beta*V[i] + I[i]
		U[i] = v
		if l.kind == sim.Readout {
			V[i] = v
			continue
		}
		s := surr.Smooth(v - l.theta)
		tr.S[t*n+i] = s
		tr.count[i] += s
		if l.reset == sim.ResetZero {
			v *= 1 - s
		} else {
			v -= l.theta * s
		}
		V[i] = v
		all = append(all, i)
	}
	return all
}

// Objective holds the loss settings.
type Objective struct {
	Loss       LossKind
	CountScale float64 // logits = CountScale * spike count (SpikeCountCE); default 1
	// RegTotal is the weight of the L1 regulariser on every hidden layer's total spike count per
	// sample; RegNeuron the weight of the L2 regulariser on per-neuron spike counts.
	RegTotal, RegNeuron float64
	// DetachReset drops the reset from the gradient (the reset is treated as a constant, as in
	// the SpyTorch recipe). The gradient check sets it false.
	DetachReset bool
}

// sampleResult is the outcome of one forward pass.
type sampleResult struct {
	loss, regLoss float64
	pred          int
	logits        []float64
}

// logits computes the class scores of the last forward pass and the prediction of rule S-17
// (from the integer state in QAT).
func (w *worker) logits(c *compiled, obj Objective, dst []float64) ([]float64, int, []int) {
	last := len(c.layers) - 1
	l := &c.layers[last]
	tr := &w.layers[last]
	n := l.n
	dst = grow(dst, n)
	argT := make([]int, n)
	if l.kind == sim.Readout {
		for i := range n {
			best := math.Inf(-1)
			for t := range w.steps {
				if u := tr.U[t*n+i]; u > best {
					best, argT[i] = u, t
				}
			}
			dst[i] = best
		}
	} else {
		cs := obj.CountScale
		if cs == 0 {
			cs = 1
		}
		for i := range n {
			dst[i] = cs * tr.count[i]
		}
	}
	var pred int
	switch {
	case c.mode == QAT && l.kind == sim.Readout:
		pred = argmaxI32(tr.ivmax)
	case c.mode == QAT:
		pred = argmaxI32(tr.icount)
	default:
		pred = argmaxF(dst)
	}
	return dst, pred, argT
}

func argmaxI32(v []int32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

func argmaxF(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// softmaxCE returns the cross-entropy of logits for label y and writes softmax - onehot into g.
func softmaxCE(z []float64, y int, g []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	var sum float64
	for i, v := range z {
		g[i] = math.Exp(v - m)
		sum += g[i]
	}
	for i := range g {
		g[i] /= sum
	}
	loss := -math.Log(max(g[y], 1e-300))
	g[y]--
	return loss
}

// grads holds gradient accumulators shaped like a network's weights.
type grads struct {
	W, R [][]float64
}

func newGrads(fn *sim.FloatNetwork) *grads {
	g := &grads{W: make([][]float64, len(fn.Layers)), R: make([][]float64, len(fn.Layers))}
	for li, l := range fn.Layers {
		g.W[li] = make([]float64, len(l.W))
		if l.R != nil {
			g.R[li] = make([]float64, len(l.R))
		}
	}
	return g
}

func (g *grads) zero() {
	for li := range g.W {
		clear(g.W[li])
		clear(g.R[li])
	}
}

func (g *grads) add(o *grads) {
	for li := range g.W {
		for k, v := range o.W[li] {
			g.W[li][k] += v
		}
		for k, v := range o.R[li] {
			g.R[li][k] += v
		}
	}
}

// sample runs forward (and, with g non-nil, backward) for one labelled sample and adds the
// gradient of its loss into g.
func (w *worker) sample(c *compiled, s *sim.Sample, obj Objective, surr Surrogate, g *grads) (sampleResult, error) {
	if c.mode == smooth {
		for _, l := range c.layers {
			if l.refr != 0 {
				return sampleResult{}, fmt.Errorf("train: the smooth model has no refractory period")
			}
		}
	}
	w.forward(c, s, surr)
	z, pred, argT := w.logits(c, obj, nil)
	res := sampleResult{pred: pred, logits: z}
	if s.Label < 0 || s.Label >= len(z) {
		return res, fmt.Errorf("train: sample label %d is outside 0..%d", s.Label, len(z)-1)
	}
	dz := make([]float64, len(z))
	res.loss = softmaxCE(z, s.Label, dz)
	// activity regularisers on hidden lif layers
	for li := 0; li < len(c.layers)-1; li++ {
		for _, cnt := range w.layers[li].count {
			res.regLoss += obj.RegTotal*cnt + obj.RegNeuron*cnt*cnt
		}
	}
	if g != nil {
		w.backward(c, obj, surr, dz, argT, g)
	}
	return res, nil
}

// backward is backpropagation through time from the loss gradient dz (per class logit) to the
// weights, accumulated into g. It differentiates rule S-19 with the surrogate in place of the
// step's derivative; in QAT the recorded integer state (in float units) and the effective
// integer weights stand in for the float ones.
func (w *worker) backward(c *compiled, obj Objective, surr Surrogate, dz []float64, argT []int, g *grads) {
	T := w.steps
	L := len(c.layers)
	for li := range c.layers {
		w.gS[li] = grow(w.gS[li], T*c.layers[li].n)
	}
	// loss gradient into the output layer
	last := &c.layers[L-1]
	if last.kind == sim.Readout {
		for i, d := range dz {
			w.gS[L-1][argT[i]*last.n+i] += d
		}
	} else {
		cs := obj.CountScale
		if cs == 0 {
			cs = 1
		}
		for t := range T {
			row := w.gS[L-1][t*last.n : (t+1)*last.n]
			for i, d := range dz {
				row[i] += cs * d
			}
		}
	}
	for li := L - 1; li >= 0; li-- {
		l := &c.layers[li]
		tr := &w.layers[li]
		n := l.n
		gS := w.gS[li]
		w.dI = grow(w.dI, T*n)
		w.cV = grow(w.cV, n)
		w.cI = grow(w.cI, n)
		w.rec = grow(w.rec, n)
		w.reg = grow(w.reg, n)
		if li < L-1 {
			for i, cnt := range tr.count {
				w.reg[i] = obj.RegTotal + 2*obj.RegNeuron*cnt
			}
		}
		// the last step with a nonzero gradient: later steps cannot influence the loss
		tEnd := T - 1
		if obj.RegTotal == 0 && obj.RegNeuron == 0 || li == L-1 {
			for tEnd >= 0 && allZero(gS[tEnd*n:(tEnd+1)*n]) {
				tEnd--
			}
		}
		var gPrev []float64
		if li > 0 {
			gPrev = w.gS[li-1]
		}
		nin := l.nin
		gW, gR := g.W[li], g.R[li]
		for t := tEnd; t >= 0; t-- {
			dI := w.dI[t*n : (t+1)*n]
			U := tr.U[t*n : (t+1)*n]
			gs := gS[t*n : (t+1)*n]
			if l.kind == sim.Readout {
				for i := range n {
					dV := gs[i] + w.cV[i]
					dI[i] = dV + w.cI[i]
					w.cV[i] = l.beta * dV
					w.cI[i] = l.alpha * dI[i]
				}
			} else {
				S := tr.S[t*n : (t+1)*n]
				ref := tr.ref[t*n : (t+1)*n]
				for i := range n {
					if ref[i] {
						// membrane frozen: V(t) = V(t-1); the current still integrates
						dI[i] = w.cI[i]
						w.cI[i] = l.alpha * dI[i]
						continue
					}
					gsi := gs[i] + w.reg[i] + w.rec[i]
					cv := w.cV[i]
					var dVdU, dVds float64
					if l.reset == sim.ResetZero {
						dVdU, dVds = 1-S[i], -U[i]
					} else {
						dVdU, dVds = 1, -l.theta
					}
					if obj.DetachReset {
						dVds = 0
					}
					dU := cv*dVdU + (gsi+cv*dVds)*surr.Deriv(U[i]-l.theta)
					dI[i] = dU + w.cI[i]
					w.cV[i] = l.beta * dU
					w.cI[i] = l.alpha * dI[i]
				}
			}
			// weight gradients: dW[j] += x_j(t) * dI(t) over the sources active at t
			if c.mode == smooth && li > 0 {
				x := w.layers[li-1].S[t*nin : (t+1)*nin]
				for j := range nin {
					axpy(gW[j*n:j*n+n], x[j], dI)
				}
			} else {
				var spk []int32
				if li == 0 {
					spk = w.in.spikes(t)
				} else {
					spk = w.layers[li-1].spikes(t)
				}
				for _, j := range spk {
					addTo(gW[int(j)*n:int(j)*n+n], dI)
				}
			}
			// gradient into the previous layer's outputs: gPrev(t) += W dI(t), as a sum of
			// columns so that zero entries of dI cost nothing
			if gPrev != nil {
				gp := gPrev[t*nin : (t+1)*nin]
				for i, d := range dI {
					axpy(gp, d, l.WT[i*nin:(i+1)*nin])
				}
			}
			// recurrence: I(t) got R^T s(t-1)
			if l.recurrent {
				clear(w.rec)
				if t > 0 {
					if c.mode == smooth {
						x := tr.S[(t-1)*n : t*n]
						for k := range n {
							axpy(gR[k*n:k*n+n], x[k], dI)
						}
					} else {
						for _, k := range tr.spikes(t - 1) {
							addTo(gR[int(k)*n:int(k)*n+n], dI)
						}
					}
					for i, d := range dI {
						axpy(w.rec, d, l.RT[i*n:(i+1)*n])
					}
				}
			}
		}
	}
}

func allZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func addTo(dst, x []float64) {
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, v := dst[i:i+4:i+4], x[i:i+4:i+4]
		d[0] += v[0]
		d[1] += v[1]
		d[2] += v[2]
		d[3] += v[3]
	}
	for ; i < len(dst); i++ {
		dst[i] += x[i]
	}
}

func axpy(dst []float64, a float64, x []float64) {
	if a == 0 {
		return
	}
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += a * v
	}
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
