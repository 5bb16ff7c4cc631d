package sim

import (
	"fmt"
	"math"
)

// FloatLayer is one layer of the float model of rule S-19: the structure of Layer over
// float64, with retained fractions instead of 12-bit leaks and a real threshold. There are no
// widths, no shift and no saturation.
type FloatLayer struct {
	Kind Kind
	Size int
	// Alpha is the retained fraction of the current per step (rule S-19), 1 - λ_I/4096 for an
	// integer layer; 0 <= Alpha <= 1.
	Alpha float64
	// Beta is the retained fraction of the membrane per step, 1 - λ_V/4096; 0 <= Beta <= 1.
	Beta float64
	// Threshold is the real spike threshold (lif only), > 0.
	Threshold  float64
	Reset      ResetMode // lif only
	Refractory int       // lif only, 0..15 steps
	// W holds the feed-forward weights, row-major by source as in Layer: W[j*Size+i].
	W []float64
	// R holds the recurrent weights (nil when the layer is not recurrent): R[k*Size+i].
	R []float64
}

// FloatNetwork is the float model of a network (rule S-19). It is what training
// differentiates and what an integer Network approximates; it is never bit-exact with
// anything.
type FloatNetwork struct {
	Name        string
	Inputs      int
	Layers      []FloatLayer
	Predict     PredictMode
	EncoderSeed uint32 // the same LFSR encoder as the integer network (rule S-13)
}

// Outputs is the size of the last layer.
func (n *FloatNetwork) Outputs() int { return n.Layers[len(n.Layers)-1].Size }

// Clone returns a deep copy of n.
func (n *FloatNetwork) Clone() *FloatNetwork {
	c := *n
	c.Layers = make([]FloatLayer, len(n.Layers))
	for i, l := range n.Layers {
		c.Layers[i] = l
		c.Layers[i].W = append([]float64(nil), l.W...)
		if l.R != nil {
			c.Layers[i].R = append([]float64(nil), l.R...)
		}
	}
	return &c
}

// Validate checks the structure rules S-1 .. S-3 and S-17 and the ranges of the float
// parameters. It returns the first violation as a *FieldError.
func (n *FloatNetwork) Validate() error {
	shapes := make([]layerShape, len(n.Layers))
	for li, l := range n.Layers {
		shapes[li] = layerShape{kind: l.Kind, size: l.Size, recurrent: l.R != nil, nW: len(l.W), nR: len(l.R), reset: l.Reset, refractory: l.Refractory}
	}
	if err := checkStructure(n.Inputs, n.EncoderSeed, n.Predict, shapes); err != nil {
		return err
	}
	for li := range n.Layers {
		l := &n.Layers[li]
		f := func(name string) string { return fmt.Sprintf("layers[%d].%s", li, name) }
		if !(l.Alpha >= 0 && l.Alpha <= 1) {
			return fieldErr(f("alpha"), "must be in [0, 1], got %v", l.Alpha)
		}
		if !(l.Beta >= 0 && l.Beta <= 1) {
			return fieldErr(f("beta"), "must be in [0, 1], got %v", l.Beta)
		}
		if l.Kind == LIF && (!(l.Threshold > 0) || math.IsInf(l.Threshold, 0)) {
			return fieldErr(f("threshold"), "must be a positive finite number, got %v", l.Threshold)
		}
		for k, w := range l.W {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return fieldErr(f("weights"), "weight %d is %v; weights must be finite", k, w)
			}
		}
		for k, w := range l.R {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return fieldErr(f("recurrent_weights"), "weight %d is %v; weights must be finite", k, w)
			}
		}
	}
	return nil
}

// FloatOf returns the float model of an integer network in integer units: weights W*2^H,
// alpha = 1 - λ_I/4096, beta = 1 - λ_V/4096, threshold θ. With zero leaks and no
// saturation every float value stays an integer, so the float model then computes exactly
// what the integer network computes; otherwise it differs by the floor of rule S-7 and by
// saturation.
func FloatOf(n *Network) *FloatNetwork {
	f := &FloatNetwork{Name: n.Name, Inputs: n.Inputs, Predict: n.Predict, EncoderSeed: n.EncoderSeed,
		Layers: make([]FloatLayer, len(n.Layers))}
	for li, l := range n.Layers {
		scale := float64(int64(1) << l.WeightShift)
		fl := FloatLayer{Kind: l.Kind, Size: l.Size,
			Alpha: RetainedFraction(l.CurrentLeak), Beta: RetainedFraction(l.MembraneLeak),
			Reset: l.Reset, Refractory: l.Refractory, W: make([]float64, len(l.W))}
		if l.Kind == LIF {
			fl.Threshold = float64(l.Threshold)
		}
		for k, w := range l.W {
			fl.W[k] = float64(w) * scale
		}
		if l.R != nil {
			fl.R = make([]float64, len(l.R))
			for k, w := range l.R {
				fl.R[k] = float64(w) * scale
			}
		}
		f.Layers[li] = fl
	}
	return f
}

