package linktest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// DefaultInfo describes a reference device roomy enough for MNIST 784-128-10 networks.
func DefaultInfo() hostdrv.Info {
	return hostdrv.Info{
		Protocol: hostdrv.ProtocolVersion, CoreMajor: 0, CoreMinor: 1, Family: "sim",
		MaxLayers: 4, MaxInputs: 1024, MaxNeurons: 512, MaxTotal: 1024, WeightMem: 1 << 18,
		MinWeightBits: sim.MinWeightBits, MaxWeightBits: sim.MaxWeightBits, MaxStateBits: sim.MaxStateBits,
		Recurrent: true, ReadoutLayer: true, Encoder: true,
		MaxSteps: 4096, InputMem: 1 << 16, TraceMem: 1 << 16, MaxBody: 512, Window: 8,
		ClockHz: 0, Baud: 3_000_000, Lanes: 0,
	}
}

// Fault is a defective memory cell: bytes stored at (Space, Layer, Addr) are XOR-ed with Mask,
// so they read back (and compute) wrong.
type Fault struct {
	Space, Layer byte
	Addr         int
	Mask         byte
}

// Device is the reference implementation of the device side of docs/protocol.md, computing
// with sim.Machine. It is the model the RTL command engine must match answer for answer
// (except Clocks, which it reports as 0).
//
// A Device is driven by one goroutine (Serve); its exported fields must be set before.
type Device struct {
	Info   hostdrv.Info
	Faults []Fault

	synced bool
	expect byte
	cache  []cached
	status hostdrv.Status

	netRec   []byte
	layerRec [][]byte
	w, r     [][]byte
	input    []byte

	machine  *sim.Machine
	net      *sim.Network
	netErr   error
	dirty    bool
	lastRun  bool
	trace    []int32
	traceLen int

	// core holds the words of SpaceCore when Info.CorePort is set: a plain word memory with
	// lif_core's ID and CONFIG registers preset (docs/rtl.md), enough to load a network
	// through the core port and read it back. RUN does not compute from it.
	core map[uint32]uint32
}

type cached struct {
	valid bool
	seq   byte
	wire  []byte
}

// NewDevice returns a device in the power-up state.
func NewDevice(info hostdrv.Info) *Device {
	d := &Device{Info: info}
	d.cache = make([]cached, info.Window)
	d.layerRec = make([][]byte, info.MaxLayers)
	d.w = make([][]byte, info.MaxLayers)
	d.r = make([][]byte, info.MaxLayers)
	d.input = make([]byte, 0, info.InputMem)
	d.dirty = true
	if info.CorePort {
		d.core = map[uint32]uint32{
			coremap.Addr(coremap.RegionGlobal, coremap.RegID):     coremap.CoreID,
			coremap.Addr(coremap.RegionGlobal, coremap.RegConfig): coremap.ConfigWord(hostdrv.CoreConfig(info)),
		}
	}
	return d
}

// Status returns the device's counters (for tests; hosts ask with STATUS).
func (d *Device) Status() hostdrv.Status { return d.status }

// Serve answers frames read from t until t reports an error (io.EOF when closed), which it
// returns (nil for io.EOF).
func (d *Device) Serve(t hostdrv.Transport) error {
	df := hostdrv.NewDeframer(d.Info.MaxBody)
	buf := make([]byte, 4096)
	for {
		n, err := t.Read(buf)
		var werr error
		df.Push(buf[:n], func(f hostdrv.Frame, ferr error) {
			if werr != nil {
				return
			}
			if out := d.Handle(f, ferr); out != nil {
				_, werr = t.Write(append([]byte{0}, out...)) // leading delimiter, as the RTL sends
			}
		})
		if werr != nil {
			return werr
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// Handle answers one received block: a frame, or the reason a block was dropped. It returns
// the wire bytes to send back (nil for none).
func (d *Device) Handle(f hostdrv.Frame, ferr error) []byte {
	if ferr != nil {
		d.status.CRCErrors++
		return d.nak(hostdrv.NakCorrupt)
	}
	d.status.FramesOK++
	if f.Type == hostdrv.TypeHello {
		return d.hello(f)
	}
	if !d.synced {
		d.status.BadCommands++
		return hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeErr, Seq: f.Seq, Body: []byte{hostdrv.ErrNotSynced}})
	}
	if f.Seq != d.expect {
		back := d.expect - f.Seq
		if back >= 1 && int(back) <= len(d.cache) {
			if c := d.cache[int(f.Seq)%len(d.cache)]; c.valid && c.seq == f.Seq {
				d.status.Duplicates++
				return c.wire
			}
		}
		return d.nak(hostdrv.NakOutOfOrder)
	}
	typ, body := d.execute(f)
	wire := hostdrv.AppendFrame(nil, hostdrv.Frame{Type: typ, Seq: f.Seq, Body: body})
	d.cache[int(f.Seq)%len(d.cache)] = cached{valid: true, seq: f.Seq, wire: wire}
	d.expect++
	return wire
}

func (d *Device) nak(reason byte) []byte {
	d.status.Naks++
	return hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeNak, Seq: d.expect, Body: []byte{reason, d.expect}})
}

