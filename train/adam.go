package train

import "math"

// Adam is the Adam optimiser (Kingma & Ba 2015) over a network's weights.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	// WeightDecay is decoupled weight decay (AdamW): each update first multiplies every
	// weight by 1 - LR*WeightDecay.
	WeightDecay float64
	// Step counts the updates made so far.
	Step int
	M, V *grads
}

// DefaultAdam returns Adam with the usual constants and learning rate lr.
func DefaultAdam(lr float64) Adam { return Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// update applies one step to the weights p (as grads) with gradient g.
func (a *Adam) update(p, g *grads) {
	a.Step++
	b1c := 1 - math.Pow(a.Beta1, float64(a.Step))
	b2c := 1 - math.Pow(a.Beta2, float64(a.Step))
	lr := a.LR * math.Sqrt(b2c) / b1c
	keep := 1 - a.LR*a.WeightDecay
	upd := func(p, g, m, v []float64) {
		for k, gk := range g {
			if a.WeightDecay != 0 {
				p[k] *= keep
			}
			m[k] = a.Beta1*m[k] + (1-a.Beta1)*gk
			v[k] = a.Beta2*v[k] + (1-a.Beta2)*gk*gk
			p[k] -= lr * m[k] / (math.Sqrt(v[k]) + a.Eps)
		}
	}
	for li := range p.W {
		upd(p.W[li], g.W[li], a.M.W[li], a.V.W[li])
		if p.R[li] != nil {
			upd(p.R[li], g.R[li], a.M.R[li], a.V.R[li])
		}
	}
}
