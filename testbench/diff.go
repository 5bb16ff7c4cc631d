package testbench

import (
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// Core is a network loaded into a running harness.
type Core struct {
	Config Config
	Net    *sim.Network
	Layout *Layout
	P      *Proc
}

// Load writes n's memory image into the harness p (configuration c).
func Load(p *Proc, c Config, n *sim.Network) (*Core, error) {
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("testbench: %w", err)
	}
	if err := c.Fits(n); err != nil {
		return nil, err
	}
	lo := NewLayout(c, n)
	for _, w := range lo.Writes {
		p.Write(w.Addr, w.Data)
	}
	return &Core{Config: c, Net: n, Layout: lo, P: p}, nil
}

// Queue queues one sample (intensity RAM writes plus a clearing run) and returns where its
// result will be after P.Flush.
func (c *Core) Queue(s sim.Sample) *RunResult {
	r := new(RunResult)
	if s.Intensity != nil {
		for j, x := range s.Intensity {
			c.P.Write(Addr(RegionInput, uint32(j)), uint32(x))
		}
		c.P.RunIntensity(s.Steps, true, r)
	} else {
		c.P.RunEvents(s.Steps, s.Spikes, true, r)
	}
	return r
}

// MismatchError is the first difference between the RTL and sim (rule S-18).
type MismatchError struct {
	Step, Layer, Index int
	Field              string
	Got, Want          int64
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("testbench: rtl differs from sim at step %d layer %d neuron %d: %s = %d, want %d",
		e.Step, e.Layer, e.Index, e.Field, e.Got, e.Want)
}

// Compare checks an RTL run against sim's trace of the same sample: every neuron's I, V, s and
// r after every step, in the core's emission order (layer by layer, index ascending).
func Compare(n *sim.Network, tr *sim.Trace, r *RunResult) error {
	if len(r.Steps) != tr.Steps {
		return &MismatchError{Step: -1, Field: "steps", Got: int64(len(r.Steps)), Want: int64(tr.Steps)}
	}
	for t, st := range r.Steps {
		k := 0
		for li := range n.Layers {
			lt := &tr.Layers[li]
			for i := 0; i < lt.Size; i++ {
				if k >= len(st.Updates) {
					return &MismatchError{Step: t, Layer: li, Index: i, Field: "updates", Got: int64(len(st.Updates)), Want: int64(k + 1)}
				}
				u := st.Updates[k]
				k++
				cur, v, s, rr := lt.At(t, i)
				m := func(f string, got, want int64) error {
					return &MismatchError{Step: t, Layer: li, Index: i, Field: f, Got: got, Want: want}
				}
				switch {
				case u.Layer != li:
					return m("layer", int64(u.Layer), int64(li))
				case u.Index != i:
					return m("index", int64(u.Index), int64(i))
				case u.I != cur:
					return m("I", int64(u.I), int64(cur))
				case u.V != v:
					return m("V", int64(u.V), int64(v))
				case b2u(u.Spike) != uint32(s):
					return m("s", int64(b2u(u.Spike)), int64(s))
				case u.R != rr:
					return m("r", int64(u.R), int64(rr))
				}
			}
		}
		if k != len(st.Updates) {
			return &MismatchError{Step: t, Layer: -1, Field: "updates", Got: int64(len(st.Updates)), Want: int64(k)}
		}
	}
	return nil
}

// Report is the outcome of running samples through the RTL against sim.
type Report struct {
	Samples, Matched int
	Clocks           int64
	FirstError       error // nil when every sample matched
}

// Verify runs every sample of n through the Verilator model built for c and through sim, and
// reports whether every sample's full trace matched (the demo's "RTL matched sim" check).
func Verify(c Config, n *sim.Network, samples []sim.Sample, args ...string) (Report, error) {
	exe, err := Build(c, BuildOptions{})
	if err != nil {
		return Report{}, err
	}
	p, err := Start(exe, args...)
	if err != nil {
		return Report{}, err
	}
	defer p.Kill()
	core, err := Load(p, c, n)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Samples: len(samples)}
	const batch = 64
	for b := 0; b < len(samples); b += batch {
		e := min(b+batch, len(samples))
		res := make([]*RunResult, 0, e-b)
		for _, s := range samples[b:e] {
			res = append(res, core.Queue(s))
		}
		if err := p.Flush(); err != nil {
			return rep, err
		}
		for i, r := range res {
			want, err := sim.Run(n, samples[b+i], sim.Options{Trace: true})
			if err != nil {
				return rep, fmt.Errorf("testbench: sample %d: %w", b+i, err)
			}
			rep.Clocks += int64(r.TotalClocks)
			if err := Compare(n, want.Trace, r); err != nil {
				if rep.FirstError == nil {
					rep.FirstError = fmt.Errorf("sample %d: %w", b+i, err)
				}
				continue
			}
			rep.Matched++
		}
	}
	return rep, nil
}
