package hostdrv_test

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim/simtest"
)

// TestLoadPackedNeedsACoreThatReadsIt: a network with packed (4-bit) layers loads on a core
// port whose CONFIG has bit 21 and is refused, with what to do, on one without it (a
// bitstream built before the packed layout); an 8-bit network loads on both.
func TestLoadPackedNeedsACoreThatReadsIt(t *testing.T) {
	info := linktest.DefaultInfo()
	info.CorePort = true
	info.Lanes, info.AccW, info.NeurAW, info.LayerAW, info.InAW, info.WmemAW = 8, 24, 9, 8, 10, 14
	info.MaxStateBits = 16
	r := rand.New(rand.NewPCG(5, 6))
	net4 := simtest.Network(r, simtest.Shape{Inputs: 30, Hidden: []int{40}, Outputs: 5, WeightBits: 4, StateBits: 12, Recurrent: -1})
	net8 := simtest.Network(r, simtest.Shape{Inputs: 30, Hidden: []int{40}, Outputs: 5, WeightBits: 8, StateBits: 12, Recurrent: -1})
	cfgAddr := int(coremap.Addr(coremap.RegionGlobal, coremap.RegConfig))
	ctx := context.Background()
	for _, capable := range []bool{true, false} {
		c, _ := open(t, 1, info, linktest.Noise{}, hostdrv.Options{})
		if !capable {
			// The reference device's core port is a plain memory: make it report an old core.
			b, err := c.Read(ctx, hostdrv.SpaceCore, 0, cfgAddr, 4)
			if err != nil {
				t.Fatal(err)
			}
			binary.LittleEndian.PutUint32(b, binary.LittleEndian.Uint32(b)&^coremap.ConfigPacking)
			if err := c.Write(ctx, hostdrv.SpaceCore, 0, cfgAddr, b); err != nil {
				t.Fatal(err)
			}
		}
		err := c.LoadNetwork(ctx, net4)
		switch {
		case capable && err != nil:
			t.Errorf("4-bit network on a core with CONFIG[21]: %v", err)
		case !capable && (err == nil || !strings.Contains(err.Error(), "CONFIG bit 21") || !strings.Contains(err.Error(), "lifkit build")):
			t.Errorf("4-bit network on a core without CONFIG[21]: err %v, want the refusal", err)
		}
		if err := c.LoadNetwork(ctx, net8); err != nil {
			t.Errorf("8-bit network (capable %v): %v", capable, err)
		}
	}
}