// RetainedFraction is 1 - leak/4096: the float decay factor of a 12-bit leak (rules S-7,
// S-19).
func RetainedFraction(leak int) float64 { return 1 - float64(leak)/(1<<LeakBits) }

// LeakOf is the 12-bit leak whose retained fraction is nearest to r (rule S-7), clamped to
// 0..4095. It is the inverse of RetainedFraction on its range.
func LeakOf(r float64) int {
	l := math.Round((1 - r) * (1 << LeakBits))
	return int(max(0, min(MaxLeak, l)))
}

// FloatResult is what one sample produced in the float model (the float counterparts of
// rules S-15 .. S-17).
type FloatResult struct {
	Prediction  int
	Counts      [][]int32   // Counts[l][i]: spike count of neuron i of layer l
	MaxMembrane []float64   // per readout neuron, max V over time; nil when the last layer is lif
	Readout     [][]float64 // Readout[t][c]: V of readout neuron c after step t; nil when lif
}

// RunFloat runs one sample through the float model (rule S-19) from the zero state (rule
// S-6). Intensity samples are encoded by the same LFSR as the integer network (rule S-13), so
// both see the same input spikes. n must be valid (see Validate).
func RunFloat(n *FloatNetwork, s Sample) (FloatResult, error) {
	if err := s.Check(n.Inputs); err != nil {
		return FloatResult{}, fmt.Errorf("sim: %w", err)
	}
	type state struct {
		I, V, acc  []float64
		r          []uint8
		spikes     []int
		prev       []int
		counts     []int32
		vmax       []float64
		isReadout  bool
		hasRecurse bool
	}
	st := make([]state, len(n.Layers))
	for li, l := range n.Layers {
		st[li] = state{I: make([]float64, l.Size), V: make([]float64, l.Size), acc: make([]float64, l.Size),
			r: make([]uint8, l.Size), counts: make([]int32, l.Size), vmax: make([]float64, l.Size),
			isReadout: l.Kind == Readout}
		for i := range st[li].vmax {
			st[li].vmax[i] = math.Inf(-1)
		}
	}
	last := len(n.Layers) - 1
	var res FloatResult
	if st[last].isReadout {
		res.Readout = make([][]float64, s.Steps)
	}
	lfsr := LFSR(n.EncoderSeed)
	var in []int
	for t := 0; t < s.Steps; t++ {
		switch {
		case s.Intensity != nil:
			in = lfsr.Encode(in[:0], s.Intensity)
		case t < len(s.Spikes):
			in = append(in[:0], s.Spikes[t]...)
		default:
			in = in[:0]
		}
		src := in
		for li := range n.Layers {
			l := &n.Layers[li]
			ls := &st[li]
			ls.prev, ls.spikes = ls.spikes, ls.prev[:0]
			FloatAccumulate(ls.acc, l, src, ls.prev)
			for i := range ls.I {
				ls.I[i] = l.Alpha*ls.I[i] + ls.acc[i]
				if ls.isReadout {
					ls.V[i] = l.Beta*ls.V[i] + ls.I[i]
					ls.vmax[i] = max(ls.vmax[i], ls.V[i])
					continue
				}
				if ls.r[i] > 0 {
					ls.r[i]--
					continue
				}
				v := l.Beta*ls.V[i] + ls.I[i]
				if v >= l.Threshold {
					ls.spikes = append(ls.spikes, i)
					ls.counts[i]++
					if l.Reset == ResetZero {
						v = 0
					} else {
						v -= l.Threshold
					}
					ls.r[i] = uint8(l.Refractory)
				}
				ls.V[i] = v
			}
			src = ls.spikes
		}
		if res.Readout != nil {
			res.Readout[t] = append([]float64(nil), st[last].V...)
		}
	}
	res.Counts = make([][]int32, len(n.Layers))
	for li := range st {
		res.Counts[li] = st[li].counts
	}
	if st[last].isReadout {
		res.MaxMembrane = st[last].vmax
		res.Prediction = argmaxFloat(st[last].vmax)
	} else {
		res.Prediction = argmax(st[last].counts)
	}
	return res, nil
}

// FloatAccumulate forms the synaptic input of rule S-19 (the float S-8): acc is set to the sum
// of the weight rows of the spiking sources src, in the order given, then of the recurrent
// rows of the layer's own spikes prev. Training uses the same function, so its float forward
// pass adds in the same order as RunFloat.
func FloatAccumulate(acc []float64, l *FloatLayer, src, prev []int) {
	clear(acc)
	n := l.Size
	for _, j := range src {
		row := l.W[j*n : j*n+n]
		for i, w := range row {
			acc[i] += w
		}
	}
	if l.R != nil {
		for _, k := range prev {
			row := l.R[k*n : k*n+n]
			for i, w := range row {
				acc[i] += w
			}
		}
	}
}

// argmaxFloat returns the smallest index of the largest value (the tie rule of S-17).
func argmaxFloat(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
