package hostdrv

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// CoreConfig returns the lif_core configuration a core-port device reports in INFO (the
// layout rtl/coremap computes for it).
func CoreConfig(info Info) coremap.Config {
	return coremap.Config{Name: info.Family, Lanes: info.Lanes, SMax: info.MaxStateBits, AccW: info.AccW,
		LayersMax: info.MaxLayers, NeurAW: info.NeurAW, LayerAW: info.LayerAW, InAW: info.InAW, WmemAW: info.WmemAW}
}

// run is a stretch of consecutive core words.
type wordRun struct {
	addr  uint32
	words []uint32
}

// runs groups host port writes into stretches of consecutive addresses of at most max words.
func runs(ws []coremap.Write, max int) []wordRun {
	var out []wordRun
	for _, w := range ws {
		if k := len(out) - 1; k >= 0 && out[k].addr+uint32(len(out[k].words)) == w.Addr && len(out[k].words) < max {
			out[k].words = append(out[k].words, w.Data)
			continue
		}
		out = append(out, wordRun{addr: w.Addr, words: []uint32{w.Data}})
	}
	return out
}

// loadCore lays n out for the device's core (coremap.NewLayout, the layout docs/rtl.md
// defines), writes every word through SpaceCore, reads every word back and compares.
func (c *Client) loadCore(ctx context.Context, n *sim.Network) error {
	cfg := CoreConfig(c.info)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("hostdrv: the device reports an invalid core configuration: %w", err)
	}
	if err := cfg.Fits(n); err != nil {
		return &FitError{Field: err.Error(), Need: 1, Have: 0}
	}
	if err := c.checkPacking(ctx, n); err != nil {
		return err
	}
	lo := coremap.NewLayout(cfg, n)
	if lo.Words > 1<<cfg.WmemAW {
		return &FitError{Field: "weight words", Need: lo.Words, Have: 1 << cfg.WmemAW}
	}
	rs := runs(lo.Writes, (c.info.MaxBody-AccessLen)/4)
	k := 0
	err := c.exchange(ctx, "WRITE", func() (call, bool) {
		if k >= len(rs) {
			return call{}, false
		}
		r := rs[k]
		k++
		body := EncodeAccess(SpaceCore, 0, int(r.addr))
		for _, w := range r.words {
			body = binary.LittleEndian.AppendUint32(body, w)
		}
		return call{typ: TypeWrite, body: body}, true
	})
	if err != nil {
		return err
	}
	var verr error
	k = 0
	err = c.exchange(ctx, "READ", func() (call, bool) {
		if k >= len(rs) {
			return call{}, false
		}
		r := rs[k]
		k++
		body := binary.LittleEndian.AppendUint16(EncodeAccess(SpaceCore, 0, int(r.addr)), uint16(4*len(r.words)))
		return call{typ: TypeRead, body: body, done: func(got []byte) error {
			if len(got) != 4*len(r.words) {
				return fmt.Errorf("hostdrv: READ core 0x%06x: device sent %d bytes, asked %d", r.addr, len(got), 4*len(r.words))
			}
			for i, w := range r.words {
				if g := binary.LittleEndian.Uint32(got[4*i:]); g != w && verr == nil {
					var wb, gb [4]byte
					binary.LittleEndian.PutUint32(wb[:], w)
					binary.LittleEndian.PutUint32(gb[:], g)
					for b := range 4 {
						if wb[b] != gb[b] {
							verr = &VerifyError{Space: fmt.Sprintf("core word 0x%06x", r.addr+uint32(i)), Offset: b, Wrote: wb[b], Read: gb[b]}
							break
						}
					}
				}
			}
			return nil
		}}, true
	})
	if err != nil {
		return err
	}
	if verr != nil {
		return verr
	}
	c.layout = lo
	c.net = n
	return nil
}

// checkPacking refuses a network with packed layers (weights of coremap.PackedMaxBits bits or
// fewer, stored two per byte) on a core that does not report CONFIG[21]: such a core, built
// before the packed layout, would read every packed weight wrong.
func (c *Client) checkPacking(ctx context.Context, n *sim.Network) error {
	packed := -1
	for i := range n.Layers {
		if coremap.Packed(n.Layers[i].WeightBits) {
			packed = i
			break
		}
	}
	if packed < 0 {
		return nil
	}
	b, err := c.Read(ctx, SpaceCore, 0, int(coremap.Addr(coremap.RegionGlobal, coremap.RegConfig)), 4)
	if err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(b)&coremap.ConfigPacking == 0 {
		return fmt.Errorf("hostdrv: layer %d has %d-bit weights, which lifkit stores two per byte, but the device's core does not read that layout (CONFIG bit 21 is 0: its bitstream predates it): rebuild the bitstream with this lifkit (lifkit build), or train the network with %d-bit or wider weights",
			packed, n.Layers[packed].WeightBits, coremap.PackedMaxBits+1)
	}
	return nil
}

// readCoreStat reads the STAT field (spike count of a lif neuron) of every neuron of layer li.
func (c *Client) readCoreStat(ctx context.Context, li int) ([]int32, error) {
	size := c.net.Layers[li].Size
	base := c.layout.Layers[li].StateBase
	out := make([]int32, 0, size)
	for i := 0; i < size; i++ {
		b, err := c.Read(ctx, SpaceCore, 0, int(coremap.StateAddr(base+i, coremap.FieldStat)), 4)
		if err != nil {
			return nil, err
		}
		out = append(out, int32(binary.LittleEndian.Uint32(b)))
	}
	return out, nil
}
