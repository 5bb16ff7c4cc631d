package hostdrv

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/lifkit/lifkit/sim"
)

// CheckFit reports the first way n does not fit a device described by info, as a *FitError,
// or nil. It does not validate n against docs/semantics.md (sim.Network.Validate does).
func CheckFit(n *sim.Network, info Info) error {
	if len(n.Layers) > info.MaxLayers {
		return &FitError{Field: "layers", Need: len(n.Layers), Have: info.MaxLayers}
	}
	if n.Inputs > info.MaxInputs {
		return &FitError{Field: "inputs", Need: n.Inputs, Have: info.MaxInputs}
	}
	total, weights := 0, 0
	prev := n.Inputs
	for li := range n.Layers {
		l := &n.Layers[li]
		f := func(s string) string { return fmt.Sprintf("layers[%d].%s", li, s) }
		if l.Size > info.MaxNeurons {
			return &FitError{Field: f("size"), Need: l.Size, Have: info.MaxNeurons}
		}
		if l.WeightBits > info.MaxWeightBits {
			return &FitError{Field: f("weight_bits"), Need: l.WeightBits, Have: info.MaxWeightBits}
		}
		if l.WeightBits < info.MinWeightBits {
			return &FitError{Field: f("weight_bits (minimum)"), Need: l.WeightBits, Have: info.MinWeightBits}
		}
		if l.StateBits > info.MaxStateBits {
			return &FitError{Field: f("state_bits"), Need: l.StateBits, Have: info.MaxStateBits}
		}
		if l.R != nil && !info.Recurrent {
			return &FitError{Field: f("recurrent (supported)"), Need: 1, Have: 0}
		}
		if l.Kind == sim.Readout && !info.ReadoutLayer {
			return &FitError{Field: f("kind readout (supported)"), Need: 1, Have: 0}
		}
		total += l.Size
		weights += prev * l.Size
		if l.R != nil {
			weights += l.Size * l.Size
		}
		prev = l.Size
	}
	if info.MaxTotal > 0 && total > info.MaxTotal {
		return &FitError{Field: "neurons (all layers)", Need: total, Have: info.MaxTotal}
	}
	if weights > info.WeightMem {
		return &FitError{Field: "weights (all layers)", Need: weights, Have: info.WeightMem}
	}
	return nil
}

// chunk is the largest data payload of one WRITE.
func (c *Client) chunk() int { return c.info.MaxBody - AccessLen }

// region is one host-visible memory range and its expected contents.
type region struct {
	name         string
	space, layer byte
	data         []byte
}

func netRegions(n *sim.Network) []region {
	rs := []region{{name: "net", space: SpaceNet, data: EncodeNetConfig(n)}}
	for li := range n.Layers {
		l := &n.Layers[li]
		rs = append(rs, region{name: fmt.Sprintf("layers[%d]", li), space: SpaceLayer, layer: byte(li), data: EncodeLayerConfig(l)})
		rs = append(rs, region{name: fmt.Sprintf("layers[%d].weights", li), space: SpaceW, layer: byte(li), data: int8Bytes(l.W)})
		if l.R != nil {
			rs = append(rs, region{name: fmt.Sprintf("layers[%d].recurrent_weights", li), space: SpaceR, layer: byte(li), data: int8Bytes(l.R)})
		}
	}
	return rs
}

func int8Bytes(w []int8) []byte {
	b := make([]byte, len(w))
	for i, v := range w {
		b[i] = byte(v)
	}
	return b
}

// writeCalls yields the WRITE calls that put data at (space, layer, 0..).
func (c *Client) writeCalls(rs []region) func() (call, bool) {
	ri, off := 0, 0
	return func() (call, bool) {
		for ri < len(rs) && off >= len(rs[ri].data) && !(off == 0 && len(rs[ri].data) == 0) {
			ri, off = ri+1, 0
		}
		if ri >= len(rs) {
			return call{}, false
		}
		r := rs[ri]
		end := min(len(r.data), off+c.chunk())
		body := append(EncodeAccess(r.space, r.layer, off), r.data[off:end]...)
		off = end
		if len(r.data) == 0 {
			ri++
		}
		return call{typ: TypeWrite, body: body}, true
	}
}

// readCalls yields READ calls covering every region and compares the answers with its data.
func (c *Client) readCalls(rs []region, check func(r region, off int, got []byte) error) func() (call, bool) {
	ri, off := 0, 0
	maxRead := c.info.MaxBody
	return func() (call, bool) {
		for ri < len(rs) && off >= len(rs[ri].data) {
			ri, off = ri+1, 0
		}
		if ri >= len(rs) {
			return call{}, false
		}
		r := rs[ri]
		o := off
		n := min(len(r.data)-off, maxRead)
		off += n
		body := binary.LittleEndian.AppendUint16(EncodeAccess(r.space, r.layer, o), uint16(n))
		return call{typ: TypeRead, body: body, done: func(got []byte) error {
			if len(got) != n {
				return fmt.Errorf("hostdrv: READ %s at %d: device sent %d bytes, asked %d", r.name, o, len(got), n)
			}
			return check(r, o, got)
		}}, true
	}
}

