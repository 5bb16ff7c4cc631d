package sim

import (
	"fmt"
	"runtime"
	"sync"
)

// Options select what Run records beyond the prediction and spike counts.
type Options struct {
	// Trace records every neuron's state after every step (rule S-18).
	Trace bool
}

// Result is what one sample produced (rules S-15 .. S-18).
type Result struct {
	Prediction int
	// Counts[l][i] is the spike count of neuron i of layer l (zero for a readout layer).
	Counts [][]int32
	// MaxMembrane[c] is readout neuron c's largest V over time (nil when the last layer is lif).
	MaxMembrane []int32
	// Readout[t][c] is readout neuron c's V after step t (nil when the last layer is lif).
	Readout [][]int32
	// InputSpikes is the number of input spikes over the whole sample (events as given, or as
	// the encoder formed them).
	InputSpikes int
	// SOPs counts synaptic operations: one per weight added into an accumulator.
	SOPs  int64
	Trace *Trace
}

// Trace is the full state of a run (rule S-18): for every layer, after every step, every
// neuron's current, membrane, spike and refractory counter.
type Trace struct {
	Steps int
	// Input[t] lists the input spikes of step t in ascending order.
	Input  [][]int
	Layers []LayerTrace
}

// LayerTrace holds one layer's state over a run, indexed [t*Size + i].
type LayerTrace struct {
	Size int
	I, V []int32
	S, R []uint8
}

// At returns neuron i's state after step t.
func (lt *LayerTrace) At(t, i int) (cur, v int32, s, r uint8) {
	k := t*lt.Size + i
	return lt.I[k], lt.V[k], lt.S[k], lt.R[k]
}

// Run runs one sample from the reset state and returns its result. It checks the sample
// against the network first; the network must be valid.
func Run(n *Network, s Sample, opt Options) (Result, error) {
	if err := s.Check(n.Inputs); err != nil {
		return Result{}, fmt.Errorf("sim: %w", err)
	}
	return NewMachine(n).run(s, opt), nil
}

// run resets m and runs s, which must have passed Check.
func (m *Machine) run(s Sample, opt Options) Result {
	m.Reset()
	n := m.net
	last := len(n.Layers) - 1
	readout := n.Layers[last].Kind == Readout
	var res Result
	if readout {
		res.Readout = make([][]int32, s.Steps)
	}
	var tr *Trace
	if opt.Trace {
		tr = &Trace{Steps: s.Steps, Input: make([][]int, s.Steps), Layers: make([]LayerTrace, len(n.Layers))}
		for li, l := range n.Layers {
			k := s.Steps * l.Size
			tr.Layers[li] = LayerTrace{Size: l.Size, I: make([]int32, k), V: make([]int32, k), S: make([]uint8, k), R: make([]uint8, k)}
		}
	}
	var none []int
	for t := 0; t < s.Steps; t++ {
		if s.Intensity != nil {
			m.StepIntensity(s.Intensity)
		} else if t < len(s.Spikes) {
			m.StepSpikes(s.Spikes[t])
		} else {
			m.StepSpikes(none)
		}
		res.InputSpikes += len(m.input)
		res.SOPs += m.lastSOPs()
		if readout {
			res.Readout[t] = append([]int32(nil), m.layers[last].V...)
		}
		if tr != nil {
			tr.Input[t] = sortedCopy(m.input)
			for li := range n.Layers {
				ls, lt := &m.layers[li], &tr.Layers[li]
				o := t * lt.Size
				copy(lt.I[o:], ls.I)
				copy(lt.V[o:], ls.V)
				copy(lt.S[o:], ls.S)
				copy(lt.R[o:], ls.R)
			}
		}
	}
	res.Prediction, _ = m.Prediction()
	res.Counts = make([][]int32, len(n.Layers))
	for li := range n.Layers {
		res.Counts[li] = append([]int32(nil), m.layers[li].counts...)
	}
	if readout {
		res.MaxMembrane = append([]int32(nil), m.layers[last].vmax...)
	}
	res.Trace = tr
	return res
}

// lastSOPs counts the synaptic operations of the step just run.
func (m *Machine) lastSOPs() int64 {
	var sops int64
	src := len(m.input)
	for li := range m.net.Layers {
		l := &m.net.Layers[li]
		ls := &m.layers[li]
		ev := src
		if l.R != nil {
			ev += len(ls.prev)
		}
		sops += int64(ev) * int64(l.Size)
		src = len(ls.spikes)
	}
	return sops
}

func sortedCopy(v []int) []int {
	out := append([]int(nil), v...)
	for i := 1; i < len(out); i++ { // insertion sort: inputs are nearly always sorted already
		for k := i; k > 0 && out[k] < out[k-1]; k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	return out
}

// RunBatch runs independent samples on all cores (GOMAXPROCS workers, each with its own
// Machine) and returns their results in order. Results equal those of Run one by one. The
// first malformed sample stops the batch with an error naming its index.
func RunBatch(n *Network, samples []Sample, opt Options) ([]Result, error) {
	for i := range samples {
		if err := samples[i].Check(n.Inputs); err != nil {
			return nil, fmt.Errorf("sim: sample %d: %w", i, err)
		}
	}
	out := make([]Result, len(samples))
	workers := min(runtime.GOMAXPROCS(0), len(samples))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := NewMachine(n)
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(samples) {
					return
				}
				out[i] = m.run(samples[i], opt)
			}
		}()
	}
	wg.Wait()
	return out, nil
}
