package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/lifkit/lifkit/sim"
)

// RandmanConfig describes a random-manifold data set (Zenke's randman, as used by the stork
// library). The zero value of a field takes the reference configuration (stork example 01).
type RandmanConfig struct {
	Classes         int     // 10
	Units           int     // inputs, 20
	Dim             int     // manifold dimension D, 1
	Alpha           float64 // smoothness, 1
	Steps           int     // 100
	StepFrac        float64 // spikes fall in the first StepFrac of the steps, 0.5
	SamplesPerClass int     // 1000
	SpikesPerUnit   int     // 1
	Seed            uint64
	// TrainFrac and ValFrac split the shuffled samples (0.8 and 0.1; the rest is test).
	TrainFrac, ValFrac float64
}

func (c RandmanConfig) withDefaults() RandmanConfig {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.Classes, 10)
	def(&c.Units, 20)
	def(&c.Dim, 1)
	def(&c.Steps, 100)
	def(&c.SamplesPerClass, 1000)
	def(&c.SpikesPerUnit, 1)
	if c.Alpha == 0 {
		c.Alpha = 1
	}
	if c.StepFrac == 0 {
		c.StepFrac = 0.5
	}
	if c.TrainFrac == 0 {
		c.TrainFrac, c.ValFrac = 0.8, 0.1
	}
	return c
}

// manifold is one smooth random function [0,1)^D -> R per unit: coordinate j of a point x is
// the product over d of f_jd(x_d), f(x) = sum_i a_i sin(2 pi (i x p1_i + p2_i)) with
// a_i = p0_i / ((i+1)^alpha + 1) and a_0 = 0 (no bias).
type manifold struct {
	amp, freq, phase [][]float64 // [unit*D + d][i]
}

func newManifold(rng *rand.Rand, units, dim int, alpha float64) manifold {
	f := int(math.Min(math.Ceil(math.Pow(1e-3, -1/alpha)), 1000))
	m := manifold{}
	for range units * dim {
		amp, freq, phase := make([]float64, f), make([]float64, f), make([]float64, f)
		for i := range f {
			p0, p1, p2 := rng.Float64(), rng.Float64(), rng.Float64()
			if i > 0 {
				amp[i] = p0 / (math.Pow(float64(i+1), alpha) + 1)
			}
			freq[i] = 2 * math.Pi * float64(i) * p1
			phase[i] = 2 * math.Pi * p2
		}
		m.amp, m.freq, m.phase = append(m.amp, amp), append(m.freq, freq), append(m.phase, phase)
	}
	return m
}

func (m manifold) eval(unit, dim int, x []float64) float64 {
	y := 1.0
	for d, xd := range x {
		k := unit*dim + d
		var s float64
		for i, a := range m.amp[k] {
			if a != 0 {
				s += a * math.Sin(m.freq[k][i]*xd+m.phase[k][i])
			}
		}
		y *= s
	}
	return y
}

// Randman generates the data set: for each class, SpikesPerUnit random manifolds; each sample
// is a random point on them, and input j fires once per manifold at step
// int(Steps * StepFrac * y_j), with y_j the coordinate min-max normalised over the class's
// samples to [0, 1). Samples are shuffled and split. The same configuration gives the same
// set; the stream does not match the Python randman (its numpy and torch versions differ
// already), only its construction.
func Randman(cfg RandmanConfig) (*Set, error) {
	c := cfg.withDefaults()
	if c.Classes < 1 || c.Units < 1 || c.Dim < 1 || c.Steps < 1 || c.SamplesPerClass < 1 || c.SpikesPerUnit < 1 {
		return nil, fmt.Errorf("data: randman: classes, units, dim, steps, samples and spikes must be positive, got %+v", c)
	}
	if !(c.StepFrac > 0 && c.StepFrac <= 1) || !(c.Alpha > 0) || c.TrainFrac+c.ValFrac > 1 {
		return nil, fmt.Errorf("data: randman: need 0 < step_frac <= 1, alpha > 0, train+val <= 1, got %+v", c)
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x7a2d))
	var all []sim.Sample
	x := make([]float64, c.Dim)
	y := make([]float64, c.SamplesPerClass*c.Units)
	for class := range c.Classes {
		samples := make([]sim.Sample, c.SamplesPerClass)
		for k := range samples {
			samples[k] = sim.Sample{Steps: c.Steps, Spikes: make([][]int, c.Steps), Label: class}
		}
		for range c.SpikesPerUnit {
			m := newManifold(rng, c.Units, c.Dim, c.Alpha)
			for k := range c.SamplesPerClass {
				for d := range x {
					x[d] = rng.Float64()
				}
				for j := range c.Units {
					y[k*c.Units+j] = m.eval(j, c.Dim, x)
				}
			}
			for j := range c.Units {
				lo, hi := math.Inf(1), math.Inf(-1)
				for k := range c.SamplesPerClass {
					lo, hi = min(lo, y[k*c.Units+j]), max(hi, y[k*c.Units+j])
				}
				span := hi - lo
				for k := range c.SamplesPerClass {
					v := 0.0
					if span > 0 {
						v = (y[k*c.Units+j] - lo) / span * (1 - 1e-9)
					}
					t := int(float64(c.Steps) * c.StepFrac * v)
					t = min(t, c.Steps-1)
					if !contains(samples[k].Spikes[t], j) {
						samples[k].Spikes[t] = append(samples[k].Spikes[t], j)
					}
				}
			}
		}
		all = append(all, samples...)
	}
	rng.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	for k := range all {
		all[k].Spikes = trimSteps(all[k].Spikes)
	}
	nTrain := int(c.TrainFrac * float64(len(all)))
	nVal := int(c.ValFrac * float64(len(all)))
	s := &Set{Name: "randman", Inputs: c.Units, Classes: c.Classes, Steps: c.Steps,
		Train: all[:nTrain], Val: all[nTrain : nTrain+nVal], Test: all[nTrain+nVal:]}
	return s, s.Check()
}

func contains(v []int, x int) bool {
	for _, e := range v {
		if e == x {
			return true
		}
	}
	return false
}

// trimSteps drops trailing empty steps (rule S-14: steps past the last listed one are silent).
func trimSteps(sp [][]int) [][]int {
	n := len(sp)
	for n > 0 && len(sp[n-1]) == 0 {
		n--
	}
	return sp[:n:n]
}