// LoadNetwork checks that n is valid and fits the device (INFO), writes it, reads every byte
// back and compares, and finally asks STATUS whether the device accepted it. A mismatch is a
// *VerifyError; a network that does not fit is a *FitError and nothing is sent. The board keeps
// running its bitstream: loading needs no rebuild.
func (c *Client) LoadNetwork(ctx context.Context, n *sim.Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("hostdrv: network: %w", err)
	}
	if err := CheckFit(n, c.info); err != nil {
		return err
	}
	c.net, c.layout = nil, nil
	if c.info.CorePort {
		return c.loadCore(ctx, n)
	}
	rs := netRegions(n)
	if err := c.exchange(ctx, "WRITE", c.writeCalls(rs)); err != nil {
		return err
	}
	var verr error
	check := func(r region, off int, got []byte) error {
		want := r.data[off : off+len(got)]
		if !bytes.Equal(want, got) {
			for k := range got {
				if got[k] != want[k] && verr == nil {
					verr = &VerifyError{Space: r.name, Offset: off + k, Wrote: want[k], Read: got[k]}
				}
			}
		}
		return nil
	}
	if err := c.exchange(ctx, "READ", c.readCalls(rs, check)); err != nil {
		return err
	}
	if verr != nil {
		return verr
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if !st.Loaded {
		return fmt.Errorf("hostdrv: the device did not accept the network it read back correctly; its core rejects a parameter INFO did not describe")
	}
	c.net = n
	return nil
}

// Result is a device's answer for one sample.
type Result struct {
	Prediction  int
	InputSpikes int
	// Outputs holds, per class, the readout's largest membrane over the run (max_membrane
	// networks) or the output layer's spike count (spike_count networks).
	Outputs []int32
	// Clocks is the core clock count of the run as the device measured it (0 if it cannot).
	Clocks uint32
}

// Agrees reports whether r is what sim computed for the same sample.
func (r *Result) Agrees(n *sim.Network, s sim.Result) bool {
	want := s.MaxMembrane
	if n.Predict == sim.SpikeCount {
		want = s.Counts[len(s.Counts)-1]
	}
	if r.Prediction != s.Prediction || (r.InputSpikes >= 0 && r.InputSpikes != s.InputSpikes) || len(r.Outputs) != len(want) {
		return false
	}
	for i := range want {
		if want[i] != r.Outputs[i] {
			return false
		}
	}
	return true
}

// sampleCalls stages s (WRITE SpaceInput) and runs it (RUN); done gets the summary.
func (c *Client) sampleCalls(s sim.Sample, flags byte, done func(Result) error) ([]call, error) {
	if c.net == nil {
		return nil, fmt.Errorf("hostdrv: no network loaded by this client; call LoadNetwork first")
	}
	if err := s.Check(c.net.Inputs); err != nil {
		return nil, fmt.Errorf("hostdrv: sample: %w", err)
	}
	if s.Steps > c.info.MaxSteps {
		return nil, &FitError{Field: "steps", Need: s.Steps, Have: c.info.MaxSteps}
	}
	var in []byte
	if s.Intensity != nil {
		if !c.info.Encoder {
			return nil, &FitError{Field: "intensity input (encoder)", Need: 1, Have: 0}
		}
		in = s.Intensity
		flags |= RunIntensity
	} else {
		var err error
		if in, err = EncodeEvents(s.Spikes); err != nil {
			return nil, err
		}
	}
	space, inputLen := SpaceInput, len(in)
	if c.info.CorePort && s.Intensity != nil {
		space, inputLen = SpaceIntensity, 0 // straight into the core's intensity RAM
	} else if len(in) > c.info.InputMem {
		return nil, &FitError{Field: "input bytes", Need: len(in), Have: c.info.InputMem}
	}
	var calls []call
	next := c.writeCalls([]region{{name: "input", space: space, data: in}})
	for {
		cl, ok := next()
		if !ok {
			break
		}
		calls = append(calls, cl)
	}
	run := RunRequest{Steps: s.Steps, Flags: flags, InputLen: inputLen}
	calls = append(calls, call{typ: TypeRun, body: run.Encode(), extra: time.Duration(s.Steps) * c.opt.StepTime,
		done: func(b []byte) error {
			sum, err := DecodeRunSummary(b)
			if err != nil {
				return err
			}
			if len(sum.Outputs) != c.net.Outputs() {
				return fmt.Errorf("hostdrv: RUN answer has %d outputs, the network %d", len(sum.Outputs), c.net.Outputs())
			}
			return done(Result{Prediction: sum.Prediction, InputSpikes: sum.InputSpikes, Outputs: sum.Outputs, Clocks: sum.Clocks})
		}})
	return calls, nil
}

// Infer runs one sample from the reset state (rule S-6) and returns the device's answer.
func (c *Client) Infer(ctx context.Context, s sim.Sample) (Result, error) {
	var res Result
	err := c.InferStream(ctx, func() (sim.Sample, bool) { ok := s.Steps != 0; st := s; s.Steps = 0; return st, ok },
		func(_ int, r Result) error { res = r; return nil })
	return res, err
}

