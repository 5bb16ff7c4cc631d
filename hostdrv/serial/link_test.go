package serial_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/hostdrv/serial"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
	"github.com/lifkit/lifkit/sim"
)

// board wires the reference link device (hostdrv/linktest, computing with
// sim) behind channel B of an emulated iCEBreaker FT2232H.
func board(t testing.TB) (*usbtest.FTDI, *linktest.Device) {
	dev := linktest.NewDevice(linktest.DefaultInfo())
	df := hostdrv.NewDeframer(dev.Info.MaxBody)
	chip := usbtest.NewFTDI(ftdi.FT2232H, 9)
	chip.SetUART(1, func(in []byte) []byte {
		var out []byte
		df.Push(in, func(f hostdrv.Frame, ferr error) {
			out = append(out, dev.Handle(f, ferr)...)
		})
		return out
	})
	return chip, dev
}

func net(rng *rand.Rand, sizes []int) *sim.Network {
	n := &sim.Network{Name: "link", Inputs: sizes[0], EncoderSeed: rng.Uint32() | 1, Predict: sim.SpikeCount}
	prev := sizes[0]
	for _, size := range sizes[1:] {
		l := sim.Layer{Kind: sim.LIF, Size: size, StateBits: 16, WeightBits: 4, WeightShift: 1,
			CurrentLeak: 512, MembraneLeak: 256, Reset: sim.ResetZero, Threshold: 6}
		l.W = make([]int8, prev*size)
		for k := range l.W {
			l.W[k] = int8(rng.IntN(16) - 8)
		}
		n.Layers = append(n.Layers, l)
		prev = size
	}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

func sample(rng *rand.Rand, inputs int) sim.Sample {
	s := sim.Sample{Steps: 20, Label: -1, Intensity: make([]uint8, inputs)}
	for i := range s.Intensity {
		s.Intensity[i] = uint8(rng.UintN(256))
	}
	return s
}

func openLink(t testing.TB, chip *usbtest.FTDI) *hostdrv.Client {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := serial.OpenFTDI(ctx, chip, 1, 3_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if got := chip.BaudRate(1); got != 3_000_000 || u.Baud() != 3_000_000 {
		t.Fatalf("emulated chip runs at %d baud, host thinks %d", got, u.Baud())
	}
	c, err := hostdrv.Open(ctx, u, hostdrv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLinkOverEmulatedFTDIUART runs inference through the FTDI UART
// transport and checks every answer against sim.
func TestLinkOverEmulatedFTDIUART(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	chip, _ := board(t)
	c := openLink(t, chip)
	defer c.Close()
	n := net(rng, []int{32, 24, 6})
	ctx := context.Background()
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		s := sample(rng, n.Inputs)
		r, err := c.Infer(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := sim.Run(n, s, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Agrees(n, want) {
			t.Fatalf("sample %d: board %+v, sim prediction %d", i, r, want.Prediction)
		}
	}
	if st := c.Stats(); st.Retransmitted != 0 || st.BadFrames != 0 {
		t.Errorf("clean link had errors: %+v", st)
	}
}

// BenchmarkLinkInference reports inferences per emulated second over the
// emulated 3 Mbaud UART, and the limit the wire itself sets (the bytes
// each inference moves, at 10 bit times per byte).
func BenchmarkLinkInference(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 0))
	chip, _ := board(b)
	c := openLink(b, chip)
	defer c.Close()
	n := net(rng, []int{64, 32, 10})
	ctx := context.Background()
	if err := c.LoadNetwork(ctx, n); err != nil {
		b.Fatal(err)
	}
	samples := make([]sim.Sample, 64)
	for i := range samples {
		samples[i] = sample(rng, n.Inputs)
	}
	start, bytes0 := chip.Clock.Now, chip.Clock.UARTBytes
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.InferBatch(ctx, samples); err != nil {
			b.Fatal(err)
		}
	}
	inf := float64(b.N * len(samples))
	emul := (chip.Clock.Now - start).Seconds()
	perInf := float64(chip.Clock.UARTBytes-bytes0) / inf
	b.ReportMetric(inf/emul, "inf/emul-s")
	b.ReportMetric(3_000_000/10/perInf, "inf/s-wire-limit")
	b.ReportMetric(perInf, "uart-bytes/inf")
}
