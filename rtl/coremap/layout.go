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

// Addr builds a host port word address.
func Addr(region int, off uint32) uint32 { return uint32(region)<<20 | off&0xFFFFF }

// LayerAddr is the address of parameter p of layer l.
func LayerAddr(l, p int) uint32 { return Addr(RegionLayer, uint32(l)<<4|uint32(p)) }

// StateAddr is the address of field f of the neuron with global index g.
func StateAddr(g, f int) uint32 { return Addr(RegionState, uint32(g)<<2|uint32(f)) }

// Write is one host port write.
type Write struct{ Addr, Data uint32 }

// LayerPlan is where one layer lives in the core's memories.
type LayerPlan struct {
	WBase, RBase int // word address of row 0 of W and R
	RowShift     int // row stride = 1 << RowShift words
	WordsPerRow  int // ceil(size / lanes)
	StateBase    int // global index of neuron 0
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
		wpr := (l.Size + c.Lanes - 1) / c.Lanes
		sh := log2(wpr)
		p := LayerPlan{WBase: word, RowShift: sh, WordsPerRow: wpr, StateBase: state}
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
	putRows := func(base, rows, size, sh int, m []int8) {
		word := make([]byte, 4*chunks)
		wpr := (size + c.Lanes - 1) / c.Lanes
		for j := 0; j < rows; j++ {
			for k := 0; k < wpr; k++ {
				clear(word)
				for lane := 0; lane < c.Lanes; lane++ {
					i := k*c.Lanes + lane
					if i < size {
						word[lane] = byte(m[j*size+i])
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
		putRows(p.WBase, prev, l.Size, p.RowShift, l.W)
		if l.R != nil {
			putRows(p.RBase, l.Size, l.Size, p.RowShift, l.R)
		}
		prev = l.Size
	}
	return lo
}
