package sim

import "fmt"

// Machine runs a Network one step at a time. It holds the state of rule S-6 for one sample.
// A Machine is not safe for concurrent use; make one per goroutine.
type Machine struct {
	net    *Network
	layers []layerState
	lfsr   LFSR
	input  []int // spikes of layer 0 in the current step
	step   int
}

// layerState is the state of one layer (rule S-6) plus reusable scratch space.
type layerState struct {
	I, V   []int32
	R      []uint8 // refractory counters (lif)
	S      []uint8 // s(t) of the last step, 0 or 1
	spikes []int   // indices of s(t) = 1, the events for the next layer
	prev   []int   // indices of s(t-1) = 1, the recurrent events
	acc    []int32 // rule S-8 accumulators
	counts []int32 // rule S-15
	vmax   []int32 // running max of V (rule S-17), readout only
}

// NewMachine returns a Machine for n in the reset state. n must be valid (see Validate); the
// Machine keeps a reference to it, so n must not change while the Machine is in use.
func NewMachine(n *Network) *Machine {
	m := &Machine{net: n, layers: make([]layerState, len(n.Layers))}
	for li := range n.Layers {
		k := n.Layers[li].Size
		m.layers[li] = layerState{
			I: make([]int32, k), V: make([]int32, k), R: make([]uint8, k), S: make([]uint8, k),
			acc: make([]int32, k), counts: make([]int32, k), vmax: make([]int32, k),
			spikes: make([]int, 0, k), prev: make([]int, 0, k),
		}
	}
	m.Reset()
	return m
}

// Reset zeroes all state and re-seeds the encoder (rule S-6).
func (m *Machine) Reset() {
	for li := range m.layers {
		ls := &m.layers[li]
		clear(ls.I)
		clear(ls.V)
		clear(ls.R)
		clear(ls.S)
		clear(ls.counts)
		for i := range ls.vmax {
			ls.vmax[i] = minInt32
		}
		ls.spikes = ls.spikes[:0]
		ls.prev = ls.prev[:0]
	}
	m.lfsr = LFSR(m.net.EncoderSeed)
	m.step = 0
}

const minInt32 = -1 << 31

// Steps returns the number of steps run since the last Reset.
func (m *Machine) Steps() int { return m.step }

// StepSpikes runs one step (rule S-12) with the given input spike events (rule S-14). Indices
// must be in range and unique; Run checks this for whole samples.
func (m *Machine) StepSpikes(in []int) {
	m.input = append(m.input[:0], in...)
	m.advance()
}

// StepIntensity runs one step whose input spikes are formed by the encoder (rule S-13).
func (m *Machine) StepIntensity(x []uint8) {
	m.input = m.lfsr.Encode(m.input[:0], x)
	m.advance()
}

// Input returns the input spikes of the last step (as given or as encoded).
func (m *Machine) Input() []int { return m.input }

// advance applies rule S-12: every layer in order, each reading the spikes its source formed
// in this same step.
func (m *Machine) advance() {
	src := m.input
	for li := range m.net.Layers {
		l := &m.net.Layers[li]
		ls := &m.layers[li]
		ls.prev, ls.spikes = ls.spikes, ls.prev[:0]
		ls.accumulate(l, src)
		ls.update(l)
		src = ls.spikes
	}
	m.step++
}

// accumulate implements rule S-8: add the weight row of every spiking source (and of every
// neuron of this layer that spiked last step) into 32-bit accumulators, then shift once.
// Rule S-5 guarantees no accumulator overflows.
func (ls *layerState) accumulate(l *Layer, src []int) {
	acc := ls.acc
	clear(acc)
	AddRows(acc, l.W, src)
	if l.R != nil {
		AddRows(acc, l.R, ls.prev)
	}
	if h := l.WeightShift; h > 0 {
		for i := range acc {
			acc[i] <<= h
		}
	}
}

// AddRows adds the weight rows of the listed sources into the accumulators (rule S-8, before
// the shift): the synaptic operations (SOPs) at the heart of every event-driven step. w is
// row-major with len(acc) weights per row, as Layer.W and Layer.R are. The trainer's integer
// forward pass uses it too, so both run the same kernel. Rows go eight (then four) at a
// time, so each accumulator is loaded and stored once per eight SOPs.
func AddRows(acc []int32, w []int8, src []int) {
	n := len(acc)
	k := 0
	for ; k+8 <= len(src); k += 8 {
		r0 := w[src[k]*n : src[k]*n+n]
		r1 := w[src[k+1]*n : src[k+1]*n+n]
		r2 := w[src[k+2]*n : src[k+2]*n+n]
		r3 := w[src[k+3]*n : src[k+3]*n+n]
		r4 := w[src[k+4]*n : src[k+4]*n+n]
		r5 := w[src[k+5]*n : src[k+5]*n+n]
		r6 := w[src[k+6]*n : src[k+6]*n+n]
		r7 := w[src[k+7]*n : src[k+7]*n+n]
		for i := range acc {
			acc[i] += int32(r0[i]) + int32(r1[i]) + int32(r2[i]) + int32(r3[i]) +
				int32(r4[i]) + int32(r5[i]) + int32(r6[i]) + int32(r7[i])
		}
	}
	for ; k+4 <= len(src); k += 4 {
		r0 := w[src[k]*n : src[k]*n+n]
		r1 := w[src[k+1]*n : src[k+1]*n+n]
		r2 := w[src[k+2]*n : src[k+2]*n+n]
		r3 := w[src[k+3]*n : src[k+3]*n+n]
		for i := range acc {
			acc[i] += int32(r0[i]) + int32(r1[i]) + int32(r2[i]) + int32(r3[i])
		}
	}
	for ; k < len(src); k++ {
		addRow(acc, w[src[k]*n:src[k]*n+n])
	}
}

