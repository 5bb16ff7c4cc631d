package train

import (
	"fmt"
	"math"

	"github.com/lifkit/lifkit/sim"
)

// LayerQuant is the integer format of one layer: how its float weights, threshold and state
// map to the integers of docs/semantics.md.
//
// A float weight w becomes W = clamp(round(w * Scale)) in B bits. One unit of W adds 2^H to
// the state (rule S-8), so the state unit, in integers per float unit, is Unit = Scale * 2^H,
// and the threshold is θ = round(threshold * Unit). Leaks are LeakOf(alpha), LeakOf(beta).
type LayerQuant struct {
	WeightBits  int     // B, 2..8
	StateBits   int     // S, 8..24
	WeightShift int     // H, 0..S-B
	Scale       float64 // integer weight units per float weight unit, > 0
}

// Unit is the number of integer state units per float unit (Scale * 2^H).
func (q LayerQuant) Unit() float64 { return q.Scale * float64(int64(1)<<q.WeightShift) }

// weightMax is the largest positive B-bit weight.
func (q LayerQuant) weightMax() int { return 1<<(q.WeightBits-1) - 1 }

// ConvertOptions choose the integer format Calibrate picks for a float network.
type ConvertOptions struct {
	WeightBits int // per network, 2..8 (default 8)
	StateBits  int // 8..24 (default 16)
	// Headroom is how many thresholds the state of a lif layer must be able to hold before it
	// saturates (default 4): θ <= (2^(S-1) - 1) / Headroom.
	Headroom float64
	// ReadoutRange is the float magnitude the readout membrane must hold before it saturates
	// (default 64).
	ReadoutRange float64
}

func (o ConvertOptions) withDefaults() ConvertOptions {
	if o.WeightBits == 0 {
		o.WeightBits = 8
	}
	if o.StateBits == 0 {
		o.StateBits = 16
	}
	if o.Headroom == 0 {
		o.Headroom = 4
	}
	if o.ReadoutRange == 0 {
		o.ReadoutRange = 64
	}
	return o
}

func (o ConvertOptions) check() error {
	if o.WeightBits < sim.MinWeightBits || o.WeightBits > sim.MaxWeightBits {
		return fmt.Errorf("train: weight bits must be in %d..%d, got %d", sim.MinWeightBits, sim.MaxWeightBits, o.WeightBits)
	}
	if o.StateBits < sim.MinStateBits || o.StateBits > sim.MaxStateBits {
		return fmt.Errorf("train: state bits must be in %d..%d, got %d", sim.MinStateBits, sim.MaxStateBits, o.StateBits)
	}
	if !(o.Headroom >= 1) || !(o.ReadoutRange > 0) {
		return fmt.Errorf("train: headroom must be >= 1 and readout range > 0, got %v and %v", o.Headroom, o.ReadoutRange)
	}
	return nil
}

// clipSigmas is, per weight width, the clipping range in RMS units of the layer's weights:
// near the optimal uniform quantiser of a Gaussian for few bits, no clipping (the largest
// weight) for 8 bits.
var clipSigmas = map[int]float64{2: 1.2, 3: 1.9, 4: 2.6, 5: 3.2, 6: 3.8, 7: 4.4, 8: math.Inf(1)}

