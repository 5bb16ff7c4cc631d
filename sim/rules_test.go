package sim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

// Each subtest re-derives one rule of docs/semantics.md from a trace of a random network,
// using only the trace and the network (never the Machine's internals).
func TestTraceObeysRules(t *testing.T) {
	type step struct {
		n      *sim.Network
		tr     *sim.Trace
		li, t  int
		layer  *sim.Layer
		lt     *sim.LayerTrace
		srcAt  func(t int) []uint8 // spikes of the layer's source at step t
		selfAt func(t int) []uint8
	}
	forEach := func(t *testing.T, shape func(r *rand.Rand) simtest.Shape, f func(s step, i int)) {
		for seed := range uint64(150) {
			r := rand.New(rand.NewPCG(seed, 99))
			n := simtest.Network(r, shape(r))
			var smp sim.Sample
			if seed%2 == 0 {
				smp = simtest.SpikeSample(r, n.Inputs, 25, 0.3)
			} else {
				smp = simtest.IntensitySample(r, n.Inputs, 25)
			}
			res, err := sim.Run(n, smp, sim.Options{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			tr := res.Trace
			for li := range n.Layers {
				lt := &tr.Layers[li]
				li := li
				srcAt := func(t int) []uint8 {
					if li == 0 {
						b := make([]uint8, n.Inputs)
						for _, j := range tr.Input[t] {
							b[j] = 1
						}
						return b
					}
					p := &tr.Layers[li-1]
					return p.S[t*p.Size : (t+1)*p.Size]
				}
				selfAt := func(t int) []uint8 {
					if t < 0 {
						return make([]uint8, lt.Size)
					}
					return lt.S[t*lt.Size : (t+1)*lt.Size]
				}
				for st := range tr.Steps {
					for i := range lt.Size {
						f(step{n, tr, li, st, &n.Layers[li], lt, srcAt, selfAt}, i)
					}
				}
			}
		}
	}
	prevState := func(s step, i int) (cur, v int32, r uint8) {
		if s.t == 0 {
			return 0, 0, 0
		}
		c, vv, _, rr := s.lt.At(s.t-1, i)
		return c, vv, rr
	}
	any := func(r *rand.Rand) simtest.Shape { return simtest.Shape{Readout: r.IntN(2) == 0} }

	t.Run("S-8 S-9 current: same-step feed-forward, previous-step recurrent, exact sum, one saturation", func(t *testing.T) {
		var recurrentChecked, earlyWouldDiffer int
		forEach(t, func(r *rand.Rand) simtest.Shape { return simtest.Shape{Recurrent: 1, Hidden: []int{1 + r.IntN(20)}} }, func(s step, i int) {
			acc := func(self []uint8) int64 {
				var a int64
				for j, b := range s.srcAt(s.t) {
					if b == 1 {
						a += int64(s.layer.W[j*s.layer.Size+i])
					}
				}
				if s.layer.R != nil {
					for k, b := range self {
						if b == 1 {
							a += int64(s.layer.R[k*s.layer.Size+i])
						}
					}
				}
				return a << s.layer.WeightShift
			}
			pc, _, _ := prevState(s, i)
			cur, _, _, _ := s.lt.At(s.t, i)
			want := sim.Saturate(int64(sim.Decay(pc, s.layer.CurrentLeak))+acc(s.selfAt(s.t-1)), s.layer.StateBits)
			if cur != want {
				t.Fatalf("layer %d step %d neuron %d: I = %d, rule gives %d", s.li, s.t, i, cur, want)
			}
			if s.layer.R != nil {
				recurrentChecked++
				early := sim.Saturate(int64(sim.Decay(pc, s.layer.CurrentLeak))+acc(s.selfAt(s.t)), s.layer.StateBits)
				if early != want {
					earlyWouldDiffer++
				}
			}
		})
		// The check can tell a one-step recurrent delay from none at all.
		if recurrentChecked == 0 || earlyWouldDiffer < 100 {
			t.Fatalf("recurrent timing barely exercised: %d states, %d where no delay would differ", recurrentChecked, earlyWouldDiffer)
		}
	})

	t.Run("S-10 spike, reset, refractory", func(t *testing.T) {
		var zero, sub, frozen int
		forEach(t, any, func(s step, i int) {
			if s.layer.Kind != sim.LIF {
				return
			}
			_, pv, pr := prevState(s, i)
			cur, v, sp, r := s.lt.At(s.t, i)
			if pr > 0 { // refractory: frozen membrane, no spike, counter down by one
				frozen++
				if sp != 0 || v != pv || r != pr-1 {
					t.Fatalf("layer %d step %d neuron %d refractory (r was %d): S %d V %d (was %d) r %d", s.li, s.t, i, pr, sp, v, pv, r)
				}
				return
			}
			pre := sim.Saturate(int64(sim.Decay(pv, s.layer.MembraneLeak))+int64(cur), s.layer.StateBits)
			if (sp == 1) != (pre >= s.layer.Threshold) {
				t.Fatalf("spike %d but V before reset %d, threshold %d", sp, pre, s.layer.Threshold)
			}
			switch {
			case sp == 0:
				if v != pre || r != 0 {
					t.Fatalf("no spike: V %d want %d, r %d", v, pre, r)
				}
			case s.layer.Reset == sim.ResetZero:
				zero++
				if v != 0 || int(r) != s.layer.Refractory {
					t.Fatalf("reset zero: V %d r %d", v, r)
				}
			default:
				sub++
				if v != pre-s.layer.Threshold || int(r) != s.layer.Refractory {
					t.Fatalf("reset subtract: V %d want %d, r %d", v, pre-s.layer.Threshold, r)
				}
			}
		})
		if zero < 100 || sub < 100 || frozen < 100 {
			t.Fatalf("too few cases: %d zero resets, %d subtractive resets, %d refractory states", zero, sub, frozen)
		}
	})

	t.Run("S-11 readout never spikes and integrates", func(t *testing.T) {
		forEach(t, func(*rand.Rand) simtest.Shape { return simtest.Shape{Readout: true} }, func(s step, i int) {
			if s.layer.Kind != sim.Readout {
				return
			}
			_, pv, _ := prevState(s, i)
			cur, v, sp, r := s.lt.At(s.t, i)
			want := sim.Saturate(int64(sim.Decay(pv, s.layer.MembraneLeak))+int64(cur), s.layer.StateBits)
			if sp != 0 || r != 0 || v != want {
				t.Fatalf("readout step %d neuron %d: S %d r %d V %d want %d", s.t, i, sp, r, v, want)
			}
		})
	})

	t.Run("states stay within their width", func(t *testing.T) {
		forEach(t, any, func(s step, i int) {
			hi := int32(1)<<(s.layer.StateBits-1) - 1
			cur, v, _, _ := s.lt.At(s.t, i)
			if cur > hi || cur < -hi-1 || v > hi || v < -hi-1 {
				t.Fatalf("state out of %d bits: I %d V %d", s.layer.StateBits, cur, v)
			}
		})
	})
}

// Saturation at both edges: a single input whose weight drives the current past the top (or
// bottom) of the state range pins it there, step after step.
func TestCurrentSaturatesAtBothEdges(t *testing.T) {
	for _, w := range []int8{127, -128} {
		n := &sim.Network{Inputs: 1, Predict: sim.MaxMembrane, EncoderSeed: 1, Layers: []sim.Layer{{
			Kind: sim.Readout, Size: 1, StateBits: 8, WeightBits: 8, W: []int8{w},
		}}}
		if err := n.Validate(); err != nil {
			t.Fatal(err)
		}
		s := sim.Sample{Steps: 5, Spikes: [][]int{{0}, {0}, {0}, {0}, {0}}}
		res, _ := sim.Run(n, s, sim.Options{Trace: true})
		want := int32(127)
		if w < 0 {
			want = -128
		}
		for st := 1; st < 5; st++ { // from step 1 on, I = sat(I + w) is pinned at the edge
			if cur, v, _, _ := res.Trace.Layers[0].At(st, 0); cur != want || v != want {
				t.Fatalf("w %d step %d: I %d V %d, want both %d", w, st, cur, v, want)
			}
		}
	}
}
