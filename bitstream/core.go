package bitstream

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// Shape is what sizing a core needs to know of a network: its layer sizes and widths, not its
// weights.
type Shape struct {
	Inputs int          `json:"inputs"`
	Layers []LayerShape `json:"layers"`
}

// LayerShape is one layer of a Shape.
type LayerShape struct {
	Size       int  `json:"size"`
	Recurrent  bool `json:"recurrent,omitempty"`
	StateBits  int  `json:"state_bits"`
	WeightBits int  `json:"weight_bits"`
}

// ShapeOf returns the shape of a network.
func ShapeOf(n *sim.Network) Shape {
	s := Shape{Inputs: n.Inputs}
	for i := range n.Layers {
		l := &n.Layers[i]
		s.Layers = append(s.Layers, LayerShape{Size: l.Size, Recurrent: l.Recurrent(), StateBits: l.StateBits, WeightBits: l.WeightBits})
	}
	return s
}

// ParseShape reads a core configuration written as sizes joined by dashes, input first, for
// example "784-128-10", with the given widths for every layer.
func ParseShape(spec string, weightBits, stateBits int) (Shape, error) {
	parts := strings.Split(spec, "-")
	if len(parts) < 2 {
		return Shape{}, fmt.Errorf("bitstream: core %q: want input and layer sizes joined by dashes, for example 784-128-10", spec)
	}
	if weightBits < sim.MinWeightBits || weightBits > sim.MaxWeightBits {
		return Shape{}, fmt.Errorf("bitstream: weight bits %d: want %d..%d", weightBits, sim.MinWeightBits, sim.MaxWeightBits)
	}
	if stateBits < sim.MinStateBits || stateBits > sim.MaxStateBits {
		return Shape{}, fmt.Errorf("bitstream: state bits %d: want %d..%d", stateBits, sim.MinStateBits, sim.MaxStateBits)
	}
	var s Shape
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > sim.MaxSize {
			return Shape{}, fmt.Errorf("bitstream: core %q: size %q: want an integer in 1..%d", spec, p, sim.MaxSize)
		}
		if i == 0 {
			s.Inputs = n
			continue
		}
		s.Layers = append(s.Layers, LayerShape{Size: n, StateBits: stateBits, WeightBits: weightBits})
	}
	return s, nil
}

// String writes the shape as "784-128-10 (8-bit weights)"; recurrent layers get an "r".
func (s Shape) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(s.Inputs))
	maxB := 0
	for _, l := range s.Layers {
		b.WriteString("-" + strconv.Itoa(l.Size))
		if l.Recurrent {
			b.WriteString("r")
		}
		maxB = max(maxB, l.WeightBits)
	}
	return fmt.Sprintf("%s (%d-bit weights)", b.String(), maxB)
}

// Core is the parameter set of rtl/core's lif_core (docs/rtl.md, "Top module lif_core").
type Core struct {
	Lanes     int  `json:"lanes"`      // LANES: 1, 2, 4, 8, 16
	SMax      int  `json:"smax"`       // SMAX
	AccW      int  `json:"acc_w"`      // ACC_W
	LayersMax int  `json:"layers_max"` // LAYERS_MAX
	NeurAW    int  `json:"neur_aw"`    // NEUR_AW
	LayerAW   int  `json:"layer_aw"`   // LAYER_AW
	InAW      int  `json:"in_aw"`      // IN_AW
	WmemAW    int  `json:"wmem_aw"`    // WMEM_AW
	WmemSPRAM bool `json:"wmem_spram"` // WMEM_SPRAM
	// DecayMAC: DECAY_MAC = 1, each decay whole in one iCE40 SB_MAC16 (multiply and add; two
	// of the device's DSPs), on iCE40 devices that have them (UP5K). ECP5's multipliers have no
	// adder in this form, so it keeps the product and a fabric subtract (rtl/core/lif_neuron.v).
	DecayMAC bool `json:"decay_mac,omitempty"`
}

// Params returns the core's Verilog parameters by name.
func (c Core) Params() map[string]int {
	spram := 0
	if c.WmemSPRAM {
		spram = 1
	}
	m := map[string]int{"LANES": c.Lanes, "SMAX": c.SMax, "ACC_W": c.AccW, "LAYERS_MAX": c.LayersMax,
		"NEUR_AW": c.NeurAW, "LAYER_AW": c.LayerAW, "IN_AW": c.InAW, "WMEM_AW": c.WmemAW, "WMEM_SPRAM": spram}
	if c.DecayMAC { // only when set, so designs whose top lacks the parameter still elaborate
		m["DECAY_MAC"] = 1
	}
	return m
}

// WeightWords is the depth of the weight memory a shape needs with the layout of docs/rtl.md:
// every row (a source of the layer) holds ceil(N_l/lanes) words, or ceil(N_l/(2 lanes)) when
// the layer's weights are packed two per byte (B <= 4), padded to a power-of-two stride,
// feed-forward rows then recurrent rows, layer after layer. The row sizes are rtl/coremap's.
func WeightWords(s Shape, lanes int) int {
	total := 0
	prev := s.Inputs
	for _, l := range s.Layers {
		rows := prev
		if l.Recurrent {
			rows += l.Size
		}
		total += rows << coremap.RowShift(l.Size, lanes, l.WeightBits)
		prev = l.Size
	}
	return total
}

// clog2 is the Verilog $clog2: the bits needed to address n entries (0 for n <= 1).
func clog2(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

// laneChoices are the lane counts Fit tries on a device, most first: on the UP5K 8, 4 or 2
// (the four SPRAMs as 16K x 64, 32K x 32 or 64K x 16: rtl/core/lif_wmem_spram.v); elsewhere
// the core's 16 (ECP5) or 8 (iCE40) down to 1.
func laneChoices(d board.Device) []int {
	switch {
	case d.SPRAM >= 4:
		return []int{8, 4, 2}
	case d.Family == board.ECP5:
		return []int{16, 8, 4, 2, 1}
	default:
		return []int{8, 4, 2, 1}
	}
}

// SizeCore returns the smallest lif_core configuration with the given lane count that runs
// the shape on the device. It does not check that the core fits (see Fit).
func SizeCore(d board.Device, s Shape, lanes int) Core {
	c := Core{Lanes: lanes, LayersMax: len(s.Layers), InAW: max(1, clog2(s.Inputs))}
	neurons, largest := 0, 0
	prev := s.Inputs
	for _, l := range s.Layers {
		c.SMax = max(c.SMax, l.StateBits)
		fan := prev
		if l.Recurrent {
			fan += l.Size
		}
		// ACC_W: fan_in * 2^(B-1) < 2^(ACC_W-1).
		c.AccW = max(c.AccW, bits.Len(uint(fan)<<(l.WeightBits-1))+1)
		neurons += l.Size
		largest = max(largest, l.Size)
		prev = l.Size
	}
	c.AccW = min(max(c.AccW, 8), 32)
	c.NeurAW = max(1, clog2(neurons))
	// lif_core needs LAYER_AW >= log2(LANES)+1 and NEUR_AW >= LAYER_AW.
	c.LayerAW = max(1, clog2(largest), clog2(c.Lanes)+1)
	c.NeurAW = max(c.NeurAW, c.LayerAW)
	c.WmemAW = max(1, clog2(WeightWords(s, c.Lanes)))
	if d.SPRAM >= 4 && (lanes == 8 || lanes == 4 || lanes == 2) {
		c.WmemSPRAM, c.WmemAW = true, 14+clog2(8/lanes) // 2^20 bits in words of 8 x lanes bits
	}
	c.DecayMAC = d.Family == board.ICE40 && d.DSP >= 2
	return c
}