func (d *Device) hello(f hostdrv.Frame) []byte {
	if len(f.Body) != 6 || f.Body[0] > hostdrv.ProtocolVersion || f.Body[1] < hostdrv.ProtocolVersion {
		d.status.BadCommands++
		return hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeErr, Seq: f.Seq, Body: []byte{hostdrv.ErrVersion}})
	}
	d.synced = true
	d.expect = f.Seq + 1
	clear(d.cache)
	body := append([]byte{hostdrv.ProtocolVersion}, f.Body[2:6]...)
	return hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeHello | hostdrv.Ack, Seq: f.Seq, Body: body})
}

type devErr struct {
	code   byte
	detail string
}

func fail(code byte, format string, args ...any) *devErr {
	return &devErr{code: code, detail: fmt.Sprintf(format, args...)}
}

func (d *Device) execute(f hostdrv.Frame) (byte, []byte) {
	var body []byte
	var e *devErr
	switch f.Type {
	case hostdrv.TypeInfo:
		body, _ = d.Info.MarshalBinary()
	case hostdrv.TypeStatus:
		d.build()
		d.status.Loaded = d.netErr == nil
		body, _ = d.status.MarshalBinary()
	case hostdrv.TypeReset:
		if d.machine != nil {
			d.machine.Reset()
		}
		d.lastRun = false
		d.traceLen = 0
	case hostdrv.TypeWrite:
		e = d.write(f.Body)
	case hostdrv.TypeRead:
		body, e = d.read(f.Body)
	case hostdrv.TypeRun:
		body, e = d.run(f.Body)
	default:
		e = fail(hostdrv.ErrUnknownCommand, "type 0x%02x", f.Type)
	}
	if e != nil {
		d.status.BadCommands++
		return hostdrv.TypeErr, append([]byte{e.code}, e.detail...)
	}
	return f.Type | hostdrv.Ack, body
}

// layerShape returns the (sources, size, recurrent) of layer li from the written records.
func (d *Device) layerShape(li int) (src, size int, rec bool, ok bool) {
	if len(d.netRec) != hostdrv.NetConfigLen || li >= len(d.layerRec) {
		return 0, 0, false, false
	}
	src = int(binary.LittleEndian.Uint32(d.netRec))
	for k := 0; k <= li; k++ {
		if len(d.layerRec[k]) != hostdrv.LayerConfigLen {
			return 0, 0, false, false
		}
		size = int(binary.LittleEndian.Uint32(d.layerRec[k][2:]))
		rec = d.layerRec[k][1] != 0
		if k < li {
			src = size
		}
	}
	return src, size, rec, true
}

