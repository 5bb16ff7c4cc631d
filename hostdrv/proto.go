package hostdrv

import (
	"encoding/binary"
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// ProtocolVersion is the version of docs/protocol.md this package speaks.
const ProtocolVersion = 1

// Frame types (docs/protocol.md, "Frame types"). Requests go host to device; a device answers a
// request of type T with type T|Ack carrying the same sequence number, or with Err or Nak.
const (
	TypeHello  byte = 0x01 // version negotiation; resynchronises the sequence numbers
	TypeInfo   byte = 0x02 // protocol and core version, every core parameter
	TypeStatus byte = 0x03 // error counters
	TypeReset  byte = 0x04 // zero neuron state, spike counts and results (rule S-6)
	TypeWrite  byte = 0x05 // write bytes into an address space
	TypeRead   byte = 0x06 // read bytes from an address space
	TypeRun    byte = 0x07 // run n steps on the staged input

	Ack     byte = 0x80 // OR-ed into the request type in a positive answer
	TypeErr byte = 0xFE // the request was received intact but refused; its seq is consumed
	TypeNak byte = 0xFF // a frame was lost or damaged; resend from the expected seq
)

// Address spaces of WRITE and READ (docs/protocol.md, "Address spaces").
const (
	SpaceNet    byte = 0x01 // NetConfigLen bytes: inputs, layers, predict rule, encoder seed
	SpaceLayer  byte = 0x02 // LayerConfigLen bytes of one layer's parameters
	SpaceW      byte = 0x03 // feed-forward weights, one signed byte each, row-major by source
	SpaceR      byte = 0x04 // recurrent weights, same layout
	SpaceState  byte = 0x05 // StateLen bytes per neuron: I i32, V i32, r u8
	SpaceInput  byte = 0x06 // staged input: intensities or spike events
	SpaceCounts byte = 0x07 // read only: spike count per neuron, u16
	SpaceTrace  byte = 0x08 // read only: readout V after every step, i32, [t][c]
	SpaceMaxV   byte = 0x09 // read only: readout max V over the run, i32 per class
	SpaceCore   byte = 0x0A // lif_core's host port: 32-bit words at word addresses (docs/rtl.md)
	// SpaceIntensity (core-port devices) writes one byte per input straight into the core's
	// intensity RAM; RUN with RunIntensity and input length 0 then uses it as written.
	SpaceIntensity byte = 0x0B
)

// Sizes of the fixed records.
const (
	NetConfigLen   = 10 // inputs u32, layers u8, predict u8, seed u32
	LayerConfigLen = 20
	StateLen       = 9
	AccessLen      = 6 // space u8, layer u8, address u32 (WRITE and READ prefix)
)

// NAK reasons (docs/protocol.md, "Sequence numbers").
const (
	NakCorrupt    byte = 1 // a frame failed COBS, length or CRC checks
	NakOutOfOrder byte = 2 // a frame arrived whose seq is not the expected one
	NakOverrun    byte = 3 // the device had no room for a frame (UART or frame buffer overrun)
)

// ERR codes (docs/protocol.md, "Errors").
const (
	ErrUnknownCommand byte = 1
	ErrBadArgument    byte = 2 // malformed body, or a field outside its range
	ErrBadSpace       byte = 3 // no such space or layer, or an access past its end
	ErrReadOnly       byte = 4
	ErrNoNetwork      byte = 5 // RUN before a valid network was written
	ErrBadNetwork     byte = 6 // the written network breaks a rule of docs/semantics.md
	ErrTooBig         byte = 7 // the request needs more than the device has (see INFO)
	ErrBadInput       byte = 8 // staged input malformed (length, index, duplicate)
	ErrVersion        byte = 9 // HELLO: no common protocol version
	ErrNotSynced      byte = 10
)

// Run flags.
const (
	RunIntensity byte = 1 << 0 // input is N_0 intensity bytes for the encoder (rule S-13); else events (rule S-14)
	RunKeep      byte = 1 << 1 // keep state from the previous run instead of resetting (rule S-6 resets)
	RunTrace     byte = 1 << 2 // record the readout membrane after every step into SpaceTrace
)

// Info is a device's answer to INFO: what it is and what fits (docs/protocol.md, "INFO").
type Info struct {
	Protocol      int    // protocol version in use
	CoreMajor     int    // core version
	CoreMinor     int    //
	Family        string // "ice40", "ecp5", "sim", ...
	MaxLayers     int    // layers a network may have
	MaxInputs     int    // N_0
	MaxNeurons    int    // neurons in any one layer
	MaxTotal      int    // neurons over all layers
	WeightMem     int    // weights (feed-forward plus recurrent) over all layers
	MinWeightBits int    //
	MaxWeightBits int    //
	MaxStateBits  int    //
	Recurrent     bool   // recurrent layers supported
	ReadoutLayer  bool   // readout last layer supported
	Encoder       bool   // intensity inputs (the on-chip LFSR encoder) supported
	MaxSteps      int    // steps of one RUN
	InputMem      int    // bytes of SpaceInput
	TraceMem      int    // i32 words of SpaceTrace
	MaxBody       int    // largest frame body the device accepts and sends
	Window        int    // frames the host may have outstanding
	ClockHz       int    // core clock, 0 if unknown
	Baud          int    // UART baud, 0 if not a UART
	Lanes         int    // synaptic operations per clock
	// CorePort (feature bit 3) means the device exposes lif_core's 32-bit host port as space
	// SpaceCore and the host lays the network out itself (docs/rtl.md); the core's compile-time
	// parameters then follow (keys 20-24).
	CorePort                            bool
	AccW, NeurAW, LayerAW, InAW, WmemAW int
}

// INFO keys (TLV, docs/protocol.md): each entry is key u8, len u8, value (little endian).
const (
	keyProtocol byte = iota + 1
	keyCore
	keyFamily
	keyMaxLayers
	keyMaxInputs
	keyMaxNeurons
	keyMaxTotal
	keyWeightMem
	keyWeightBits
	keyMaxStateBits
	keyFeatures
	keyMaxSteps
	keyInputMem
	keyTraceMem
	keyMaxBody
	keyWindow
	keyClockHz
	keyBaud
	keyLanes
	keyAccW
	keyNeurAW
	keyLayerAW
	keyInAW
	keyWmemAW
)

func appendTLV32(b []byte, key byte, v int) []byte {
	b = append(b, key, 4)
	return binary.LittleEndian.AppendUint32(b, uint32(v))
}

// MarshalBinary encodes i as the INFO answer body.
func (i *Info) MarshalBinary() ([]byte, error) {
	var b []byte
	b = append(b, keyProtocol, 1, byte(i.Protocol))
	b = append(b, keyCore, 2, byte(i.CoreMajor), byte(i.CoreMinor))
	if len(i.Family) > 255 {
		return nil, fmt.Errorf("hostdrv: family name longer than 255 bytes")
	}
	b = append(b, keyFamily, byte(len(i.Family)))
	b = append(b, i.Family...)
	b = append(b, keyMaxLayers, 1, byte(i.MaxLayers))
	b = appendTLV32(b, keyMaxInputs, i.MaxInputs)
	b = appendTLV32(b, keyMaxNeurons, i.MaxNeurons)
	b = appendTLV32(b, keyMaxTotal, i.MaxTotal)
	b = appendTLV32(b, keyWeightMem, i.WeightMem)
	b = append(b, keyWeightBits, 2, byte(i.MinWeightBits), byte(i.MaxWeightBits))
	b = append(b, keyMaxStateBits, 1, byte(i.MaxStateBits))
	var feat byte
	if i.Recurrent {
		feat |= 1
	}
	if i.ReadoutLayer {
		feat |= 2
	}
	if i.Encoder {
		feat |= 4
	}
	if i.CorePort {
		feat |= 8
	}
	b = append(b, keyFeatures, 1, feat)
	b = appendTLV32(b, keyMaxSteps, i.MaxSteps)
	b = appendTLV32(b, keyInputMem, i.InputMem)
	b = appendTLV32(b, keyTraceMem, i.TraceMem)
	b = appendTLV32(b, keyMaxBody, i.MaxBody)
	b = append(b, keyWindow, 1, byte(i.Window))
	b = appendTLV32(b, keyClockHz, i.ClockHz)
	b = appendTLV32(b, keyBaud, i.Baud)
	b = appendTLV32(b, keyLanes, i.Lanes)
	if i.CorePort {
		b = append(b, keyAccW, 1, byte(i.AccW), keyNeurAW, 1, byte(i.NeurAW), keyLayerAW, 1, byte(i.LayerAW),
			keyInAW, 1, byte(i.InAW), keyWmemAW, 1, byte(i.WmemAW))
	}
	return b, nil
}

// UnmarshalBinary decodes an INFO answer body. Unknown keys are skipped (a newer device may
// report more); a missing required key is an error.
func (i *Info) UnmarshalBinary(b []byte) error {
	*i = Info{}
	seen := map[byte]bool{}
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return fmt.Errorf("hostdrv: INFO answer truncated")
		}
		key, v := b[0], b[2:2+int(b[1])]
		b = b[2+int(b[1]):]
		u := func() int {
			var x uint32
			for k := len(v) - 1; k >= 0; k-- {
				x = x<<8 | uint32(v[k])
			}
			return int(x)
		}
		seen[key] = true
		switch key {
		case keyProtocol:
			i.Protocol = u()
		case keyCore:
			if len(v) == 2 {
				i.CoreMajor, i.CoreMinor = int(v[0]), int(v[1])
			}
		case keyFamily:
			i.Family = string(v)
		case keyMaxLayers:
			i.MaxLayers = u()
		case keyMaxInputs:
			i.MaxInputs = u()
		case keyMaxNeurons:
			i.MaxNeurons = u()
		case keyMaxTotal:
			i.MaxTotal = u()
		case keyWeightMem:
			i.WeightMem = u()
		case keyWeightBits:
			if len(v) == 2 {
				i.MinWeightBits, i.MaxWeightBits = int(v[0]), int(v[1])
			}
		case keyMaxStateBits:
			i.MaxStateBits = u()
		case keyFeatures:
			f := u()
			i.Recurrent, i.ReadoutLayer, i.Encoder, i.CorePort = f&1 != 0, f&2 != 0, f&4 != 0, f&8 != 0
		case keyMaxSteps:
			i.MaxSteps = u()
		case keyInputMem:
			i.InputMem = u()
		case keyTraceMem:
			i.TraceMem = u()
		case keyMaxBody:
			i.MaxBody = u()
		case keyWindow:
			i.Window = u()
		case keyClockHz:
			i.ClockHz = u()
		case keyBaud:
			i.Baud = u()
		case keyLanes:
			i.Lanes = u()
		case keyAccW:
			i.AccW = u()
		case keyNeurAW:
			i.NeurAW = u()
		case keyLayerAW:
			i.LayerAW = u()
		case keyInAW:
			i.InAW = u()
		case keyWmemAW:
			i.WmemAW = u()
		}
	}
	for _, k := range []byte{keyProtocol, keyMaxLayers, keyMaxInputs, keyMaxNeurons, keyWeightMem, keyWeightBits, keyMaxStateBits, keyMaxSteps, keyInputMem, keyMaxBody, keyWindow} {
		if !seen[k] {
			return fmt.Errorf("hostdrv: INFO answer lacks key %d", k)
		}
	}
	if i.MaxBody < MinBody {
		return fmt.Errorf("hostdrv: INFO max body %d is below the protocol minimum %d", i.MaxBody, MinBody)
	}
	if i.Window < 1 || i.Window > MaxWindow {
		return fmt.Errorf("hostdrv: INFO window %d is outside 1..%d", i.Window, MaxWindow)
	}
	return nil
}

