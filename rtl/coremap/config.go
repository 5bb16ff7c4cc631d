package coremap

import (
	"fmt"
	"strconv"

	"github.com/lifkit/lifkit/sim"
)

// Config is one compile-time configuration of lif_core (its Verilog parameters, docs/rtl.md).
type Config struct {
	Name      string
	Lanes     int  // LANES: 1, 2, 4, 8, 16
	SMax      int  // SMAX: largest state width, 8..24
	AccW      int  // ACC_W: accumulator width, 8..32
	LayersMax int  // LAYERS_MAX
	NeurAW    int  // NEUR_AW: log2 neuron state depth
	LayerAW   int  // LAYER_AW: log2 largest layer
	InAW      int  // IN_AW: log2 largest input count
	WmemAW    int  // WMEM_AW: log2 weight words
	SPRAM     bool // WMEM_SPRAM: UP5K SPRAM weight memory (Lanes/WmemAW 8/14, 4/15 or 2/16)
	DecayMAC  bool // DECAY_MAC: decays whole in a DSP with an adder (iCE40 SB_MAC16)
}

// Params returns the Verilog parameter assignments of c, as NAME=value (DECAY_MAC only when set).
func (c Config) Params() []string {
	b := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	kv := []struct {
		k string
		v int
	}{
		{"LANES", c.Lanes}, {"SMAX", c.SMax}, {"ACC_W", c.AccW}, {"LAYERS_MAX", c.LayersMax},
		{"NEUR_AW", c.NeurAW}, {"LAYER_AW", c.LayerAW}, {"IN_AW", c.InAW}, {"WMEM_AW", c.WmemAW},
		{"WMEM_SPRAM", b(c.SPRAM)},
	}
	if c.DecayMAC { // only when set: the tops (rtl/top) that take these parameters have no DECAY_MAC
		kv = append(kv, struct {
			k string
			v int
		}{"DECAY_MAC", 1})
	}
	out := make([]string, len(kv))
	for i, p := range kv {
		out[i] = p.k + "=" + strconv.Itoa(p.v)
	}
	return out
}

// Validate reports a configuration the RTL refuses at elaboration.
func (c Config) Validate() error {
	lsh := log2(c.Lanes)
	switch {
	case c.Lanes != 1 && c.Lanes != 2 && c.Lanes != 4 && c.Lanes != 8 && c.Lanes != 16:
		return fmt.Errorf("coremap: config %s: lanes must be 1, 2, 4, 8 or 16, got %d", c.Name, c.Lanes)
	case c.SMax < 8 || c.SMax > 24:
		return fmt.Errorf("coremap: config %s: smax must be in 8..24, got %d", c.Name, c.SMax)
	case c.AccW < 8 || c.AccW > 32:
		return fmt.Errorf("coremap: config %s: acc_w must be in 8..32, got %d", c.Name, c.AccW)
	case c.LayersMax < 1 || c.LayersMax > 16:
		return fmt.Errorf("coremap: config %s: layers_max must be in 1..16, got %d", c.Name, c.LayersMax)
	case c.LayerAW <= lsh || c.LayerAW > c.NeurAW || c.NeurAW > 16:
		return fmt.Errorf("coremap: config %s: need log2(lanes) < layer_aw <= neur_aw <= 16", c.Name)
	case c.InAW < 1 || c.InAW > 16 || c.WmemAW < 1 || c.WmemAW > 20:
		return fmt.Errorf("coremap: config %s: in_aw must be in 1..16 and wmem_aw in 1..20", c.Name)
	case c.SPRAM && !(c.Lanes == 8 && c.WmemAW == 14 || c.Lanes == 4 && c.WmemAW == 15 || c.Lanes == 2 && c.WmemAW == 16):
		return fmt.Errorf("coremap: config %s: SPRAM weights need lanes 8 and wmem_aw 14, lanes 4 and wmem_aw 15, or lanes 2 and wmem_aw 16 (the four 16K x 16 blocks hold 2^20 bits)", c.Name)
	}
	return nil
}

// FitError says why a network does not fit a configuration.
type FitError struct {
	Config string
	Reason string
}

func (e *FitError) Error() string {
	return "coremap: network does not fit config " + e.Config + ": " + e.Reason
}

// Fits reports whether n runs on c: sizes within the memories, widths within SMAX and ACC_W.
func (c Config) Fits(n *sim.Network) error {
	bad := func(f string, a ...any) error { return &FitError{Config: c.Name, Reason: fmt.Sprintf(f, a...)} }
	if len(n.Layers) > c.LayersMax {
		return bad("%d layers, the core holds %d", len(n.Layers), c.LayersMax)
	}
	if n.Inputs > 1<<c.InAW {
		return bad("%d inputs, the core holds %d", n.Inputs, 1<<c.InAW)
	}
	total := 0
	prev := n.Inputs
	for li, l := range n.Layers {
		if l.Size > 1<<c.LayerAW {
			return bad("layer %d has %d neurons, at most %d", li, l.Size, 1<<c.LayerAW)
		}
		if l.StateBits > c.SMax {
			return bad("layer %d state_bits %d > SMAX %d", li, l.StateBits, c.SMax)
		}
		fan := int64(prev)
		if l.R != nil {
			fan += int64(l.Size)
		}
		if fan<<(l.WeightBits-1) >= int64(1)<<(c.AccW-1) {
			return bad("layer %d fan-in %d x 2^(B-1) does not fit ACC_W %d", li, fan, c.AccW)
		}
		total += l.Size
		prev = l.Size
	}
	if total > 1<<c.NeurAW {
		return bad("%d neurons, the core holds %d", total, 1<<c.NeurAW)
	}
	if _, words := Plan(c, n); words > 1<<c.WmemAW {
		return bad("%d weight words, the core holds %d", words, 1<<c.WmemAW)
	}
	return nil
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// ConfigFor returns a configuration that fits n with the given lanes, sized to the network
// (rounded up so nearby networks share one cached build): SMAX 16 or 24, ACC_W 32, memories
// at the next power of two.
func ConfigFor(n *sim.Network, lanes int) Config {
	c := Config{Lanes: lanes, SMax: 16, AccW: 32, LayersMax: 4}
	for len(n.Layers) > c.LayersMax {
		c.LayersMax *= 2
	}
	total, largest := 0, 1
	for _, l := range n.Layers {
		if l.StateBits > 16 {
			c.SMax = 24
		}
		total += l.Size
		largest = max(largest, l.Size)
	}
	c.LayerAW = max(log2(largest), log2(lanes)+1, 4)
	c.NeurAW = max(log2(total), c.LayerAW)
	c.InAW = max(log2(n.Inputs), 4)
	c.WmemAW = 20
	if _, words := Plan(c, n); log2(words) < 20 {
		c.WmemAW = max(log2(words), 4)
	}
	c.Name = fmt.Sprintf("fit-l%d-s%d-n%d-w%d", lanes, c.SMax, c.NeurAW, c.WmemAW)
	return c
}
