package train

import (
	"syscall"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/train/data"
)

// benchStep measures forward plus backward plus one Adam update over one batch; it reports
// samples/s (the figure) and bytes allocated per sample.
func benchStep(b *testing.B, a Arch, mode Mode, samples []sim.Sample, batch int) {
	fn, err := NewNetwork(a, 1)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := NewTrainer(fn, Config{Mode: mode, BatchSize: batch, Objective: Objective{Loss: MaxOverTimeCE, DetachReset: true}})
	if err != nil {
		b.Fatal(err)
	}
	// warm up on a few batches so the weights are not the initial ones
	for k := range 3 {
		if _, err := tr.Step(samples[k*batch : (k+1)*batch]); err != nil {
			b.Fatal(err)
		}
	}
	nb := len(samples) / batch
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % nb
		if _, err := tr.Step(samples[k*batch : (k+1)*batch]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
	// on a shared machine wall time depends on the other processes; samples per CPU-second
	// times the cores used is what an idle machine would give
	b.ReportMetric(float64(b.N*batch)/(cpuSeconds()-cpu0), "samples/cpu-s")
	b.ReportMetric(0, "ns/op")
	// peak scratch memory: one sample's trace per worker, plus its share of the chunk sums
	perWorker, chunks := tr.ScratchBytes()
	b.ReportMetric(float64(perWorker), "trace-bytes/worker")
	b.ReportMetric(float64(chunks)/float64(batch), "grad-bytes/sample")
}

func randmanBench(b *testing.B) []sim.Sample {
	ds, err := data.Randman(data.RandmanConfig{Seed: 1, SamplesPerClass: 300})
	if err != nil {
		b.Fatal(err)
	}
	return ds.Train
}

var randmanArch = Arch{Inputs: 20, Hidden: []int{128}, Classes: 10, Alpha: TauDecay(10, 2), Beta: TauDecay(20, 2), OutAlpha: TauDecay(10, 2), OutBeta: TauDecay(200, 2)}

// BenchmarkRandman is the speed figure: randman 20-128-10, 100 steps, batch 256.
func BenchmarkRandmanQAT(b *testing.B)   { benchStep(b, randmanArch, QAT, randmanBench(b), 256) }
func BenchmarkRandmanFloat(b *testing.B) { benchStep(b, randmanArch, Float, randmanBench(b), 256) }

func mnistBench(b *testing.B) []sim.Sample {
	ds, err := data.MNIST(data.ImageOptions{Steps: 25})
	if err != nil {
		b.Skipf("MNIST not available: %v", err)
	}
	return ds.Train[:2560]
}

var mnistArch = Arch{Inputs: 784, Hidden: []int{128}, Classes: 10, Alpha: TauDecay(5, 1), Beta: TauDecay(10, 1), OutAlpha: TauDecay(5, 1), OutBeta: TauDecay(10, 1)}

// BenchmarkMNIST: 784-128-10, LFSR rate code, 25 steps, batch 256.
func BenchmarkMNISTQAT(b *testing.B)   { benchStep(b, mnistArch, QAT, mnistBench(b), 256) }
func BenchmarkMNISTFloat(b *testing.B) { benchStep(b, mnistArch, Float, mnistBench(b), 256) }

// cpuSeconds is the user plus system CPU time of this process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
