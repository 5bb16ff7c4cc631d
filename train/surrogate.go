package train

import (
	"fmt"
	"math"
)

// SurrogateKind names a surrogate derivative for the spike nonlinearity.
type SurrogateKind string

// Surrogates. Each has a derivative with peak 1 at the threshold and a width set by the scale.
const (
	// FastSigmoid is SuperSpike's 1 / (scale*|x| + 1)^2 (Zenke & Ganguli 2018).
	FastSigmoid SurrogateKind = "fast-sigmoid"
	// Atan is 1 / (1 + (pi/2 * scale * x)^2), the derivative of a scaled arctangent.
	Atan SurrogateKind = "atan"
	// Triangle is max(0, 1 - scale*|x|).
	Triangle SurrogateKind = "triangle"
)

// Surrogate replaces the derivative of the spike step H(V - threshold) in the backward pass.
// x below is V - threshold in float units (threshold 1 in every lif layer lifkit trains).
type Surrogate struct {
	Kind  SurrogateKind
	Scale float64 // > 0; larger is narrower
}

// ParseSurrogate checks a surrogate name and scale.
func ParseSurrogate(kind string, scale float64) (Surrogate, error) {
	s := Surrogate{Kind: SurrogateKind(kind), Scale: scale}
	switch s.Kind {
	case FastSigmoid, Atan, Triangle:
	default:
		return s, fmt.Errorf("train: unknown surrogate %q; use %q, %q or %q", kind, FastSigmoid, Atan, Triangle)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return s, fmt.Errorf("train: surrogate scale must be a positive number, got %v", scale)
	}
	return s, nil
}

// Deriv is the surrogate derivative at x = V - threshold.
func (s Surrogate) Deriv(x float64) float64 {
	k := s.Scale
	switch s.Kind {
	case Atan:
		u := math.Pi / 2 * k * x
		return 1 / (1 + u*u)
	case Triangle:
		return max(0, 1-k*math.Abs(x))
	default:
		d := k*math.Abs(x) + 1
		return 1 / (d * d)
	}
}

// Smooth is the antiderivative of Deriv that is 0 at minus infinity: the smooth spike of the
// model whose exact gradient the surrogate gradient is. The gradient check differentiates the
// network with Smooth in place of the step by finite differences. Its range is (0, 2/Scale)
// for FastSigmoid and Atan and [0, 1/Scale] for Triangle.
func (s Surrogate) Smooth(x float64) float64 {
	k := s.Scale
	switch s.Kind {
	case Atan:
		return 2 / (math.Pi * k) * (math.Atan(math.Pi/2*k*x) + math.Pi/2)
	case Triangle:
		switch {
		case x <= -1/k:
			return 0
		case x >= 1/k:
			return 1 / k
		case x < 0:
			u := 1 + k*x
			return u * u / (2 * k)
		default:
			u := 1 - k*x
			return 1/k - u*u/(2*k)
		}
	default:
		if x < 0 {
			return 1 / (k * (1 - k*x))
		}
		return 2/k - 1/(k*(1+k*x))
	}
}
