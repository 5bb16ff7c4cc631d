package bitstream

import (
	"fmt"
	"strings"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// Image is a network baked into a core's memories (docs/rtl.md, "Baked networks"): the
// initial contents of the weight memory and the parameter memory as $readmemh text, one word
// per line for the whole depth, and the reset values of the three global registers a host
// would otherwise write. It holds exactly the writes hostdrv.LoadNetwork makes over the link.
type Image struct {
	Weights   []byte // WMEM_INIT: 2^WMEM_AW lines of LANES*8 bits
	Params    []byte // PRM_INIT: 2^PAW lines of 32 bits
	NumLayers int    // NLAYERS_INIT
	NumInputs int    // NINPUTS_INIT
	Seed      uint32 // SEED_INIT
}

// Bake returns the image of n on the core c. The weights must be in block RAM: SPRAM cannot
// be initialised at configuration (a *BakeError says so).
func Bake(c Core, n *sim.Network) (*Image, error) {
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("bitstream: bake: %w", err)
	}
	if c.WmemSPRAM {
		return nil, &BakeError{Reason: "the core keeps its weights in SPRAM, which the FPGA cannot initialise at configuration"}
	}
	tc := coremap.Config{Name: "bake", Lanes: c.Lanes, SMax: c.SMax, AccW: c.AccW, LayersMax: c.LayersMax,
		NeurAW: c.NeurAW, LayerAW: c.LayerAW, InAW: c.InAW, WmemAW: c.WmemAW}
	if err := tc.Fits(n); err != nil {
		return nil, fmt.Errorf("bitstream: bake: %w", err)
	}
	lo := coremap.NewLayout(tc, n)

	ww := 8 * c.Lanes
	chunks := (ww + 31) / 32
	csh := clog2(chunks)
	lyw := 1
	if c.LayersMax > 1 {
		lyw = clog2(c.LayersMax)
	}
	paw := lyw + 3
	weights := make([][]uint32, 1<<c.WmemAW)
	params := make([]uint32, 1<<paw)
	img := &Image{Seed: 1}
	for _, w := range lo.Writes {
		region, off := int(w.Addr>>20), w.Addr&0xFFFFF
		switch region {
		case coremap.RegionGlobal:
			switch off {
			case coremap.RegNumLayers:
				img.NumLayers = int(w.Data)
			case coremap.RegNumInputs:
				img.NumInputs = int(w.Data)
			case coremap.RegSeed:
				img.Seed = w.Data
			default:
				return nil, fmt.Errorf("bitstream: bake: unexpected register write %#x", w.Addr)
			}
		case coremap.RegionLayer:
			l, p := int(off>>4), int(off&15)
			if p > 7 || l >= 1<<lyw {
				return nil, fmt.Errorf("bitstream: bake: layer parameter %#x outside the parameter memory", w.Addr)
			}
			params[l<<3|p] = w.Data
		case coremap.RegionWeights:
			word, ch := int(off>>csh), int(off)&(chunks-1)
			if word >= len(weights) {
				return nil, fmt.Errorf("bitstream: bake: weight word %d outside the %d-word memory", word, len(weights))
			}
			if weights[word] == nil {
				weights[word] = make([]uint32, chunks)
			}
			weights[word][ch] = w.Data
		default:
			return nil, fmt.Errorf("bitstream: bake: unexpected write to region %d", region)
		}
	}
	img.Weights = hexLines(weights, ww)
	pw := make([][]uint32, len(params))
	for i, p := range params {
		pw[i] = []uint32{p}
	}
	img.Params = hexLines(pw, 32)
	return img, nil
}

// hexLines writes words of width bits (chunks of 32, least significant first; nil = 0) as
// $readmemh lines, most significant digit first.
func hexLines(words [][]uint32, width int) []byte {
	digits := (width + 3) / 4
	var b strings.Builder
	b.Grow(len(words) * (digits + 1))
	for _, w := range words {
		for d := digits - 1; d >= 0; d-- {
			var nib uint32
			if w != nil {
				nib = w[d/8] >> (4 * (d % 8)) & 15
			}
			b.WriteByte("0123456789abcdef"[nib])
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// BakeError is a network that cannot be baked into the bitstream for a board.
type BakeError struct {
	Board  string
	Reason string
}

func (e *BakeError) Error() string {
	msg := "bitstream: cannot bake the network"
	if e.Board != "" {
		msg += " for " + e.Board
	}
	return msg + ": " + e.Reason + "; build without --bake and load the network at run time (lifkit run or hostdrv.LoadNetwork), or pick a board with more block RAM (lifkit boards)"
}
