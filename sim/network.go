package sim

import (
	"fmt"
)

// Kind is a layer's neuron type (rule S-2).
type Kind string

// Layer kinds.
const (
	LIF     Kind = "lif"     // spiking current-based LIF neurons
	Readout Kind = "readout" // non-spiking leaky integrators; last layer only
)

// ResetMode is what a spike does to the membrane (rule S-10).
type ResetMode string

// Reset modes.
const (
	ResetZero     ResetMode = "zero"     // V <- 0
	ResetSubtract ResetMode = "subtract" // V <- V - threshold
)

// PredictMode is how a class is read from a sample's outputs (rule S-17).
type PredictMode string

// Prediction rules.
const (
	MaxMembrane PredictMode = "max_membrane" // argmax over classes of the readout's max over time
	SpikeCount  PredictMode = "spike_count"  // argmax over classes of the output layer's spike count
)

// Limits of the semantics (rule S-1, S-4) and of what lifkit will allocate.
const (
	MinStateBits   = 8
	MaxStateBits   = 24
	MinWeightBits  = 2
	MaxWeightBits  = 8
	LeakBits       = 12 // decay factors are unsigned 12-bit fractions of 4096 (rule S-7)
	MaxLeak        = 1<<LeakBits - 1
	MaxRefractory  = 15 // 4-bit counter
	MaxSize        = 65536
	MaxWeights     = 1 << 26 // 64 Mi weights: a larger file is refused, not allocated
	DefaultSeed    = 0xACE1_2468
	accumulatorMax = 1 << 31 // rule S-5
)

// Layer is one dense layer and its neuron parameters (rule S-4).
type Layer struct {
	Kind         Kind
	Size         int       // neurons in this layer, N_l
	StateBits    int       // S: width of I and V, 8..24
	WeightBits   int       // B: signed weight width, 2..8
	WeightShift  int       // H: left shift of the summed weights, 0..S-B
	CurrentLeak  int       // λ_I, 0..4095 (rule S-7)
	MembraneLeak int       // λ_V, 0..4095
	Threshold    int32     // θ, lif only, 1..2^(S-1)-1
	Reset        ResetMode // lif only
	Refractory   int       // P, lif only, 0..15
	// W holds the feed-forward weights, row-major by source: W[j*Size+i] is the weight from
	// source j of the previous layer to neuron i. len(W) = N_{l-1} * Size.
	W []int8
	// R holds the recurrent weights (nil when the layer is not recurrent): R[k*Size+i] is the
	// weight from neuron k of this layer, one step late, to neuron i. len(R) = Size * Size.
	R []int8
}

// Recurrent reports whether the layer has recurrent weights.
func (l *Layer) Recurrent() bool { return l.R != nil }

// Network is an integer LIF network (rule S-1).
type Network struct {
	Name        string
	Inputs      int // N_0
	Layers      []Layer
	Predict     PredictMode
	EncoderSeed uint32 // initial LFSR state for intensity inputs (rule S-13), nonzero
}

// Outputs is the size of the last layer: the number of classes.
func (n *Network) Outputs() int { return n.Layers[len(n.Layers)-1].Size }

// FieldError is a validation failure naming the offending field, as it is spelled in the
// network file (for example "layers[1].threshold").
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Validate checks every rule of docs/semantics.md sections 1 and 2 that a network must meet
// and returns the first violation as a *FieldError. A valid network cannot overflow any
// accumulator (rule S-5).
func (n *Network) Validate() error {
	shapes := make([]layerShape, len(n.Layers))
	for li, l := range n.Layers {
		shapes[li] = layerShape{kind: l.Kind, size: l.Size, recurrent: l.R != nil, nW: len(l.W), nR: len(l.R), reset: l.Reset, refractory: l.Refractory}
	}
	if err := checkStructure(n.Inputs, n.EncoderSeed, n.Predict, shapes); err != nil {
		return err
	}
	prev := n.Inputs
	for li := range n.Layers {
		l := &n.Layers[li]
		f := func(name string) string { return fmt.Sprintf("layers[%d].%s", li, name) }
		if l.StateBits < MinStateBits || l.StateBits > MaxStateBits {
			return fieldErr(f("state_bits"), "must be in %d..%d, got %d", MinStateBits, MaxStateBits, l.StateBits)
		}
		if l.WeightBits < MinWeightBits || l.WeightBits > MaxWeightBits {
			return fieldErr(f("weight_bits"), "must be in %d..%d, got %d", MinWeightBits, MaxWeightBits, l.WeightBits)
		}
		if l.WeightShift < 0 || l.WeightShift > l.StateBits-l.WeightBits {
			return fieldErr(f("weight_shift"), "must be in 0..%d (state_bits - weight_bits), got %d", l.StateBits-l.WeightBits, l.WeightShift)
		}
		if l.CurrentLeak < 0 || l.CurrentLeak > MaxLeak {
			return fieldErr(f("current_leak"), "must be in 0..%d (a 12-bit fraction of 4096), got %d", MaxLeak, l.CurrentLeak)
		}
		if l.MembraneLeak < 0 || l.MembraneLeak > MaxLeak {
			return fieldErr(f("membrane_leak"), "must be in 0..%d (a 12-bit fraction of 4096), got %d", MaxLeak, l.MembraneLeak)
		}
		if l.Kind == LIF {
			maxTh := int32(1)<<(l.StateBits-1) - 1
			if l.Threshold < 1 || l.Threshold > maxTh {
				return fieldErr(f("threshold"), "must be in 1..%d for state_bits %d, got %d", maxTh, l.StateBits, l.Threshold)
			}
		} else if l.Threshold != 0 || l.Reset != "" || l.Refractory != 0 {
			return fieldErr(f("threshold"), "a readout layer has no threshold, reset or refractory (rule S-11)")
		}
		lo, hi := int8(-1<<(l.WeightBits-1)), int8(1<<(l.WeightBits-1)-1)
		if k, w := outOfRange(l.W, lo, hi); k >= 0 {
			return fieldErr(f("weights"), "weight %d (source %d, neuron %d) is %d, outside %d..%d for weight_bits %d", k, k/l.Size, k%l.Size, w, lo, hi, l.WeightBits)
		}
		if k, w := outOfRange(l.R, lo, hi); k >= 0 {
			return fieldErr(f("recurrent_weights"), "weight %d (neuron %d to %d) is %d, outside %d..%d for weight_bits %d", k, k/l.Size, k%l.Size, w, lo, hi, l.WeightBits)
		}
		fan := int64(prev)
		if l.R != nil {
			fan += int64(l.Size)
		}
		if bound := fan << (l.WeightBits - 1 + l.WeightShift); bound >= accumulatorMax {
			return fieldErr(f("weight_shift"), "fan-in %d x 2^(weight_bits-1) x 2^weight_shift = %d does not fit the 32-bit accumulator (rule S-5); lower weight_shift or weight_bits", fan, bound)
		}
		prev = l.Size
	}
	return nil
}

func outOfRange(w []int8, lo, hi int8) (int, int8) {
	for k, v := range w {
		if v < lo || v > hi {
			return k, v
		}
	}
	return -1, 0
}