// MinBody is the smallest max body a device may report; MaxWindow the largest window.
const (
	MinBody   = 64
	MaxWindow = 64
)

// Status is a device's answer to STATUS: error counters since power-up or the last HELLO, each
// u32 and wrapping (docs/protocol.md, "STATUS").
type Status struct {
	FramesOK    uint32 // frames received intact
	CRCErrors   uint32 // frames dropped for COBS, length or CRC
	Overruns    uint32 // bytes or frames lost for lack of room (UART overrun, buffer full)
	UARTErrors  uint32 // UART framing errors (stop bit not high)
	BadCommands uint32 // ERR answers sent
	Naks        uint32 // NAK answers sent
	Duplicates  uint32 // duplicates re-answered from the cache
	Runs        uint32 // RUN commands completed
	Loaded      bool   // a valid network is in place
}

// StatusLen is the size of the STATUS answer body.
const StatusLen = 8*4 + 1

// MarshalBinary encodes s as the STATUS answer body.
func (s *Status) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, StatusLen)
	for _, v := range []uint32{s.FramesOK, s.CRCErrors, s.Overruns, s.UARTErrors, s.BadCommands, s.Naks, s.Duplicates, s.Runs} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	var l byte
	if s.Loaded {
		l = 1
	}
	return append(b, l), nil
}