// region returns the backing slice of a writable space, sized to its current extent.
func (d *Device) region(space, layer byte) ([]byte, *devErr) {
	li := int(layer)
	switch space {
	case hostdrv.SpaceNet:
		if d.netRec == nil {
			d.netRec = make([]byte, hostdrv.NetConfigLen)
		}
		return d.netRec, nil
	case hostdrv.SpaceLayer:
		if li >= d.Info.MaxLayers {
			return nil, fail(hostdrv.ErrBadSpace, "layer %d, the device has %d", li, d.Info.MaxLayers)
		}
		if d.layerRec[li] == nil {
			d.layerRec[li] = make([]byte, hostdrv.LayerConfigLen)
		}
		return d.layerRec[li], nil
	case hostdrv.SpaceW, hostdrv.SpaceR:
		if li >= d.Info.MaxLayers {
			return nil, fail(hostdrv.ErrBadSpace, "layer %d, the device has %d", li, d.Info.MaxLayers)
		}
		src, size, rec, ok := d.layerShape(li)
		if !ok {
			return nil, fail(hostdrv.ErrBadSpace, "write the net and layer records before the weights of layer %d", li)
		}
		if src > max(d.Info.MaxInputs, d.Info.MaxNeurons) || size > d.Info.MaxNeurons {
			return nil, fail(hostdrv.ErrTooBig, "layer %d is %d x %d, the device holds %d inputs and %d neurons per layer", li, src, size, d.Info.MaxInputs, d.Info.MaxNeurons)
		}
		n := src * size
		mem := d.w
		if space == hostdrv.SpaceR {
			if !rec {
				return nil, fail(hostdrv.ErrBadSpace, "layer %d is not recurrent", li)
			}
			n = size * size
			mem = d.r
		}
		if n > d.Info.WeightMem {
			return nil, fail(hostdrv.ErrTooBig, "layer %d needs %d weights, the device has %d", li, n, d.Info.WeightMem)
		}
		if len(mem[li]) != n {
			mem[li] = make([]byte, n)
		}
		return mem[li], nil
	case hostdrv.SpaceInput:
		return d.input[:cap(d.input)], nil
	}
	return nil, fail(hostdrv.ErrBadSpace, "space %d", space)
}

func (d *Device) write(body []byte) *devErr {
	space, layer, addr, data, err := hostdrv.DecodeAccess(body)
	if err != nil {
		return fail(hostdrv.ErrBadArgument, "%v", err)
	}
	switch space {
	case hostdrv.SpaceCounts, hostdrv.SpaceTrace, hostdrv.SpaceMaxV:
		return fail(hostdrv.ErrReadOnly, "space %d", space)
	case hostdrv.SpaceState:
		return d.writeState(layer, addr, data)
	case hostdrv.SpaceCore:
		return d.coreWords(addr, data, nil)
	}
	mem, e := d.region(space, layer)
	if e != nil {
		return e
	}
	if addr < 0 || addr+len(data) > len(mem) {
		return fail(hostdrv.ErrBadSpace, "bytes %d..%d of space %d layer %d, which has %d", addr, addr+len(data), space, layer, len(mem))
	}
	copy(mem[addr:], data)
	for _, f := range d.Faults {
		if f.Space == space && f.Layer == layer && f.Addr >= addr && f.Addr < addr+len(data) {
			mem[f.Addr] ^= f.Mask
		}
	}
	if space != hostdrv.SpaceInput {
		d.dirty = true
	}
	return nil
}

// build turns the written records into a sim.Network and a Machine, once per change.
func (d *Device) build() {
	if !d.dirty {
		return
	}
	d.dirty = false
	d.machine, d.net = nil, nil
	d.netErr = d.buildNet()
}

func (d *Device) buildNet() error {
	if len(d.netRec) != hostdrv.NetConfigLen {
		return errors.New("no net record written")
	}
	n := &sim.Network{}
	layers, err := hostdrv.DecodeNetConfig(d.netRec, n)
	if err != nil {
		return err
	}
	if layers < 1 || layers > d.Info.MaxLayers {
		return fmt.Errorf("%d layers, the device has 1..%d", layers, d.Info.MaxLayers)
	}
	if n.Inputs > d.Info.MaxInputs {
		return fmt.Errorf("%d inputs, the device has %d", n.Inputs, d.Info.MaxInputs)
	}
	weights := 0
	for li := 0; li < layers; li++ {
		if len(d.layerRec[li]) != hostdrv.LayerConfigLen {
			return fmt.Errorf("layer %d record not written", li)
		}
		var l sim.Layer
		rec, err := hostdrv.DecodeLayerConfig(d.layerRec[li], &l)
		if err != nil {
			return err
		}
		src, size, _, _ := d.layerShape(li)
		if size > d.Info.MaxNeurons {
			return fmt.Errorf("layer %d has %d neurons, the device %d", li, size, d.Info.MaxNeurons)
		}
		if len(d.w[li]) != src*size {
			return fmt.Errorf("layer %d weights not written", li)
		}
		l.W = make([]int8, src*size)
		for k, b := range d.w[li] {
			l.W[k] = int8(b)
		}
		weights += src * size
		if rec {
			if len(d.r[li]) != size*size {
				return fmt.Errorf("layer %d recurrent weights not written", li)
			}
			l.R = make([]int8, size*size)
			for k, b := range d.r[li] {
				l.R[k] = int8(b)
			}
			weights += size * size
		}
		n.Layers = append(n.Layers, l)
	}
	if weights > d.Info.WeightMem {
		return fmt.Errorf("%d weights, the device has %d", weights, d.Info.WeightMem)
	}
	if err := n.Validate(); err != nil {
		return err
	}
	d.net = n
	d.machine = sim.NewMachine(n)
	return nil
}

