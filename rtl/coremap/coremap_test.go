package coremap_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

func TestAddresses(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  uint32
		want uint32
	}{
		{"layers register", coremap.Addr(coremap.RegionGlobal, coremap.RegNumLayers), 0x000002},
		{"layer 2 state base", coremap.LayerAddr(2, coremap.ParamStateBase), 0x100027},
		{"neuron 5 stat", coremap.StateAddr(5, coremap.FieldStat), 0x300017},
		{"offset masked to 20 bits", coremap.Addr(coremap.RegionInput, 0x1FFFFF), 0x4FFFFF},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: 0x%06x, want 0x%06x", tc.name, tc.got, tc.want)
		}
	}
}

// TestLayoutRoundTrip: the writes of NewLayout, read back word by word as the core would,
// give every weight of every layer at the place docs/rtl.md says, and no word twice.
func TestLayoutRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	for k := range 20 {
		n := simtest.Network(rng, simtest.Shape{Recurrent: 0})
		for _, lanes := range []int{1, 4, 8, 16} {
			c := coremap.ConfigFor(n, lanes)
			if err := c.Validate(); err != nil {
				t.Fatalf("net %d lanes %d: ConfigFor gave an invalid config: %v", k, lanes, err)
			}
			if err := c.Fits(n); err != nil {
				t.Fatalf("net %d lanes %d: ConfigFor gave a config the network does not fit: %v", k, lanes, err)
			}
			lo := coremap.NewLayout(c, n)
			if lo.Words > 1<<c.WmemAW {
				t.Fatalf("net %d lanes %d: %d words > 2^%d", k, lanes, lo.Words, c.WmemAW)
			}
			mem := map[uint32]uint32{}
			for _, w := range lo.Writes {
				if _, dup := mem[w.Addr]; dup {
					t.Fatalf("net %d lanes %d: address 0x%06x written twice", k, lanes, w.Addr)
				}
				mem[w.Addr] = w.Data
			}
			chunks := (lanes*8 + 31) / 32
			csh := 0
			for 1<<csh < chunks {
				csh++
			}
			// the weight of neuron i in row j as docs/rtl.md "Weight layout" says the core
			// reads it: byte lane i%L of word i/L, or, packed, nibble (i/L)%2 of byte lane
			// i%L of word i/2L; a B-bit two's-complement value in the slot's low bits
			weight := func(p coremap.LayerPlan, base, j, i, bits int) int8 {
				per, slot := lanes, 8
				if p.Packed {
					per, slot = 2*lanes, 4
				}
				word, lane := base+j<<p.RowShift+i/per, i%lanes
				d := mem[coremap.Addr(coremap.RegionWeights, uint32(word<<csh|lane/4))]
				v := d >> (8 * (lane % 4)) & 0xFF
				if p.Packed {
					v >>= 4 * (i / lanes % 2)
				}
				v &= 1<<slot - 1
				return int8(int32(v<<(32-bits)) >> (32 - bits))
			}
			prev := n.Inputs
			for li, l := range n.Layers {
				p := lo.Layers[li]
				if mem[coremap.LayerAddr(li, coremap.ParamSize)] != uint32(l.Size) ||
					mem[coremap.LayerAddr(li, coremap.ParamStateBase)] != uint32(p.StateBase) {
					t.Fatalf("net %d layer %d: size/state base parameters wrong", k, li)
				}
				cfg := mem[coremap.LayerAddr(li, coremap.ParamCfg)]
				if got, want := cfg&coremap.CfgPacked != 0, l.WeightBits <= 4; got != want || p.Packed != want {
					t.Fatalf("net %d layer %d (%d-bit): CFG packed bit %v, plan %v, want %v", k, li, l.WeightBits, got, p.Packed, want)
				}
				if want := coremap.RowWords(l.Size, lanes, l.WeightBits); p.WordsPerRow != want || 1<<p.RowShift < want {
					t.Fatalf("net %d layer %d: %d words per row, stride %d, want %d words", k, li, p.WordsPerRow, 1<<p.RowShift, want)
				}
				for j := 0; j < prev; j++ {
					for i := 0; i < l.Size; i++ {
						if got := weight(p, p.WBase, j, i, l.WeightBits); got != l.W[j*l.Size+i] {
							t.Fatalf("net %d lanes %d layer %d: W[%d][%d] = %d in the image, %d in the network", k, lanes, li, j, i, got, l.W[j*l.Size+i])
						}
					}
				}
				if l.R != nil {
					for j := 0; j < l.Size; j++ {
						for i := 0; i < l.Size; i++ {
							if got := weight(p, p.RBase, j, i, l.WeightBits); got != l.R[j*l.Size+i] {
								t.Fatalf("net %d lanes %d layer %d: R[%d][%d] = %d in the image, %d in the network", k, lanes, li, j, i, got, l.R[j*l.Size+i])
							}
						}
					}
				}
				prev = l.Size
			}
		}
	}
}