// UnmarshalBinary decodes a STATUS answer body.
func (s *Status) UnmarshalBinary(b []byte) error {
	if len(b) < StatusLen {
		return fmt.Errorf("hostdrv: STATUS answer has %d bytes, want %d", len(b), StatusLen)
	}
	f := []*uint32{&s.FramesOK, &s.CRCErrors, &s.Overruns, &s.UARTErrors, &s.BadCommands, &s.Naks, &s.Duplicates, &s.Runs}
	for k, p := range f {
		*p = binary.LittleEndian.Uint32(b[4*k:])
	}
	s.Loaded = b[32] != 0
	return nil
}

// Layer record codes.
const (
	kindLIF     = 0
	kindReadout = 1
	resetZero   = 0
	resetSub    = 1
	predMaxV    = 0
	predCount   = 1
)

// EncodeNetConfig returns the SpaceNet record of n.
func EncodeNetConfig(n *sim.Network) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(n.Inputs))
	p := byte(predMaxV)
	if n.Predict == sim.SpikeCount {
		p = predCount
	}
	b = append(b, byte(len(n.Layers)), p)
	return binary.LittleEndian.AppendUint32(b, n.EncoderSeed)
}

// DecodeNetConfig parses a SpaceNet record into n's global fields and returns the layer count.
func DecodeNetConfig(b []byte, n *sim.Network) (layers int, err error) {
	if len(b) != NetConfigLen {
		return 0, fmt.Errorf("hostdrv: net record has %d bytes, want %d", len(b), NetConfigLen)
	}
	n.Inputs = int(binary.LittleEndian.Uint32(b))
	switch b[5] {
	case predMaxV:
		n.Predict = sim.MaxMembrane
	case predCount:
		n.Predict = sim.SpikeCount
	default:
		return 0, fmt.Errorf("hostdrv: net record predict code %d", b[5])
	}
	n.EncoderSeed = binary.LittleEndian.Uint32(b[6:])
	return int(b[4]), nil
}