func (d *Device) read(body []byte) ([]byte, *devErr) {
	space, layer, addr, rest, err := hostdrv.DecodeAccess(body)
	if err != nil || len(rest) != 2 {
		return nil, fail(hostdrv.ErrBadArgument, "READ body: access prefix and u16 count")
	}
	n := int(binary.LittleEndian.Uint16(rest))
	if n > d.Info.MaxBody {
		return nil, fail(hostdrv.ErrTooBig, "read of %d bytes, max body %d", n, d.Info.MaxBody)
	}
	var mem []byte
	switch space {
	case hostdrv.SpaceCore:
		out := make([]byte, n)
		return out, d.coreWords(addr, nil, out)
	case hostdrv.SpaceState, hostdrv.SpaceCounts, hostdrv.SpaceTrace, hostdrv.SpaceMaxV:
		var e *devErr
		if mem, e = d.results(space, layer); e != nil {
			return nil, e
		}
	default:
		var e *devErr
		if mem, e = d.region(space, layer); e != nil {
			return nil, e
		}
	}
	if addr < 0 || addr+n > len(mem) {
		return nil, fail(hostdrv.ErrBadSpace, "bytes %d..%d of space %d layer %d, which has %d", addr, addr+n, space, layer, len(mem))
	}
	return append([]byte(nil), mem[addr:addr+n]...), nil
}

