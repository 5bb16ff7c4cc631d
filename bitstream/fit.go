package bitstream

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lifkit/lifkit/bitstream/board"
)

// Plan says where a core's memories go on a device and how full they are, before synthesis.
type Plan struct {
	Device        string `json:"device"`
	Shape         string `json:"shape"`
	Core          Core   `json:"core"`
	WeightMemory  string `json:"weight_memory"` // "SPRAM", "block RAM" or "EBR"
	WeightWords   int    `json:"weight_words"`  // words the layout needs
	WordBits      int    `json:"word_bits"`     // LANES x 8
	CapacityWords int    `json:"capacity_words"`
	WeightBlocks  int    `json:"weight_blocks"` // block RAM primitives the weights take (0 in SPRAM)
	OtherBlocks   int    `json:"other_blocks"`  // estimate for state, accumulators, event lists, intensities, link FIFOs
	Blocks        int    `json:"blocks"`        // block RAM primitives on the device
}

// MisfitError is returned by Fit when a network cannot run on a device. It says which memory
// overflows and what does fit.
type MisfitError struct {
	Board, Part string
	Shape       string
	Resource    string // what overflows
	Need, Have  int    // in the resource's unit
	Unit        string
	Largest     string // the largest network of the same form that fits, "" if none
	// NarrowerWeights: no size fits, and Largest is the same sizes with narrower weights.
	NarrowerWeights bool
	// Narrower is the same sizes with the widest narrower weights that fit ("" if none): at
	// 4 bits or less the core packs two weights per byte, so the weight words halve.
	Narrower string
}

func (e *MisfitError) Error() string {
	msg := fmt.Sprintf("bitstream: network %s does not fit %s (%s): it needs %d %s of %s, the device has %d",
		e.Shape, e.Board, e.Part, e.Need, e.Unit, e.Resource, e.Have)
	if e.Largest != "" {
		if e.NarrowerWeights {
			msg += "; no size of this form fits at these weight widths, but " + e.Largest + " does"
		} else {
			msg += "; the largest network of this form that fits is " + e.Largest
			if e.Narrower != "" {
				msg += "; with narrower weights, " + e.Narrower + " fits"
			}
		}
	} else {
		msg += "; no network of this form fits"
	}
	return msg + "; pick a larger board (lifkit boards) or a smaller network"
}

// Fit sizes a core for the shape on the board's device and refuses, with a *MisfitError, a
// shape whose weights or state do not fit its memories. The weight count is exact for the
// layout of docs/rtl.md; the other block RAM use follows lif_core's memories and the cheapest
// mode of each (Yosys may choose another; the report after place and route has the real
// figure).
func Fit(b *board.Board, s Shape, extra ...Memory) (Plan, error) {
	return fitOn(b, b.DeviceInfo(), s, laneRule{}, extra, false)
}

// FitLanes is Fit with the core's lane count given (0: the most that fit). A lane count the
// device's core cannot take is a *LanesError.
func FitLanes(b *board.Board, s Shape, lanes int, extra ...Memory) (Plan, error) {
	return fitOn(b, b.DeviceInfo(), s, laneRule{exact: lanes}, extra, false)
}

// laneRule restricts the lane counts a fit tries: exact > 0 is the only one; else most > 0
// caps them (a design whose logic leaves no room for more on the device: Design.MaxLanes).
type laneRule struct{ exact, most int }

// LanesError is a lane count the core cannot be built with on a board.
type LanesError struct {
	Board string
	Lanes int
	Can   []int
}

