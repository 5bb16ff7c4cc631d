package sim_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

// randomCase draws one network and one sample from seed.
func randomCase(seed uint64) (*sim.Network, sim.Sample) {
	r := rand.New(rand.NewPCG(seed, 0x11f))
	sh := simtest.Shape{Readout: r.IntN(2) == 0}
	if r.IntN(3) == 0 {
		sh.Hidden = []int{1 + r.IntN(30), 1 + r.IntN(30)}
	}
	n := simtest.Network(r, sh)
	steps := 1 + r.IntN(30)
	if r.IntN(2) == 0 {
		return n, simtest.IntensitySample(r, n.Inputs, steps)
	}
	return n, simtest.SpikeSample(r, n.Inputs, steps, r.Float64()*0.6)
}

func TestRandomNetworksAreValid(t *testing.T) {
	for seed := range uint64(500) {
		n, s := randomCase(seed)
		if err := n.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := s.Check(n.Inputs); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// Neurons of random networks must actually fire and saturate sometimes, or the differential
// tests below would compare silence with silence.
func TestRandomNetworksAreActive(t *testing.T) {
	var spikes, sat, neg, refr int
	for seed := range uint64(300) {
		n, s := randomCase(seed)
		res, err := sim.Run(n, s, sim.Options{Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		for li, lt := range res.Trace.Layers {
			hi := int32(1)<<(n.Layers[li].StateBits-1) - 1
			for k := range lt.I {
				spikes += int(lt.S[k])
				if lt.I[k] == hi || lt.I[k] == -hi-1 || lt.V[k] == hi || lt.V[k] == -hi-1 {
					sat++
				}
				if lt.V[k] < 0 {
					neg++
				}
				if lt.R[k] > 0 {
					refr++
				}
			}
		}
	}
	if spikes < 1000 || sat < 100 || neg < 1000 || refr < 100 {
		t.Fatalf("random networks too quiet: spikes %d, saturated states %d, negative membranes %d, refractory %d", spikes, sat, neg, refr)
	}
}

// The event-driven Machine equals the dense reference loop (dense_test.go) on every state of
// every neuron at every step.
func TestEventDrivenEqualsDense(t *testing.T) {
	for seed := range uint64(1500) {
		n, s := randomCase(seed)
		res, err := sim.Run(n, s, sim.Options{Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		want := sim.DenseRun(n, s)
		if err := compareDense(res, want); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func compareDense(res sim.Result, want sim.DenseTrace) error {
	for li, lt := range res.Trace.Layers {
		for t := range res.Trace.Steps {
			for i := range lt.Size {
				I, V, S, R := lt.At(t, i)
				if int64(I) != want.I[li][t][i] || int64(V) != want.V[li][t][i] || int64(S) != want.S[li][t][i] || int64(R) != want.R[li][t][i] {
					return fmt.Errorf("layer %d step %d neuron %d: event-driven (I %d V %d S %d R %d), dense (I %d V %d S %d R %d)",
						li, t, i, I, V, S, R, want.I[li][t][i], want.V[li][t][i], want.S[li][t][i], want.R[li][t][i])
				}
			}
		}
	}
	if res.Prediction != want.Pred {
		return fmt.Errorf("prediction %d, dense %d", res.Prediction, want.Pred)
	}
	return nil
}

// Spike events are a set: their order within a step cannot matter (rule S-8).
func TestEventOrderDoesNotMatter(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		n := simtest.Network(r, simtest.Shape{Readout: true})
		s := simtest.SpikeSample(r, n.Inputs, 20, 0.4)
		a, _ := sim.Run(n, s, sim.Options{Trace: true})
		for _, ev := range s.Spikes {
			r.Shuffle(len(ev), func(i, j int) { ev[i], ev[j] = ev[j], ev[i] })
		}
		b, _ := sim.Run(n, s, sim.Options{Trace: true})
		if fmt.Sprint(a.Trace.Layers) != fmt.Sprint(b.Trace.Layers) {
			t.Fatalf("seed %d: trace changed when events were reordered", seed)
		}
	}
}

// RunBatch equals Run sample by sample, whatever the worker count.
func TestBatchEqualsSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	n := simtest.Network(r, simtest.Shape{Readout: true, Hidden: []int{30}, Inputs: 50})
	var samples []sim.Sample
	for range 64 {
		samples = append(samples, simtest.IntensitySample(r, n.Inputs, 15))
	}
	got, err := sim.RunBatch(n, samples, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range samples {
		want, _ := sim.Run(n, s, sim.Options{})
		if fmt.Sprint(got[i]) != fmt.Sprint(want) {
			t.Fatalf("sample %d: batch %v, sequential %v", i, got[i], want)
		}
	}
}

// SetNeuron writes state that the next step starts from, and refuses values that do not fit.
func TestSetNeuron(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	n := simtest.Network(r, simtest.Shape{Readout: true, Hidden: []int{5}, Inputs: 6, StateBits: 12, Recurrent: -1})
	s := simtest.SpikeSample(r, n.Inputs, 10, 0.5)
	full, _ := sim.Run(n, s, sim.Options{Trace: true})
	// Stop after 4 steps, copy the state into a fresh machine, run the rest: same trace.
	a := sim.NewMachine(n)
	for t := range 4 {
		a.StepSpikes(s.Spikes[t])
	}
	b := sim.NewMachine(n)
	for li := range n.Layers {
		st := a.State(li)
		for i := range st.I {
			if err := b.SetNeuron(li, i, st.I[i], st.V[i], st.R[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	// (Recurrent spikes of the last step are not neuron state, so the network is feed-forward.)
	for t4 := 4; t4 < 10; t4++ {
		b.StepSpikes(s.Spikes[t4])
		for li := range n.Layers {
			st := b.State(li)
			for i := range st.I {
				if c, v, _, rr := full.Trace.Layers[li].At(t4, i); c != st.I[i] || v != st.V[i] || rr != st.R[i] {
					t.Fatalf("step %d layer %d neuron %d differs after SetNeuron", t4, li, i)
				}
			}
		}
	}
	if err := b.SetNeuron(0, 0, 1<<11, 0, 0); err == nil {
		t.Fatal("accepted I = 2048 in 12 bits")
	}
	if err := b.SetNeuron(0, 0, 0, 0, 16); err == nil {
		t.Fatal("accepted r = 16")
	}
	if err := b.SetNeuron(5, 0, 0, 0, 0); err == nil {
		t.Fatal("accepted layer 5")
	}
}
