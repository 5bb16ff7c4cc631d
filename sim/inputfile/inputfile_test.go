package inputfile_test

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/simtest"
)

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	f := &inputfile.File{Inputs: 12}
	for i := range 20 {
		var s sim.Sample
		if i%2 == 0 {
			s = simtest.IntensitySample(r, 12, 1+r.IntN(9))
		} else {
			s = simtest.SpikeSample(r, 12, 1+r.IntN(9), 0.3)
		}
		s.Label = i%3 - 1
		f.Samples = append(f.Samples, s)
	}
	p := filepath.Join(t.TempDir(), "in.yaml")
	if err := inputfile.Save(p, f); err != nil {
		t.Fatal(err)
	}
	got, err := inputfile.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Fatalf("round trip changed the samples")
	}
}

func TestMalformed(t *testing.T) {
	head := "format: lifkit-input\nversion: 1\ninputs: 3\nsteps: 2\n"
	for _, c := range []struct{ doc, field, reason string }{
		{head + "samples:\n  - intensity: [1, 2]\n", "samples[0]", "intensity has 2 values"},
		{head + "samples:\n  - intensity: [1, 2, 300]\n", "samples[0].intensity[2]", "0..255"},
		{head + "samples:\n  - spikes: [[0, 3]]\n", "samples[0]", "outside 0..2"},
		{head + "samples:\n  - spikes: [[1, 1]]\n", "samples[0]", "listed twice"},
		{head + "samples:\n  - spikes: [[1], [], [2]]\n", "samples[0]", "more than steps"},
		{head + "samples:\n  - {spikes: [[1]], intensity: [1, 2, 3]}\n", "samples[0]", "exactly one"},
		{head + "samples:\n  - spikes: [[x]]\n", "samples[0].spikes[0]", "wrong type"},
		{"format: lifkit-input\nversion: 2\n", "version", "unknown version 2"},
		{"format: lifkit-network\nversion: 1\n", "format", "want \"lifkit-input\""},
		{head, "samples", "missing"},
	} {
		_, err := inputfile.Decode(strings.NewReader(c.doc))
		var e *inputfile.Error
		if !errors.As(err, &e) || e.Field != c.field || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%q: got %v; want field %q reason containing %q", c.doc, err, c.field, c.reason)
		}
	}
}

func TestLoadForRefusesOtherSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in.yaml")
	f := &inputfile.File{Inputs: 3, Samples: []sim.Sample{{Steps: 1, Intensity: []uint8{1, 2, 3}, Label: -1}}}
	if err := inputfile.Save(p, f); err != nil {
		t.Fatal(err)
	}
	if _, err := inputfile.LoadFor(p, 3); err != nil {
		t.Fatal(err)
	}
	_, err := inputfile.LoadFor(p, 4)
	var e *inputfile.Error
	if !errors.As(err, &e) || e.Field != "inputs" || !strings.Contains(e.Reason, "have 3 inputs but the network takes 4") {
		t.Fatalf("got %v", err)
	}
}