// addRow adds one weight row into the accumulators.
func addRow(acc []int32, row []int8) {
	row = row[:len(acc)]
	i := 0
	for ; i+8 <= len(acc); i += 8 {
		a, r := acc[i:i+8:i+8], row[i:i+8:i+8]
		a[0] += int32(r[0])
		a[1] += int32(r[1])
		a[2] += int32(r[2])
		a[3] += int32(r[3])
		a[4] += int32(r[4])
		a[5] += int32(r[5])
		a[6] += int32(r[6])
		a[7] += int32(r[7])
	}
	for ; i < len(acc); i++ {
		acc[i] += int32(row[i])
	}
}

// update implements rules S-9 and S-10 (lif) or S-9 and S-11 (readout) for every neuron.
func (ls *layerState) update(l *Layer) {
	bits := l.StateBits
	lif := l.Kind == LIF
	for i := range ls.I {
		cur := Saturate(int64(Decay(ls.I[i], l.CurrentLeak))+int64(ls.acc[i]), bits) // S-9
		ls.I[i] = cur
		if !lif { // S-11
			v := Saturate(int64(Decay(ls.V[i], l.MembraneLeak))+int64(cur), bits)
			ls.V[i] = v
			if v > ls.vmax[i] {
				ls.vmax[i] = v
			}
			continue
		}
		// S-10
		if ls.R[i] > 0 {
			ls.R[i]--
			ls.S[i] = 0
			continue
		}
		v := Saturate(int64(Decay(ls.V[i], l.MembraneLeak))+int64(cur), bits)
		if v >= l.Threshold {
			ls.S[i] = 1
			ls.spikes = append(ls.spikes, i)
			ls.counts[i]++
			if l.Reset == ResetZero {
				v = 0
			} else {
				v -= l.Threshold
			}
			ls.R[i] = uint8(l.Refractory)
		} else {
			ls.S[i] = 0
		}
		ls.V[i] = v
	}
}

// LayerState is a read-only view of one layer's state after the last step (rule S-18). The
// slices alias the Machine's memory and change with the next step.
type LayerState struct {
	I, V []int32
	S, R []uint8
	// Spikes lists the neurons with S = 1, in ascending order.
	Spikes []int
}

// State returns layer li's state after the last step.
func (m *Machine) State(li int) LayerState {
	ls := &m.layers[li]
	return LayerState{I: ls.I, V: ls.V, S: ls.S, R: ls.R, Spikes: ls.spikes}
}

// Counts returns the spike counts of layer li since the last Reset (rule S-15). The slice
// aliases the Machine's memory.
func (m *Machine) Counts(li int) []int32 { return m.layers[li].counts }

// Prediction applies rule S-17 to the steps run since the last Reset.
func (m *Machine) Prediction() (int, error) {
	if m.step == 0 {
		return 0, fmt.Errorf("sim: no step has run; a sample has at least one step (rule S-17)")
	}
	last := &m.layers[len(m.layers)-1]
	if m.net.Predict == MaxMembrane {
		return argmax(last.vmax), nil
	}
	return argmax(last.counts), nil
}

// MaxMembrane returns, per readout neuron, the largest V over the steps run (rule S-17). It is
// nil when the last layer is lif.
func (m *Machine) MaxMembrane() []int32 {
	if m.net.Layers[len(m.layers)-1].Kind != Readout {
		return nil
	}
	return m.layers[len(m.layers)-1].vmax
}

// argmax returns the smallest index of the largest value (the tie rule of S-17).
func argmax(v []int32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// SetNeuron overwrites neuron i of layer li with the given state (rule S-6), as a host does
// when it writes state into the hardware to resume a run. Values must fit the layer: I and V
// within state_bits, r within 0..15 (0 for a readout). The neuron's spike of the last step is
// left as it was.
func (m *Machine) SetNeuron(li, i int, cur, v int32, r uint8) error {
	if li < 0 || li >= len(m.layers) || i < 0 || i >= len(m.layers[li].I) {
		return fmt.Errorf("sim: no neuron %d in layer %d", i, li)
	}
	l := &m.net.Layers[li]
	if Saturate(int64(cur), l.StateBits) != cur || Saturate(int64(v), l.StateBits) != v {
		return fmt.Errorf("sim: layer %d neuron %d: I %d and V %d must fit %d bits", li, i, cur, v, l.StateBits)
	}
	if r > MaxRefractory || (l.Kind == Readout && r != 0) {
		return fmt.Errorf("sim: layer %d neuron %d: refractory counter %d out of range", li, i, r)
	}
	ls := &m.layers[li]
	ls.I[i], ls.V[i], ls.R[i] = cur, v, r
	return nil
}
