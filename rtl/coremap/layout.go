package coremap

import "github.com/lifkit/lifkit/sim"

// Host port regions and registers of lif_core (docs/rtl.md).
const (
	RegionGlobal  = 0
	RegionLayer   = 1
	RegionWeights = 2
	RegionState   = 3
	RegionInput   = 4

	RegID               = 0
	RegConfig           = 1
	RegNumLayers        = 2
	RegNumInputs        = 3
	RegSeed             = 4
	RegStep             = 5
	CoreID       uint32 = 0x4C49_4601
	// ConfigPacking is CONFIG[21]: the core reads packed layers (CFG[3]). A core without it
	// computes packed layers wrong.
	ConfigPacking uint32 = 1 << 21

	ParamCfg       = 0
	ParamSize      = 1
	ParamLeak      = 2
	ParamThreshold = 3
	ParamWBase     = 4
	ParamRBase     = 5
	ParamRowShift  = 6
	ParamStateBase = 7

	FieldI    = 0
	FieldV    = 1
	FieldR    = 2
	FieldStat = 3
)

// ConfigWord is what lif_core's CONFIG register (global register 1) reads on a core built
// with c: [4:0] lanes, [9:5] SMAX, [15:10] ACC_W, [20:16] LAYERS_MAX, [21] packing.
func ConfigWord(c Config) uint32 {
	return uint32(c.Lanes&31) | uint32(c.SMax&31)<<5 | uint32(c.AccW&63)<<10 | uint32(c.LayersMax&31)<<16 | ConfigPacking
}

// Addr builds a host port word address.
func Addr(region int, off uint32) uint32 { return uint32(region)<<20 | off&0xFFFFF }

// LayerAddr is the address of parameter p of layer l.
func LayerAddr(l, p int) uint32 { return Addr(RegionLayer, uint32(l)<<4|uint32(p)) }

// StateAddr is the address of field f of the neuron with global index g.
func StateAddr(g, f int) uint32 { return Addr(RegionState, uint32(g)<<2|uint32(f)) }

// Write is one host port write.
type Write struct{ Addr, Data uint32 }

// CfgPacked is CFG[3]: the layer's weights are packed two per byte (docs/rtl.md, "Weight
// layout"). CfgWord sets it for every layer with weight bits <= PackedMaxBits.
const (
	CfgPacked     = 1 << 3
	PackedMaxBits = 4
)

// Packed reports whether a layer with the given weight bits stores two weights per byte.
func Packed(weightBits int) bool { return weightBits <= PackedMaxBits }

// RowWords is the number of weight words that hold one row (the weights from one source) of a
// layer of size neurons: ceil(size / lanes), or ceil(size / (2 lanes)) when the layer is packed.
func RowWords(size, lanes, weightBits int) int {
	per := lanes
	if Packed(weightBits) {
		per *= 2
	}
	return (size + per - 1) / per
}

// RowShift is log2 of the row stride in words: rows are padded to a power of two.
func RowShift(size, lanes, weightBits int) int { return log2(RowWords(size, lanes, weightBits)) }

// LayerPlan is where one layer lives in the core's memories.
type LayerPlan struct {
	WBase, RBase int  // word address of row 0 of W and R
	RowShift     int  // row stride = 1 << RowShift words
	WordsPerRow  int  // RowWords: ceil(size / lanes), ceil(size / (2 lanes)) if packed
	Packed       bool // two weights per byte (CFG[3])
	StateBase    int  // global index of neuron 0
}

// Layout is the memory image of a network on a configuration.
type Layout struct {
	Layers []LayerPlan
	Words  int // weight words used
	Writes []Write
}

// Plan places every layer of n on c: row bases, strides and state bases, and the weight
// words used in all.
func Plan(c Config, n *sim.Network) ([]LayerPlan, int) {
	plans := make([]LayerPlan, len(n.Layers))
	word, state := 0, 0
	prev := n.Inputs
	for li, l := range n.Layers {
		wpr := RowWords(l.Size, c.Lanes, l.WeightBits)
		sh := log2(wpr)
		p := LayerPlan{WBase: word, RowShift: sh, WordsPerRow: wpr, Packed: Packed(l.WeightBits), StateBase: state}
		word += prev << sh
		if l.R != nil {
			p.RBase = word
			word += l.Size << sh
		}
		state += l.Size
		prev = l.Size
		plans[li] = p
	}
	return plans, word
}

