// Command gen writes the example network and input of examples/groups: a hand-wired
// 32-16-4 network that tells which of four groups of eight inputs is brightest, and 40 labelled
// intensity samples for it. It needs no training, so `make demo` has a network whose
// predictions mean something before any training has run.
//
//	go run ./examples/gen -out examples/groups
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
)

const (
	groups   = 4
	perGroup = 8 // inputs per group
	hidden   = 4 // hidden neurons per group
	steps    = 30
	samples  = 40
)

func main() {
	out := flag.String("out", "examples/groups", "folder to write net.yaml and input.yaml into")
	flag.Parse()
	r := rand.New(rand.NewPCG(2026, 11))
	n := network(r)
	in := inputs(r)
	if err := netfile.Save(filepath.Join(*out, "net.yaml"), n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := inputfile.Save(filepath.Join(*out, "input.yaml"), in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func network(r *rand.Rand) *sim.Network {
	nIn, nHid := groups*perGroup, groups*hidden
	w1 := make([]int8, nIn*nHid)
	for j := range nIn {
		for i := range nHid {
			w := -12 + r.IntN(9) // inhibition from other groups
			if j/perGroup == i/hidden {
				w = 30 + r.IntN(20) // excitation from the neuron's own group
			}
			w1[j*nHid+i] = int8(w)
		}
	}
	w2 := make([]int8, nHid*groups)
	for k := range nHid {
		for c := range groups {
			w := -20
			if k/hidden == c {
				w = 60
			}
			w2[k*groups+c] = int8(w)
		}
	}
	return &sim.Network{
		Name: "groups-32-16-4", Inputs: nIn, Predict: sim.MaxMembrane, EncoderSeed: sim.DefaultSeed,
		Layers: []sim.Layer{
			{Kind: sim.LIF, Size: nHid, StateBits: 16, WeightBits: 8, CurrentLeak: 1024, MembraneLeak: 512,
				Threshold: 300, Reset: sim.ResetSubtract, Refractory: 1, W: w1},
			{Kind: sim.Readout, Size: groups, StateBits: 16, WeightBits: 8, CurrentLeak: 1024, MembraneLeak: 256, W: w2},
		},
	}
}

func inputs(r *rand.Rand) *inputfile.File {
	f := &inputfile.File{Inputs: groups * perGroup}
	for k := range samples {
		label := k % groups
		x := make([]uint8, f.Inputs)
		for j := range x {
			mean := 55.0
			if j/perGroup == label {
				mean = 100
			}
			v := mean + 50*r.NormFloat64()
			x[j] = uint8(max(0, min(255, v)))
		}
		f.Samples = append(f.Samples, sim.Sample{Steps: steps, Intensity: x, Label: label})
	}
	return f
}
