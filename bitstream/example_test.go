package bitstream_test

import (
	"fmt"

	"github.com/lifkit/lifkit/bitstream"
	"github.com/lifkit/lifkit/bitstream/board"
)

// Fit sizes lif_core for a network on a board before any tool runs, and says what fits when
// the network does not.
func ExampleFit() {
	b, _ := board.Builtin().Lookup("icebreaker")
	s, _ := bitstream.ParseShape("784-128-10", 8, 16)
	p, err := bitstream.Fit(b, s)
	fmt.Println(p.Describe(), err)
	fmt.Println(p.Core.Params())

	s, _ = bitstream.ParseShape("784-200-10", 8, 16)
	_, err = bitstream.Fit(b, s)
	fmt.Println(err)
	// Output:
	// 784-128-10 (8-bit weights) on iCE40UP5K: 8 lanes, 12800 of 16384 64-bit weight words in SPRAM, about 21 other blocks of 30 <nil>
	// map[ACC_W:18 DECAY_MAC:1 IN_AW:10 LANES:8 LAYERS_MAX:2 LAYER_AW:7 NEUR_AW:8 SMAX:16 WMEM_AW:14 WMEM_SPRAM:1]
	// bitstream: network 784-200-10 (8-bit weights) does not fit icebreaker (iCE40UP5K): it needs 25488 64-bit weight words of SPRAM, the device has 16384; the largest network of this form that fits is 784-128-10 (8-bit weights); with narrower weights, 784-200-10 (4-bit weights) fits; pick a larger board (lifkit boards) or a smaller network
}