// EncodeLayerConfig returns the SpaceLayer record of l:
// kind u8, recurrent u8, size u32, state_bits u8, weight_bits u8, weight_shift u8,
// current_leak u16, membrane_leak u16, threshold i32, reset u8, refractory u8, reserved u8.
func EncodeLayerConfig(l *sim.Layer) []byte {
	b := make([]byte, 0, LayerConfigLen)
	k := byte(kindLIF)
	if l.Kind == sim.Readout {
		k = kindReadout
	}
	rec := byte(0)
	if l.R != nil {
		rec = 1
	}
	b = append(b, k, rec)
	b = binary.LittleEndian.AppendUint32(b, uint32(l.Size))
	b = append(b, byte(l.StateBits), byte(l.WeightBits), byte(l.WeightShift))
	b = binary.LittleEndian.AppendUint16(b, uint16(l.CurrentLeak))
	b = binary.LittleEndian.AppendUint16(b, uint16(l.MembraneLeak))
	b = binary.LittleEndian.AppendUint32(b, uint32(l.Threshold))
	r := byte(resetZero)
	if l.Reset == sim.ResetSubtract {
		r = resetSub
	}
	return append(b, r, byte(l.Refractory), 0)
}

// DecodeLayerConfig parses a SpaceLayer record into l (weights untouched) and reports whether
// the layer is recurrent.
func DecodeLayerConfig(b []byte, l *sim.Layer) (recurrent bool, err error) {
	if len(b) != LayerConfigLen {
		return false, fmt.Errorf("hostdrv: layer record has %d bytes, want %d", len(b), LayerConfigLen)
	}
	switch b[0] {
	case kindLIF:
		l.Kind = sim.LIF
	case kindReadout:
		l.Kind = sim.Readout
	default:
		return false, fmt.Errorf("hostdrv: layer record kind code %d", b[0])
	}
	l.Size = int(binary.LittleEndian.Uint32(b[2:]))
	l.StateBits, l.WeightBits, l.WeightShift = int(b[6]), int(b[7]), int(b[8])
	l.CurrentLeak = int(binary.LittleEndian.Uint16(b[9:]))
	l.MembraneLeak = int(binary.LittleEndian.Uint16(b[11:]))
	l.Threshold = int32(binary.LittleEndian.Uint32(b[13:]))
	l.Reset, l.Refractory = "", 0
	if l.Kind == sim.LIF {
		switch b[17] {
		case resetZero:
			l.Reset = sim.ResetZero
		case resetSub:
			l.Reset = sim.ResetSubtract
		default:
			return false, fmt.Errorf("hostdrv: layer record reset code %d", b[17])
		}
		l.Refractory = int(b[18])
	}
	return b[1] != 0, nil
}

// EncodeEvents encodes spike events (rule S-14) for SpaceInput: for each listed step, a u16
// count followed by that many u16 input indices. Steps past the last listed one have no spikes.
func EncodeEvents(spikes [][]int) ([]byte, error) {
	var b []byte
	for t, ev := range spikes {
		if len(ev) > 0xFFFF {
			return nil, fmt.Errorf("hostdrv: step %d lists %d spikes; the event encoding holds at most 65535", t, len(ev))
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(len(ev)))
		for _, j := range ev {
			if j < 0 || j > 0xFFFF {
				return nil, fmt.Errorf("hostdrv: step %d: input %d does not fit the u16 event encoding", t, j)
			}
			b = binary.LittleEndian.AppendUint16(b, uint16(j))
		}
	}
	return b, nil
}

