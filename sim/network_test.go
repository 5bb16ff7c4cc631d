package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim"
)

func validNet() *sim.Network {
	return &sim.Network{Inputs: 300, Predict: sim.MaxMembrane, EncoderSeed: 1, Layers: []sim.Layer{
		{Kind: sim.LIF, Size: 4, StateBits: 16, WeightBits: 8, Threshold: 100, Reset: sim.ResetZero, W: make([]int8, 1200), R: make([]int8, 16)},
		{Kind: sim.Readout, Size: 2, StateBits: 16, WeightBits: 8, W: make([]int8, 8)},
	}}
}

func TestValidate(t *testing.T) {
	if err := validNet().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, field, reason string
		edit                func(n *sim.Network)
	}{
		{"accumulator bound S-5", "layers[0].weight_shift", "32-bit accumulator", func(n *sim.Network) {
			n.Layers[0].StateBits, n.Layers[0].WeightShift = 24, 16
		}},
		{"shift past state", "layers[0].weight_shift", "0..8", func(n *sim.Network) { n.Layers[0].WeightShift = 9 }},
		{"state too narrow", "layers[0].state_bits", "8..24", func(n *sim.Network) { n.Layers[0].StateBits = 7 }},
		{"state too wide", "layers[0].state_bits", "8..24", func(n *sim.Network) { n.Layers[0].StateBits = 25 }},
		{"weight bits", "layers[0].weight_bits", "2..8", func(n *sim.Network) { n.Layers[0].WeightBits = 1 }},
		{"weight range", "layers[0].weights", "outside -2..1", func(n *sim.Network) {
			n.Layers[0].WeightBits = 2
			n.Layers[0].W[7] = 2
		}},
		{"recurrent range", "layers[0].recurrent_weights", "outside", func(n *sim.Network) {
			n.Layers[0].WeightBits = 2
			n.Layers[0].R[3] = -3
		}},
		{"threshold zero", "layers[0].threshold", "1..32767", func(n *sim.Network) { n.Layers[0].Threshold = 0 }},
		{"leak", "layers[0].current_leak", "0..4095", func(n *sim.Network) { n.Layers[0].CurrentLeak = 4096 }},
		{"refractory", "layers[0].refractory", "0..15", func(n *sim.Network) { n.Layers[0].Refractory = 16 }},
		{"reset", "layers[0].reset", "zero", func(n *sim.Network) { n.Layers[0].Reset = "" }},
		{"readout threshold", "layers[1].threshold", "no threshold", func(n *sim.Network) { n.Layers[1].Threshold = 5 }},
		{"readout first", "layers[0].kind", "last", func(n *sim.Network) { n.Layers[0].Kind = sim.Readout }},
		{"recurrent last", "layers[1].recurrent", "not the last", func(n *sim.Network) { n.Layers[1].R = make([]int8, 4) }},
		{"predict readout", "predict", "lif last layer", func(n *sim.Network) { n.Predict = sim.SpikeCount }},
		{"seed", "encoder_seed", "nonzero", func(n *sim.Network) { n.EncoderSeed = 0 }},
		{"shape", "layers[1].weights", "want 8", func(n *sim.Network) { n.Layers[1].W = n.Layers[1].W[:7] }},
		{"no layers", "layers", "at least one", func(n *sim.Network) { n.Layers = nil }},
		{"too many weights", "layers[0].size", "refuses", func(n *sim.Network) {
			n.Inputs, n.Layers[0].Size, n.Layers[0].R = 65536, 65536, nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := validNet()
			c.edit(n)
			err := n.Validate()
			var fe *sim.FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Reason, c.reason) {
				t.Fatalf("got %v; want field %s, reason containing %q", err, c.field, c.reason)
			}
		})
	}
}
