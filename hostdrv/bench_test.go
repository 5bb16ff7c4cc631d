package hostdrv_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// BenchmarkFrameRoundTrip encodes and deframes one 512-byte-body frame.
func BenchmarkFrameRoundTrip(b *testing.B) {
	body := make([]byte, 512)
	for i := range body {
		body[i] = byte(i * 7)
	}
	d := hostdrv.NewDeframer(512)
	var wire []byte
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		wire = hostdrv.AppendFrame(wire[:0], hostdrv.Frame{Type: hostdrv.TypeWrite, Seq: 1, Body: body})
		d.Push(wire, func(f hostdrv.Frame, err error) {
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkInferBatchReference measures pipelined inferences per second through the client
// and the reference device on an in-memory link (the host-side overhead per inference).
func BenchmarkInferBatchReference(b *testing.B) {
	rng := rand.New(rand.NewPCG(50, 0))
	n := linktest.RandomNetwork(rng, []int{64, 40, 10}, false, false)
	link := linktest.NewLink(1, linktest.DefaultInfo(), linktest.Noise{}, linktest.Noise{})
	defer link.Close()
	c, err := hostdrv.Open(context.Background(), link.Host, hostdrv.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.LoadNetwork(context.Background(), n); err != nil {
		b.Fatal(err)
	}
	samples := make([]sim.Sample, 64)
	for i := range samples {
		samples[i] = linktest.RandomSample(rng, n.Inputs)
	}
	for b.Loop() {
		if _, err := c.InferBatch(context.Background(), samples); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(samples))/b.Elapsed().Seconds(), "inferences/s")
}