func (e *LanesError) Error() string {
	can := make([]string, len(e.Can))
	for i, n := range e.Can {
		can[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("bitstream: %s's core cannot have %d lanes; it takes %s", e.Board, e.Lanes, strings.Join(can, ", "))
}

// FitBaked is Fit for a network baked into the bitstream (Options.Bake): its weights must be
// in block RAM, since SPRAM cannot be initialised at configuration, so the UP5K's SPRAM is not
// counted. A shape that fits with SPRAM but not without gets a *BakeError that says so.
func FitBaked(b *board.Board, s Shape, extra ...Memory) (Plan, error) {
	return fitBaked(b, s, laneRule{}, extra)
}

func fitBaked(b *board.Board, s Shape, lanes laneRule, extra []Memory) (Plan, error) {
	d := b.DeviceInfo()
	if d.SPRAM == 0 {
		return fitOn(b, d, s, lanes, extra, true)
	}
	nd := d
	nd.SPRAM = 0
	p, err := fitOn(b, nd, s, lanes, extra, true)
	if err != nil {
		var me *MisfitError
		if errors.As(err, &me) {
			if _, err2 := Fit(b, s, extra...); err2 == nil {
				return p, &BakeError{Board: b.Name, Reason: fmt.Sprintf(
					"%s fits %s only with its weights in SPRAM, which cannot be initialised at configuration; in block RAM it needs %d %s of %s, the device has %d",
					me.Shape, me.Part, me.Need, me.Unit, me.Resource, me.Have)}
			}
		}
	}
	return p, err
}

func fitOn(b *board.Board, d board.Device, s Shape, lanes laneRule, extra []Memory, baked bool) (Plan, error) {
	choices := laneChoices(d)
	switch {
	case lanes.exact != 0:
		if !slices.Contains(choices, lanes.exact) {
			return Plan{}, &LanesError{Board: b.Name, Lanes: lanes.exact, Can: choices}
		}
		choices = []int{lanes.exact}
	case lanes.most > 0:
		fewest := choices[len(choices)-1:] // when the cap is below every choice
		choices = slices.DeleteFunc(slices.Clone(choices), func(n int) bool { return n > lanes.most })
		if len(choices) == 0 {
			choices = fewest
		}
	}
	p, err := bestPlan(d, s, choices, extra, baked)
	if err != nil {
		return p, err
	}
	if p.WeightWords > p.CapacityWords {
		return p, misfit(b, d, s, choices, extra, baked, p.WeightMemory, p.WeightWords, p.CapacityWords, fmt.Sprintf("%d-bit weight words", p.WordBits))
	}
	if p.WeightBlocks+p.OtherBlocks > p.Blocks {
		return p, misfit(b, d, s, choices, extra, baked, "block RAM", p.WeightBlocks+p.OtherBlocks, p.Blocks, blockName(d))
	}
	return p, nil
}

// Memory is one RAM outside lif_core that takes block RAM (the host link's buffers).
type Memory struct {
	Name         string
	Width, Depth int
	// WidthAtLeastSMax: the memory is max(Width, SMAX) bits wide (it holds neuron state).
	WidthAtLeastSMax bool
}

func blockName(d board.Device) string {
	if d.Family == board.ECP5 {
		return "DP16KD"
	}
	return "SB_RAM40_4K"
}

func (p Plan) fits() bool {
	return p.WeightWords <= p.CapacityWords && p.WeightBlocks+p.OtherBlocks <= p.Blocks
}

// bestPlan returns the plan with the most lanes that fits, or the plan with the most lanes
// when none fits.
func bestPlan(d board.Device, s Shape, choices []int, extra []Memory, baked bool) (Plan, error) {
	var first Plan
	for i, lanes := range choices {
		p, err := plan(d, s, lanes, extra, baked)
		if err != nil {
			return p, err
		}
		if p.fits() {
			return p, nil
		}
		if i == 0 {
			first = p
		}
	}
	return first, nil
}

// baked: the weights initialise the block RAM (lif_wmem keeps one memory then, no slices).
func plan(d board.Device, s Shape, lanes int, extra []Memory, baked bool) (Plan, error) {
	if len(s.Layers) == 0 || s.Inputs < 1 {
		return Plan{}, fmt.Errorf("bitstream: empty network shape")
	}
	c := SizeCore(d, s, lanes)
	p := Plan{Device: d.Part, Shape: s.String(), Core: c, WeightWords: WeightWords(s, c.Lanes), WordBits: c.Lanes * 8, Blocks: d.BRAM}
	switch {
	case c.WmemSPRAM:
		p.WeightMemory = "SPRAM"
		p.CapacityWords = d.SPRAM * d.SPRAMBits / p.WordBits
	default:
		if d.Family == board.ECP5 {
			p.WeightMemory = "EBR"
		} else {
			p.WeightMemory = "block RAM"
		}
		p.WeightBlocks = weightBlocks(d, p.WordBits, c.WmemAW, baked)
		// Whatever block RAM the rest of the core leaves could hold weights.
		p.CapacityWords = wordsIn(d, p.WordBits, d.BRAM-otherBlocks(d, s, c, extra))
	}
	p.OtherBlocks = otherBlocks(d, s, c, extra)
	return p, nil
}

// blockModes are the width x depth shapes of one block RAM primitive: SB_RAM40_4K (256x16,
// 512x8, 1024x4, 2048x2) and DP16KD/PDPW16KD (16384x1 .. 1024x18, 512x36).
var blockModes = map[board.Family][][2]int{
	board.ICE40: {{16, 256}, {8, 512}, {4, 1024}, {2, 2048}},
	board.ECP5:  {{1, 16384}, {2, 8192}, {4, 4096}, {9, 2048}, {18, 1024}, {36, 512}},
}

// memBlocks is how many block RAM primitives a width x depth memory takes in the cheapest
// mode of the primitive.
func memBlocks(d board.Device, width, depth int) int {
	if width <= 0 || depth <= 0 {
		return 0
	}
	best := 0
	for _, m := range blockModes[d.Family] {
		n := ceilDiv(width, m[0]) * ceilDiv(depth, m[1])
		if best == 0 || n < best {
			best = n
		}
	}
	return best
}

// weightBlocks is the block RAM of lif_wmem's generic weight memory, width x 2^aw: at depths
// of 4K, 8K and 16K words it is split into slices 4, 2 and 1 bits wide, one memory each (rtl
// 96f272a: no mux across blocks after the RAM), unless baked weights initialise it.
func weightBlocks(d board.Device, width, aw int, baked bool) int {
	sw := map[int]int{12: 4, 13: 2, 14: 1}[aw]
	if baked || sw == 0 || sw >= width {
		return memBlocks(d, width, 1<<aw)
	}
	n := 0
	for lo := 0; lo < width; lo += sw {
		n += memBlocks(d, min(sw, width-lo), 1<<aw)
	}
	return n
}

// wordsIn is how many width-bit words fit in the given number of blocks, in steps of whole
// block columns.
func wordsIn(d board.Device, width, blocks int) int {
	best := 0
	for _, m := range blockModes[d.Family] {
		cols := ceilDiv(width, m[0])
		if w := blocks / cols * m[1]; w > best {
			best = w
		}
	}
	return best
}

// otherBlocks counts the block RAM of lif_core's memories other than the weights, as
// rtl/core/lif_core.v declares them (each lif_ram_sdp is its own memory): layer parameters
// 32 x 2^(log2 LAYERS_MAX + 3); neuron I, V and statistics SMAX x 2^NEUR_AW and r 4 x
// 2^NEUR_AW; intensities 8 x 2^IN_AW; the input event list IN_AW x 2^IN_AW; the spike lists
// LAYER_AW x 2^(NEUR_AW+1); the accumulators, one memory LANES*ACC_W x 2^(LAYER_AW - log2
// LANES) (rtl 21c529b; before it, one bank per lane).
// On ECP5, Yosys puts memories of at most 16 words or at most 1 Kbit in distributed RAM
// (TRELLIS_DPR16X4) instead; iCE40 has none, so every memory takes at least one block there.
func otherBlocks(d board.Device, s Shape, c Core, extra []Memory) int {
	mem := func(width, aw int) int {
		if d.Family == board.ECP5 && (aw <= 4 || width<<aw <= 1024) {
			return 0
		}
		return memBlocks(d, width, 1<<aw)
	}
	lyw := 1
	if c.LayersMax > 1 {
		lyw = clog2(c.LayersMax)
	}
	n := mem(32, lyw+3)
	n += 3*mem(c.SMax, c.NeurAW) + mem(4, c.NeurAW)
	n += mem(8, c.InAW) + mem(c.InAW, c.InAW)
	n += mem(c.LayerAW, c.NeurAW+1)
	n += mem(c.Lanes*c.AccW, c.LayerAW-clog2(c.Lanes))
	for _, m := range extra {
		w := m.Width
		if m.WidthAtLeastSMax {
			w = max(w, c.SMax)
		}
		n += mem(w, clog2(m.Depth))
	}
	return n
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// misfit builds the error and searches for the largest network of the same form that fits:
// the widest hidden layer is shrunk (all other sizes fixed); a single-layer network has its
// inputs shrunk instead. When no size fits, it tries the same sizes with narrower weights.
func misfit(b *board.Board, d board.Device, s Shape, choices []int, extra []Memory, baked bool, res string, need, have int, unit string) error {
	e := &MisfitError{Board: b.Name, Part: d.Part, Shape: s.String(), Resource: res, Need: need, Have: have, Unit: unit}
	fits := func(t Shape) bool {
		p, err := bestPlan(d, t, choices, extra, baked)
		return err == nil && p.fits()
	}
	try := func(set func(Shape, int) Shape, hi int) {
		lo := 0 // largest size known to fit
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if fits(set(s, mid)) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if lo > 0 {
			e.Largest = set(s, lo).String()
		}
	}
	if len(s.Layers) > 1 {
		wide := 0
		for i := range s.Layers[:len(s.Layers)-1] {
			if s.Layers[i].Size > s.Layers[wide].Size {
				wide = i
			}
		}
		try(func(t Shape, n int) Shape {
			t.Layers = append([]LayerShape(nil), t.Layers...)
			t.Layers[wide].Size = n
			return t
		}, s.Layers[wide].Size)
	} else {
		try(func(t Shape, n int) Shape { t.Inputs = n; return t }, s.Inputs)
	}
	// The same sizes with narrower weights: they shrink ACC_W and so the accumulators, and at
	// 4 bits or less (coremap.PackedMaxBits) the weight words halve.
	maxB := 0
	for _, l := range s.Layers {
		maxB = max(maxB, l.WeightBits)
	}
	for bits := maxB - 1; bits >= 2 && e.Narrower == ""; bits-- {
		t := s
		t.Layers = append([]LayerShape(nil), s.Layers...)
		for i := range t.Layers {
			t.Layers[i].WeightBits = min(t.Layers[i].WeightBits, bits)
		}
		if fits(t) {
			e.Narrower = t.String()
		}
	}
	if e.Largest == "" && e.Narrower != "" {
		e.Largest, e.NarrowerWeights = e.Narrower, true
	}
	return e
}

// Describe is the plan in one line, for the summary.
func (p Plan) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s: %d lanes, %d of %d %d-bit weight words in %s", p.Shape, p.Device, p.Core.Lanes, p.WeightWords, p.CapacityWords, p.WordBits, p.WeightMemory)
	if p.WeightBlocks > 0 {
		fmt.Fprintf(&b, " (%d blocks)", p.WeightBlocks)
	}
	fmt.Fprintf(&b, ", about %d other blocks of %d", p.OtherBlocks, p.Blocks)
	return b.String()
}
