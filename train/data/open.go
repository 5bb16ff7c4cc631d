package data

import (
	"fmt"
	"strings"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
)

// Options are everything Open needs besides the data set name.
type Options struct {
	Image   ImageOptions
	Randman RandmanConfig
}

// Open loads a data set by name:
//
//	randman            generated (Options.Randman)
//	mnist              MNIST from the GoMNIST module
//	fashion            Fashion-MNIST from /usr/share/datasets/fashion-mnist
//	idx:DIR            MNIST-style IDX files in DIR
//	events:TRAIN[,TEST]  lifkit input files with labelled samples (docs/inputfile.md); without
//	                   TEST, the last 10 % of TRAIN is the test set; 10 % of the rest is held
//	                   out for validation
func Open(name string, opt Options) (*Set, error) {
	switch {
	case name == "randman":
		return Randman(opt.Randman)
	case name == "mnist":
		return MNIST(opt.Image)
	case name == "fashion":
		return Fashion(opt.Image)
	case strings.HasPrefix(name, "idx:"):
		dir := strings.TrimPrefix(name, "idx:")
		return LoadIDXDir("idx", dir, "give a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz)", opt.Image)
	case strings.HasPrefix(name, "events:"):
		return Events(strings.Split(strings.TrimPrefix(name, "events:"), ","))
	}
	return nil, fmt.Errorf("data: unknown data set %q; use randman, mnist, fashion, idx:DIR or events:TRAIN.yaml[,TEST.yaml]", name)
}

// Events loads labelled samples from one or two lifkit input files (see Open).
func Events(paths []string) (*Set, error) {
	if len(paths) < 1 || len(paths) > 2 || paths[0] == "" {
		return nil, fmt.Errorf("data: events: give one or two input files, events:TRAIN.yaml[,TEST.yaml]")
	}
	tr, err := inputfile.Load(paths[0])
	if err != nil {
		return nil, fmt.Errorf("data: events: %w", err)
	}
	s := &Set{Name: "events", Inputs: tr.Inputs}
	all := tr.Samples
	if len(paths) == 2 {
		te, err := inputfile.Load(paths[1])
		if err != nil {
			return nil, fmt.Errorf("data: events: %w", err)
		}
		if te.Inputs != tr.Inputs {
			return nil, fmt.Errorf("data: events: %s has %d inputs, %s has %d", paths[0], tr.Inputs, paths[1], te.Inputs)
		}
		s.Test = te.Samples
	} else {
		nt := len(all) / 10
		s.Test, all = all[len(all)-nt:], all[:len(all)-nt]
	}
	nv := len(all) / 10
	s.Train, s.Val = all[:len(all)-nv], all[len(all)-nv:]
	for _, part := range [][]sim.Sample{s.Train, s.Val, s.Test} {
		for i := range part {
			if part[i].Label < 0 {
				return nil, fmt.Errorf("data: events: every sample needs a label for training; sample %d has none", i)
			}
			s.Classes = max(s.Classes, part[i].Label+1)
			s.Steps = max(s.Steps, part[i].Steps)
		}
	}
	if len(s.Train) == 0 {
		return nil, fmt.Errorf("data: events: %s has no training samples", paths[0])
	}
	return s, s.Check()
}
