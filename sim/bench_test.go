package sim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

// mnistSized is a 784-128-10 network with 8-bit weights and a readout, the UP5K reference size.
func mnistSized() *sim.Network {
	r := rand.New(rand.NewPCG(784, 128))
	return simtest.Network(r, simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, Readout: true, WeightBits: 8, StateBits: 16, Recurrent: -1})
}

// BenchmarkRunMNISTSized runs 25 steps with 15 % of the 784 inputs spiking per step and reports
// synaptic operations per second on one core (one SOP = one weight added into an accumulator).
func BenchmarkRunMNISTSized(b *testing.B) {
	n := mnistSized()
	r := rand.New(rand.NewPCG(1, 1))
	var samples []sim.Sample
	for range 16 {
		samples = append(samples, simtest.SpikeSample(r, 784, 25, 0.15))
	}
	m := sim.NewMachine(n)
	var sops int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := samples[i%len(samples)]
		m.Reset()
		for t := range s.Steps {
			m.StepSpikes(s.Spikes[t])
			sops += stepSOPs(n, m, len(s.Spikes[t]))
		}
	}
	b.ReportMetric(float64(sops)/b.Elapsed().Seconds(), "SOP/s")
	b.ReportMetric(float64(sops)/float64(b.N), "SOP/sample")
}

func stepSOPs(n *sim.Network, m *sim.Machine, inputs int) int64 {
	s := int64(inputs) * int64(n.Layers[0].Size)
	return s + int64(len(m.State(0).Spikes))*int64(n.Layers[1].Size)
}

// BenchmarkRunBatchMNISTSized is the same work through RunBatch on all cores, in samples/s.
func BenchmarkRunBatchMNISTSized(b *testing.B) {
	n := mnistSized()
	r := rand.New(rand.NewPCG(1, 1))
	var samples []sim.Sample
	for range 256 {
		samples = append(samples, simtest.SpikeSample(r, 784, 25, 0.15))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sim.RunBatch(n, samples, sim.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(samples))/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkEncodeMNIST measures the LFSR encoder on 784 intensities for 25 steps.
func BenchmarkEncodeMNIST(b *testing.B) {
	x := simtest.IntensitySample(rand.New(rand.NewPCG(2, 2)), 784, 25).Intensity
	var dst []int
	for i := 0; i < b.N; i++ {
		a := sim.LFSR(sim.DefaultSeed)
		for range 25 {
			dst = a.Encode(dst[:0], x)
		}
	}
}