func TestFitsRefuses(t *testing.T) {
	n := &sim.Network{Inputs: 40, Layers: []sim.Layer{{Kind: sim.LIF, Size: 300, StateBits: 16, WeightBits: 8}}}
	base := coremap.Config{Name: "t", Lanes: 8, SMax: 16, AccW: 32, LayersMax: 4, NeurAW: 10, LayerAW: 9, InAW: 6, WmemAW: 14}
	for _, tc := range []struct {
		name string
		edit func(*coremap.Config)
	}{
		{"layer too large", func(c *coremap.Config) { c.LayerAW = 8 }},
		{"too many inputs", func(c *coremap.Config) { c.InAW = 5 }},
		{"state too wide", func(c *coremap.Config) { c.SMax = 12 }},
		{"accumulator too narrow", func(c *coremap.Config) { c.AccW = 12 }},
		{"too few weight words", func(c *coremap.Config) { c.WmemAW = 6 }},
	} {
		c := base
		tc.edit(&c)
		var fe *coremap.FitError
		if err := c.Fits(n); !errors.As(err, &fe) {
			t.Errorf("%s: Fits = %v, want a *FitError", tc.name, err)
		}
	}
	if err := base.Fits(n); err != nil {
		t.Fatalf("the base config must fit: %v", err)
	}
}

// TestPackedWords: packing halves the weight words of a layer with B <= 4, so the UP5K's
// 16,384-word SPRAM holds 784-256-10 at 4 bits (12,800 words) but not at 8 bits.
func TestPackedWords(t *testing.T) {
	up5k := coremap.Config{Name: "up5k", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 9, LayerAW: 8, InAW: 10, WmemAW: 14, SPRAM: true}
	for _, tc := range []struct {
		hidden, bits, words int
		fits                bool
	}{
		{128, 8, 784*16 + 128*2, true},
		{256, 4, 784*16 + 256*1, true},
		{256, 8, 784*32 + 256*2, false},
		{128, 2, 784*8 + 128*1, true},
	} {
		n := &sim.Network{Inputs: 784, Layers: []sim.Layer{
			{Kind: sim.LIF, Size: tc.hidden, StateBits: 16, WeightBits: tc.bits},
			{Kind: sim.Readout, Size: 10, StateBits: 16, WeightBits: tc.bits},
		}}
		_, words := coremap.Plan(up5k, n)
		if words != tc.words {
			t.Errorf("784-%d-10 %d-bit: %d words, want %d", tc.hidden, tc.bits, words, tc.words)
		}
		err := up5k.Fits(n)
		if (err == nil) != tc.fits || (err != nil && !strings.Contains(err.Error(), "weight words")) {
			t.Errorf("784-%d-10 %d-bit: Fits = %v, want fits %v (or a weight words misfit)", tc.hidden, tc.bits, err, tc.fits)
		}
	}
}