// CfgWord packs layer parameter 0 (docs/rtl.md).
func CfgWord(l *sim.Layer) uint32 {
	var w uint32
	if l.Kind == sim.Readout {
		w |= 1
	}
	if l.R != nil {
		w |= 2
	}
	if l.Reset == sim.ResetSubtract {
		w |= 4
	}
	if Packed(l.WeightBits) {
		w |= CfgPacked
	}
	w |= uint32(l.Refractory&15) << 4
	w |= uint32(l.StateBits) << 8
	w |= uint32(l.WeightBits) << 16
	w |= uint32(l.WeightShift) << 24
	return w
}

// NewLayout computes the memory image of n on c: global registers, layer parameters and every
// weight word, as host port writes. n must fit c (Config.Fits).
func NewLayout(c Config, n *sim.Network) *Layout {
	plans, words := Plan(c, n)
	lo := &Layout{Layers: plans, Words: words}
	w := func(a, d uint32) { lo.Writes = append(lo.Writes, Write{a, d}) }
	w(Addr(RegionGlobal, RegNumLayers), uint32(len(n.Layers)))
	w(Addr(RegionGlobal, RegNumInputs), uint32(n.Inputs))
	w(Addr(RegionGlobal, RegSeed), n.EncoderSeed)
	chunks := (c.Lanes*8 + 31) / 32
	csh := log2(chunks)
	// A word holds neurons [k*per, (k+1)*per) of its row: one per byte lane, or, packed, the
	// low nibbles neurons k*2L + lane and the high nibbles neurons k*2L + L + lane.
	putRows := func(base, rows, size, sh int, packed bool, m []int8) {
		word := make([]byte, 4*chunks)
		halves := 1
		if packed {
			halves = 2
		}
		per := halves * c.Lanes
		wpr := (size + per - 1) / per
		for j := 0; j < rows; j++ {
			for k := 0; k < wpr; k++ {
				clear(word)
				for h := 0; h < halves; h++ {
					for lane := 0; lane < c.Lanes; lane++ {
						i := k*per + h*c.Lanes + lane
						switch {
						case i >= size:
						case packed:
							word[lane] |= byte(m[j*size+i]) & 15 << (4 * h)
						default:
							word[lane] = byte(m[j*size+i])
						}
					}
				}
				a := base + j<<sh + k
				for ch := 0; ch < chunks; ch++ {
					d := uint32(word[4*ch]) | uint32(word[4*ch+1])<<8 | uint32(word[4*ch+2])<<16 | uint32(word[4*ch+3])<<24
					w(Addr(RegionWeights, uint32(a<<csh|ch)), d)
				}
			}
		}
	}
	prev := n.Inputs
	for li := range n.Layers {
		l := &n.Layers[li]
		p := plans[li]
		w(LayerAddr(li, ParamCfg), CfgWord(l))
		w(LayerAddr(li, ParamSize), uint32(l.Size))
		w(LayerAddr(li, ParamLeak), uint32(l.CurrentLeak)|uint32(l.MembraneLeak)<<16)
		w(LayerAddr(li, ParamThreshold), uint32(l.Threshold))
		w(LayerAddr(li, ParamWBase), uint32(p.WBase))
		w(LayerAddr(li, ParamRBase), uint32(p.RBase))
		w(LayerAddr(li, ParamRowShift), uint32(p.RowShift))
		w(LayerAddr(li, ParamStateBase), uint32(p.StateBase))
		putRows(p.WBase, prev, l.Size, p.RowShift, p.Packed, l.W)
		if l.R != nil {
			putRows(p.RBase, l.Size, l.Size, p.RowShift, p.Packed, l.R)
		}
		prev = l.Size
	}
	return lo
}
