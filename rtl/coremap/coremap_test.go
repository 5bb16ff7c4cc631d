package coremap_test

import (
	"errors"
	"math/rand/v2"
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
		n := simtest.Network(rng, simtest.Shape{})
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
			weight := func(word, lane int) int8 {
				d := mem[coremap.Addr(coremap.RegionWeights, uint32(word<<csh|lane/4))]
				return int8(d >> (8 * (lane % 4)))
			}
			prev := n.Inputs
			for li, l := range n.Layers {
				p := lo.Layers[li]
				if mem[coremap.LayerAddr(li, coremap.ParamSize)] != uint32(l.Size) ||
					mem[coremap.LayerAddr(li, coremap.ParamStateBase)] != uint32(p.StateBase) {
					t.Fatalf("net %d layer %d: size/state base parameters wrong", k, li)
				}
				for j := 0; j < prev; j++ {
					for i := 0; i < l.Size; i++ {
						if got := weight(p.WBase+j<<p.RowShift+i/lanes, i%lanes); got != l.W[j*l.Size+i] {
							t.Fatalf("net %d lanes %d layer %d: W[%d][%d] = %d in the image, %d in the network", k, lanes, li, j, i, got, l.W[j*l.Size+i])
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