// results serialises a read-only (or state) space.
func (d *Device) results(space, layer byte) ([]byte, *devErr) {
	d.build()
	if d.machine == nil {
		return nil, fail(hostdrv.ErrNoNetwork, "%v", d.netErr)
	}
	li := int(layer)
	if li >= len(d.net.Layers) {
		return nil, fail(hostdrv.ErrBadSpace, "layer %d, the network has %d", li, len(d.net.Layers))
	}
	var b []byte
	switch space {
	case hostdrv.SpaceState:
		st := d.machine.State(li)
		for i := range st.I {
			b = binary.LittleEndian.AppendUint32(b, uint32(st.I[i]))
			b = binary.LittleEndian.AppendUint32(b, uint32(st.V[i]))
			b = append(b, st.R[i])
		}
	case hostdrv.SpaceCounts:
		for _, c := range d.machine.Counts(li) {
			b = binary.LittleEndian.AppendUint16(b, uint16(c))
		}
	case hostdrv.SpaceMaxV:
		for _, v := range d.machine.MaxMembrane() {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
	case hostdrv.SpaceTrace:
		for _, v := range d.trace[:d.traceLen] {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
	}
	return b, nil
}

// writeState sets neuron state through sim's state view (docs/protocol.md: state is writable
// so a host can resume a run with RUN_KEEP).
func (d *Device) writeState(layer byte, addr int, data []byte) *devErr {
	d.build()
	if d.machine == nil {
		return fail(hostdrv.ErrNoNetwork, "%v", d.netErr)
	}
	li := int(layer)
	if li >= len(d.net.Layers) {
		return fail(hostdrv.ErrBadSpace, "layer %d, the network has %d", li, len(d.net.Layers))
	}
	st := d.machine.State(li)
	if addr%hostdrv.StateLen != 0 || len(data)%hostdrv.StateLen != 0 || addr/hostdrv.StateLen+len(data)/hostdrv.StateLen > len(st.I) {
		return fail(hostdrv.ErrBadSpace, "state writes are whole %d-byte records inside the layer", hostdrv.StateLen)
	}
	for k := 0; k < len(data); k += hostdrv.StateLen {
		i := addr/hostdrv.StateLen + k/hostdrv.StateLen
		cur := int32(binary.LittleEndian.Uint32(data[k:]))
		v := int32(binary.LittleEndian.Uint32(data[k+4:]))
		if err := d.machine.SetNeuron(li, i, cur, v, data[k+8]); err != nil {
			return fail(hostdrv.ErrBadArgument, "%v", err)
		}
	}
	return nil
}

func (d *Device) run(body []byte) ([]byte, *devErr) {
	req, err := hostdrv.DecodeRunRequest(body)
	if err != nil {
		return nil, fail(hostdrv.ErrBadArgument, "%v", err)
	}
	// Checks in the order docs/protocol.md gives (the RTL answers the same codes).
	if req.Steps < 1 || req.Steps > d.Info.MaxSteps {
		return nil, fail(hostdrv.ErrTooBig, "steps %d, the device runs 1..%d", req.Steps, d.Info.MaxSteps)
	}
	if req.InputLen < 0 || req.InputLen > cap(d.input) {
		return nil, fail(hostdrv.ErrBadInput, "input length %d, input memory %d", req.InputLen, cap(d.input))
	}
	d.build()
	if d.machine == nil {
		return nil, fail(hostdrv.ErrNoNetwork, "%v", d.netErr)
	}
	n, m := d.net, d.machine
	in := d.input[:req.InputLen]
	s := sim.Sample{Steps: req.Steps}
	if req.Flags&hostdrv.RunIntensity != 0 {
		s.Intensity = append([]byte(nil), in...)
	} else {
		if s.Spikes, err = hostdrv.DecodeEvents(in); err != nil {
			return nil, fail(hostdrv.ErrBadInput, "%v", err)
		}
	}
	if err := s.Check(n.Inputs); err != nil {
		return nil, fail(hostdrv.ErrBadInput, "%v", err)
	}
	readout := n.Layers[len(n.Layers)-1].Kind == sim.Readout
	if req.Flags&hostdrv.RunTrace != 0 && (!readout || req.Steps*n.Outputs() > d.Info.TraceMem) {
		return nil, fail(hostdrv.ErrTooBig, "a trace needs a readout layer and steps x outputs <= %d", d.Info.TraceMem)
	}
	if req.Flags&hostdrv.RunKeep == 0 {
		m.Reset()
	}
	d.traceLen = 0
	if req.Flags&hostdrv.RunTrace != 0 {
		d.trace = make([]int32, 0, req.Steps*n.Outputs())
	}
	spikes := 0
	for t := 0; t < req.Steps; t++ {
		switch {
		case s.Intensity != nil:
			m.StepIntensity(s.Intensity)
		case t < len(s.Spikes):
			m.StepSpikes(s.Spikes[t])
		default:
			m.StepSpikes(nil)
		}
		spikes += len(m.Input())
		if req.Flags&hostdrv.RunTrace != 0 {
			d.trace = append(d.trace, m.State(len(n.Layers)-1).V...)
		}
	}
	d.traceLen = len(d.trace)
	pred, _ := m.Prediction()
	sum := hostdrv.RunSummary{Prediction: pred, InputSpikes: spikes}
	if readout {
		sum.Outputs = append(sum.Outputs, m.MaxMembrane()...)
	} else {
		sum.Outputs = append(sum.Outputs, m.Counts(len(n.Layers)-1)...)
	}
	d.status.Runs++
	return sum.Encode(), nil
}

// coreWords writes data to, or reads out from, the core-port words from word address addr on
// (little-endian 32-bit words, whole words only).
func (d *Device) coreWords(addr int, data, out []byte) *devErr {
	n := len(data) + len(out)
	if d.core == nil {
		return fail(hostdrv.ErrBadSpace, "space %d: the device has no core port", hostdrv.SpaceCore)
	}
	if addr < 0 || n%4 != 0 {
		return fail(hostdrv.ErrBadArgument, "core port: word address %d, %d bytes (whole words only)", addr, n)
	}
	for i := 0; i < n/4; i++ {
		a := uint32(addr + i)
		if data != nil {
			d.core[a] = binary.LittleEndian.Uint32(data[4*i:])
		} else {
			binary.LittleEndian.PutUint32(out[4*i:], d.core[a])
		}
	}
	return nil
}
