package sim

import "fmt"

// layerShape is what the structure rules need to know of a layer, integer or float.
type layerShape struct {
	kind       Kind
	size       int
	recurrent  bool
	nW, nR     int // weights held
	reset      ResetMode
	refractory int
}

// checkStructure applies the rules both models share: S-1 (sizes, at most MaxWeights
// weights), S-2 (layer kinds), S-3 (recurrence), the weight-matrix shapes, the reset mode and
// refractory range of lif layers, the encoder seed and the prediction rule of S-17. Parameter
// ranges particular to each model are checked by its own Validate.
func checkStructure(inputs int, seed uint32, predict PredictMode, layers []layerShape) error {
	if inputs < 1 || inputs > MaxSize {
		return fieldErr("inputs", "must be in 1..%d, got %d", MaxSize, inputs)
	}
	if len(layers) == 0 {
		return fieldErr("layers", "a network needs at least one layer")
	}
	if seed == 0 {
		return fieldErr("encoder_seed", "must be nonzero (an LFSR seeded with 0 never leaves 0)")
	}
	total, prev := 0, inputs
	for li, l := range layers {
		f := func(name string) string { return fmt.Sprintf("layers[%d].%s", li, name) }
		last := li == len(layers)-1
		switch l.kind {
		case LIF:
			if l.reset != ResetZero && l.reset != ResetSubtract {
				return fieldErr(f("reset"), "must be %q or %q, got %q", ResetZero, ResetSubtract, l.reset)
			}
			if l.refractory < 0 || l.refractory > MaxRefractory {
				return fieldErr(f("refractory"), "must be in 0..%d steps, got %d", MaxRefractory, l.refractory)
			}
		case Readout:
			if !last {
				return fieldErr(f("kind"), "a readout layer may only be the last layer (rule S-2)")
			}
		default:
			return fieldErr(f("kind"), "must be %q or %q, got %q", LIF, Readout, l.kind)
		}
		if l.size < 1 || l.size > MaxSize {
			return fieldErr(f("size"), "must be in 1..%d, got %d", MaxSize, l.size)
		}
		if l.recurrent && (l.kind != LIF || last) {
			return fieldErr(f("recurrent"), "only a lif layer that is not the last may be recurrent (rule S-3)")
		}
		total += prev * l.size
		if l.recurrent {
			total += l.size * l.size
		}
		if total > MaxWeights {
			return fieldErr(f("size"), "the network would hold %d weights; lifkit refuses more than %d", total, MaxWeights)
		}
		if l.nW != prev*l.size {
			return fieldErr(f("weights"), "has %d weights, want %d (%d x %d)", l.nW, prev*l.size, prev, l.size)
		}
		if l.recurrent && l.nR != l.size*l.size {
			return fieldErr(f("recurrent_weights"), "has %d weights, want %d (%d x %d)", l.nR, l.size*l.size, l.size, l.size)
		}
		prev = l.size
	}
	lastKind := layers[len(layers)-1].kind
	switch predict {
	case MaxMembrane:
		if lastKind != Readout {
			return fieldErr("predict", "%q needs a readout last layer (rule S-17)", MaxMembrane)
		}
	case SpikeCount:
		if lastKind != LIF {
			return fieldErr("predict", "%q needs a lif last layer (rule S-17)", SpikeCount)
		}
	default:
		return fieldErr("predict", "must be %q or %q, got %q", MaxMembrane, SpikeCount, predict)
	}
	return nil
}