// Calibrate picks an integer format for every layer of a float network:
//
//   - the weight scale maps the clipping value of the layer's weights to the largest B-bit
//     weight 2^(B-1) - 1; the clipping value is the largest |w| for 8 bits and a multiple of
//     the weights' RMS for fewer bits (clipSigmas), whichever is smaller;
//   - the weight shift H is the largest that keeps the threshold (lif) within
//     (2^(S-1) - 1) / Headroom, the readout range within 2^(S-1) - 1, H <= S - B and the
//     accumulator bound of rule S-5;
//   - if even H = 0 leaves the threshold too large, the scale is lowered to fit.
//
// It works on any valid float network, including one trained elsewhere.
func Calibrate(fn *sim.FloatNetwork, opt ConvertOptions) ([]LayerQuant, error) {
	opt = opt.withDefaults()
	if err := opt.check(); err != nil {
		return nil, err
	}
	if err := fn.Validate(); err != nil {
		return nil, fmt.Errorf("train: float network: %w", err)
	}
	qs := make([]LayerQuant, len(fn.Layers))
	prev := fn.Inputs
	for li := range fn.Layers {
		l := &fn.Layers[li]
		q := LayerQuant{WeightBits: opt.WeightBits, StateBits: opt.StateBits}
		var maxAbs, sum2 float64
		for _, w := range l.W {
			maxAbs = max(maxAbs, math.Abs(w))
			sum2 += w * w
		}
		for _, w := range l.R {
			maxAbs = max(maxAbs, math.Abs(w))
			sum2 += w * w
		}
		rms := math.Sqrt(sum2 / float64(len(l.W)+len(l.R)))
		clip := min(maxAbs, clipSigmas[q.WeightBits]*rms)
		if !(clip > 0) {
			clip = 1
		}
		q.Scale = float64(q.weightMax()) / clip
		stateMax := float64(int64(1)<<(q.StateBits-1) - 1)
		// need is the float magnitude the state must reach: Headroom thresholds or the readout
		// range.
		need := opt.ReadoutRange
		if l.Kind == sim.LIF {
			need = l.Threshold * opt.Headroom
		}
		if q.Scale*need > stateMax {
			q.Scale = stateMax / need
		}
		fan := int64(prev)
		if l.R != nil {
			fan += int64(l.Size)
		}
		for h := q.StateBits - q.WeightBits; h >= 0; h-- {
			if q.Scale*float64(int64(1)<<h)*need <= stateMax && fan<<(q.WeightBits-1+h) < 1<<31 {
				q.WeightShift = h
				break
			}
		}
		qs[li] = q
		prev = l.Size
	}
	return qs, nil
}

// Quantize converts a float network to an integer network with the given per-layer formats
// (see LayerQuant): weights rounded to nearest and clamped to B bits, threshold
// round(threshold * Unit) clamped to 1..2^(S-1)-1, leaks LeakOf(alpha) and LeakOf(beta). The
// result is validated.
func Quantize(fn *sim.FloatNetwork, qs []LayerQuant) (*sim.Network, error) {
	if len(qs) != len(fn.Layers) {
		return nil, fmt.Errorf("train: %d layer formats for %d layers", len(qs), len(fn.Layers))
	}
	n := &sim.Network{Name: fn.Name, Inputs: fn.Inputs, Predict: fn.Predict, EncoderSeed: fn.EncoderSeed,
		Layers: make([]sim.Layer, len(fn.Layers))}
	for li := range fn.Layers {
		fl, q := &fn.Layers[li], qs[li]
		if q.WeightBits < sim.MinWeightBits || q.WeightBits > sim.MaxWeightBits || !(q.Scale > 0) {
			return nil, fmt.Errorf("train: layer %d: bad format %+v", li, q)
		}
		l := sim.Layer{Kind: fl.Kind, Size: fl.Size, StateBits: q.StateBits, WeightBits: q.WeightBits,
			WeightShift: q.WeightShift, CurrentLeak: sim.LeakOf(fl.Alpha), MembraneLeak: sim.LeakOf(fl.Beta),
			W: quantizeWeights(fl.W, q)}
		if fl.R != nil {
			l.R = quantizeWeights(fl.R, q)
		}
		if fl.Kind == sim.LIF {
			maxTh := float64(int64(1)<<(q.StateBits-1) - 1)
			l.Threshold = int32(max(1, min(maxTh, math.Round(fl.Threshold*q.Unit()))))
			l.Reset, l.Refractory = fl.Reset, fl.Refractory
		}
		n.Layers[li] = l
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("train: quantized network: %w", err)
	}
	return n, nil
}

func quantizeWeights(w []float64, q LayerQuant) []int8 {
	hi := float64(q.weightMax())
	lo := -hi - 1
	out := make([]int8, len(w))
	for k, v := range w {
		out[k] = int8(max(lo, min(hi, math.Round(v*q.Scale))))
	}
	return out
}

// Convert is Calibrate followed by Quantize: the documented float-to-integer conversion of a
// float network (trained by lifkit or elsewhere, threshold in any unit).
func Convert(fn *sim.FloatNetwork, opt ConvertOptions) (*sim.Network, []LayerQuant, error) {
	qs, err := Calibrate(fn, opt)
	if err != nil {
		return nil, nil, err
	}
	n, err := Quantize(fn, qs)
	if err != nil {
		return nil, nil, err
	}
	return n, qs, nil
}