// DecodeEvents parses SpaceInput bytes written by EncodeEvents.
func DecodeEvents(b []byte) ([][]int, error) {
	var out [][]int
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, fmt.Errorf("hostdrv: events truncated in a count")
		}
		n := int(binary.LittleEndian.Uint16(b))
		b = b[2:]
		if len(b) < 2*n {
			return nil, fmt.Errorf("hostdrv: events truncated: step %d lists %d spikes, %d bytes remain", len(out), n, len(b))
		}
		ev := make([]int, n)
		for k := range ev {
			ev[k] = int(binary.LittleEndian.Uint16(b[2*k:]))
		}
		b = b[2*n:]
		out = append(out, ev)
	}
	return out, nil
}

// RunRequest is the body of RUN: steps u32, flags u8, input length u32 (bytes of SpaceInput to use).
type RunRequest struct {
	Steps    int
	Flags    byte
	InputLen int
}

// RunRequestLen is the size of the RUN body.
const RunRequestLen = 9

// Encode returns the RUN body.
func (r RunRequest) Encode() []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(r.Steps))
	b = append(b, r.Flags)
	return binary.LittleEndian.AppendUint32(b, uint32(r.InputLen))
}

// DecodeRunRequest parses a RUN body.
func DecodeRunRequest(b []byte) (RunRequest, error) {
	if len(b) != RunRequestLen {
		return RunRequest{}, fmt.Errorf("hostdrv: RUN body has %d bytes, want %d", len(b), RunRequestLen)
	}
	return RunRequest{Steps: int(binary.LittleEndian.Uint32(b)), Flags: b[4], InputLen: int(binary.LittleEndian.Uint32(b[5:]))}, nil
}

// RunSummary is the answer to RUN: prediction u16, input spikes u32, clocks u32, outputs u16 n,
// then n i32 values: the readout's max membrane per class (max_membrane) or the output layer's
// spike counts (spike_count).
type RunSummary struct {
	Prediction int
	// InputSpikes is -1 (0xFFFFFFFF on the wire) when the device cannot count them (the RTL
	// does not see the spikes its encoder forms).
	InputSpikes int
	Clocks      uint32 // core clocks the run took; 0 when the device cannot count them
	Outputs     []int32
}

// Encode returns the RUN answer body.
func (s *RunSummary) Encode() []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(s.Prediction))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(s.InputSpikes)))
	b = binary.LittleEndian.AppendUint32(b, s.Clocks)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s.Outputs)))
	for _, v := range s.Outputs {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

// DecodeRunSummary parses a RUN answer body.
func DecodeRunSummary(b []byte) (RunSummary, error) {
	if len(b) < 12 {
		return RunSummary{}, fmt.Errorf("hostdrv: RUN answer has %d bytes, want at least 12", len(b))
	}
	s := RunSummary{
		Prediction:  int(binary.LittleEndian.Uint16(b)),
		InputSpikes: int(int32(binary.LittleEndian.Uint32(b[2:]))),
		Clocks:      binary.LittleEndian.Uint32(b[6:]),
	}
	n := int(binary.LittleEndian.Uint16(b[10:]))
	if len(b) != 12+4*n {
		return RunSummary{}, fmt.Errorf("hostdrv: RUN answer has %d bytes for %d outputs, want %d", len(b), n, 12+4*n)
	}
	s.Outputs = make([]int32, n)
	for k := range s.Outputs {
		s.Outputs[k] = int32(binary.LittleEndian.Uint32(b[12+4*k:]))
	}
	return s, nil
}

// EncodeAccess returns the WRITE/READ prefix: space u8, layer u8, address u32.
func EncodeAccess(space, layer byte, addr int) []byte {
	b := []byte{space, layer}
	return binary.LittleEndian.AppendUint32(b, uint32(addr))
}

// DecodeAccess parses the WRITE/READ prefix and returns the rest of the body.
func DecodeAccess(b []byte) (space, layer byte, addr int, rest []byte, err error) {
	if len(b) < AccessLen {
		return 0, 0, 0, nil, fmt.Errorf("hostdrv: access prefix has %d bytes, want %d", len(b), AccessLen)
	}
	return b[0], b[1], int(binary.LittleEndian.Uint32(b[2:])), b[AccessLen:], nil
}