// InferBatch runs the samples in order, pipelined (see InferStream), and returns the answers.
func (c *Client) InferBatch(ctx context.Context, samples []sim.Sample) ([]Result, error) {
	out := make([]Result, 0, len(samples))
	i := 0
	err := c.InferStream(ctx, func() (sim.Sample, bool) {
		if i >= len(samples) {
			return sim.Sample{}, false
		}
		i++
		return samples[i-1], true
	}, func(_ int, r Result) error { out = append(out, r); return nil })
	return out, err
}

// InferStream pulls samples from next until it reports false and hands each answer, with the
// sample's index, to fn in order. Up to a window of frames is in flight, so the device stages
// the next sample's input while it runs this one and the link never idles waiting for an
// answer. An error from fn stops the stream and is returned.
func (c *Client) InferStream(ctx context.Context, next func() (sim.Sample, bool), fn func(i int, r Result) error) error {
	var queue []call
	idx := 0
	var prepErr error
	pull := func() (call, bool) {
		for len(queue) == 0 {
			if prepErr != nil {
				return call{}, false
			}
			s, ok := next()
			if !ok {
				return call{}, false
			}
			i := idx
			idx++
			calls, err := c.sampleCalls(s, 0, func(r Result) error { return fn(i, r) })
			if err != nil {
				prepErr = fmt.Errorf("hostdrv: sample %d: %w", i, err)
				return call{}, false
			}
			queue = calls
		}
		cl := queue[0]
		queue = queue[1:]
		return cl, true
	}
	if err := c.exchange(ctx, "RUN", pull); err != nil {
		return err
	}
	return prepErr
}

// Reset zeroes the neuron state, spike counts and results on the device (rule S-6). The
// network stays loaded.
func (c *Client) Reset(ctx context.Context) error {
	return c.exchange(ctx, "RESET", one(call{typ: TypeReset}))
}

// Status reads the device's error counters.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var st Status
	err := c.exchange(ctx, "STATUS", one(call{typ: TypeStatus, done: func(b []byte) error { return st.UnmarshalBinary(b) }}))
	return st, err
}

// Read reads n bytes of a space (docs/protocol.md, "Address spaces").
func (c *Client) Read(ctx context.Context, space, layer byte, addr, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	rs := []region{{name: fmt.Sprintf("space %d layer %d", space, layer), space: space, layer: layer, data: make([]byte, n)}}
	next := c.readCalls(rs, func(r region, off int, got []byte) error { out = append(out, got...); return nil })
	// readCalls addresses from 0; shift by addr.
	shifted := func() (call, bool) {
		cl, ok := next()
		if ok {
			a := int(binary.LittleEndian.Uint32(cl.body[2:]))
			binary.LittleEndian.PutUint32(cl.body[2:], uint32(a+addr))
		}
		return cl, ok
	}
	err := c.exchange(ctx, "READ", shifted)
	return out, err
}

// Write writes data into a space at addr, in as many frames as it takes.
func (c *Client) Write(ctx context.Context, space, layer byte, addr int, data []byte) error {
	next := c.writeCalls([]region{{space: space, layer: layer, data: data}})
	shifted := func() (call, bool) {
		cl, ok := next()
		if ok {
			a := int(binary.LittleEndian.Uint32(cl.body[2:]))
			binary.LittleEndian.PutUint32(cl.body[2:], uint32(a+addr))
		}
		return cl, ok
	}
	return c.exchange(ctx, "WRITE", shifted)
}

// NeuronState is one neuron's state as SpaceState holds it (rule S-6).
type NeuronState struct {
	I, V int32
	R    uint8
}

// ReadState reads the state of every neuron of layer li.
func (c *Client) ReadState(ctx context.Context, li int) ([]NeuronState, error) {
	if c.net == nil || li < 0 || li >= len(c.net.Layers) {
		return nil, fmt.Errorf("hostdrv: ReadState: no layer %d in the loaded network", li)
	}
	b, err := c.Read(ctx, SpaceState, byte(li), 0, StateLen*c.net.Layers[li].Size)
	if err != nil {
		return nil, err
	}
	st := make([]NeuronState, c.net.Layers[li].Size)
	for i := range st {
		p := b[StateLen*i:]
		st[i] = NeuronState{I: int32(binary.LittleEndian.Uint32(p)), V: int32(binary.LittleEndian.Uint32(p[4:])), R: p[8]}
	}
	return st, nil
}

// ReadCounts reads the spike counts of layer li from the last run (rule S-15): hidden spikes
// on request.
func (c *Client) ReadCounts(ctx context.Context, li int) ([]int32, error) {
	if c.net == nil || li < 0 || li >= len(c.net.Layers) {
		return nil, fmt.Errorf("hostdrv: ReadCounts: no layer %d in the loaded network", li)
	}
	if c.layout != nil {
		return c.readCoreStat(ctx, li)
	}
	b, err := c.Read(ctx, SpaceCounts, byte(li), 0, 2*c.net.Layers[li].Size)
	if err != nil {
		return nil, err
	}
	out := make([]int32, c.net.Layers[li].Size)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out, nil
}
