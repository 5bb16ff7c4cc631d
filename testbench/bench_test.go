package testbench

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/simtest"
)

var up5k = Config{Name: "up5k", Lanes: 8, SMax: 16, AccW: 20, LayersMax: 4, NeurAW: 8, LayerAW: 7, InAW: 10, WmemAW: 14, SPRAM: true, DecayMAC: true}

func mnistNet(r *rand.Rand) *sim.Network {
	return simtest.Network(r, simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, Readout: true, WeightBits: 8, StateBits: 16, Recurrent: -1})
}

// mnistNet256 is 784-256-10 with 4-bit weights, packed two per byte (up5k256).
func mnistNet256(r *rand.Rand) *sim.Network {
	return simtest.Network(r, simtest.Shape{Inputs: 784, Hidden: []int{256}, Outputs: 10, Readout: true, WeightBits: 4, StateBits: 16, Recurrent: -1})
}

// denseSample has every input spiking at every step.
func denseSample(inputs, steps int) sim.Sample {
	all := make([]int, inputs)
	for j := range all {
		all[j] = j
	}
	s := sim.Sample{Steps: steps, Label: -1}
	for range steps {
		s.Spikes = append(s.Spikes, all)
	}
	return s
}

type measured struct {
	clocks, sops, steps int64
	synClocks, synSOPs  int64 // layer 1 synaptic pass only
	wall                time.Duration
}

func measure(tb testing.TB, c Config, n *sim.Network, samples []sim.Sample) measured {
	tb.Helper()
	p := startVerilator(tb, c)
	core, err := Load(p, c, n)
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		tb.Fatal(err)
	}
	var m measured
	res := make([]*RunResult, len(samples))
	for i, s := range samples {
		res[i] = core.Queue(s)
	}
	t0 := time.Now()
	if err := p.Flush(); err != nil {
		tb.Fatal(err)
	}
	m.wall = time.Since(t0)
	wpr := (n.Layers[0].Size + c.Lanes - 1) / c.Lanes
	for i, s := range samples {
		want, _ := sim.Run(n, s, sim.Options{Trace: true})
		if err := Compare(n, want.Trace, res[i]); err != nil {
			tb.Fatal(err)
		}
		m.clocks += int64(res[i].TotalClocks)
		m.sops += want.SOPs
		m.steps += int64(s.Steps)
		for t := range want.Trace.Input {
			e := int64(len(want.Trace.Input[t]))
			m.synSOPs += e * int64(n.Layers[0].Size)
			if e > 0 {
				m.synClocks += clkSynFixed + (e-1)*int64(max(wpr, minRowClks)) + int64(wpr)
			}
		}
	}
	return m
}

// TestDenseSOPPerClock: on dense input the core sustains at least 0.9 x LANES synaptic
// operations per clock over whole steps (input pass, both layers, neuron passes included).
// The packed 784-256-10 (4-bit weights, two per byte) must sustain it too: a packed word
// serves two lane-cycles, so packing costs no clocks.
func TestDenseSOPPerClock(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		net  *sim.Network
	}{
		{"784-128-10 8-bit", up5k, mnistNet(rand.New(rand.NewPCG(baseSeed(), 3)))},
		{"784-256-10 4-bit packed", up5k256, mnistNet256(rand.New(rand.NewPCG(baseSeed(), 3)))},
	} {
		m := measure(t, tc.cfg, tc.net, []sim.Sample{denseSample(784, 20)})
		whole := float64(m.sops) / float64(m.clocks)
		syn := float64(m.synSOPs) / float64(m.synClocks)
		t.Logf("%s dense, %d lanes: %.2f SOP/clock over whole steps, %.2f in the layer-1 synaptic pass", tc.name, tc.cfg.Lanes, whole, syn)
		if whole < 0.9*float64(tc.cfg.Lanes) {
			t.Fatalf("%s: %.2f SOP/clock < 0.9 x %d lanes", tc.name, whole, tc.cfg.Lanes)
		}
	}
}

// BenchmarkDenseSOP reports SOP/clock on dense input (784-128-10, UP5K config, 8 lanes).
func BenchmarkDenseSOP(b *testing.B) {
	benchDenseSOP(b, up5k, mnistNet(rand.New(rand.NewPCG(baseSeed(), 3))))
}

// BenchmarkDenseSOPPacked is BenchmarkDenseSOP for 784-256-10 with 4-bit weights packed two
// per byte (UP5K config sized for it, 8 lanes).
func BenchmarkDenseSOPPacked(b *testing.B) {
	benchDenseSOP(b, up5k256, mnistNet256(rand.New(rand.NewPCG(baseSeed(), 3))))
}

func benchDenseSOP(b *testing.B, c Config, n *sim.Network) {
	var m measured
	for range b.N {
		m = measure(b, c, n, []sim.Sample{denseSample(784, 10)})
	}
	b.ReportMetric(float64(m.sops)/float64(m.clocks), "SOP/clock")
	b.ReportMetric(float64(m.synSOPs)/float64(m.synClocks), "synSOP/clock")
	b.ReportMetric(float64(c.Lanes), "lanes")
}

// BenchmarkClocksPerStep reports measured clocks per step against StepClocks (the documented
// formula) for rate-coded MNIST-like input (encoder, mean intensity about 0.13).
func BenchmarkClocksPerStep(b *testing.B) {
	r := rand.New(rand.NewPCG(baseSeed(), 4))
	benchClocksPerStep(b, up5k, mnistNet(r), r)
}

// BenchmarkClocksPerStepPacked is BenchmarkClocksPerStep for 784-256-10 with 4-bit weights
// packed two per byte.
func BenchmarkClocksPerStepPacked(b *testing.B) {
	r := rand.New(rand.NewPCG(baseSeed(), 4))
	benchClocksPerStep(b, up5k256, mnistNet256(r), r)
}

func benchClocksPerStep(b *testing.B, c Config, n *sim.Network, r *rand.Rand) {
	var samples []sim.Sample
	for range 8 {
		x := make([]uint8, 784)
		for j := range x {
			if r.Float64() < 0.19 {
				x[j] = uint8(100 + r.IntN(156)) // ~19 % bright pixels, mean intensity ~0.13
			}
		}
		samples = append(samples, sim.Sample{Steps: 25, Intensity: x, Label: -1})
	}
	var meas, form, steps int64
	for range b.N {
		meas, form, steps = 0, 0, 0
		exe, err := Build(c, BuildOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := Start(exe)
		if err != nil {
			b.Fatal(err)
		}
		core, err := Load(p, c, n)
		if err != nil {
			b.Fatal(err)
		}
		res := make([]*RunResult, len(samples))
		for i, s := range samples {
			res[i] = core.Queue(s)
		}
		if err := p.Flush(); err != nil {
			b.Fatal(err)
		}
		p.Kill()
		for i, s := range samples {
			want, _ := sim.Run(n, s, sim.Options{Trace: true})
			ev := TraceEvents(n, want.Trace)
			for t, st := range res[i].Steps {
				meas += int64(st.Clocks)
				form += int64(StepClocks(c, n, len(want.Trace.Input[t]), true, t == 0, ev[t]))
				steps++
			}
		}
	}
	b.ReportMetric(float64(meas)/float64(steps), "clocks/step")
	b.ReportMetric(float64(form)/float64(steps), "formula-clocks/step")
}

// BenchmarkVerilatorSpeed reports simulated clocks per second of the Verilator harness
// (784-128-10 on the UP5K config, dense input, batched).
func BenchmarkVerilatorSpeed(b *testing.B) {
	n := mnistNet(rand.New(rand.NewPCG(baseSeed(), 5)))
	var clocks int64
	var wall time.Duration
	for range b.N {
		m := measure(b, up5k, n, []sim.Sample{denseSample(784, 40), denseSample(784, 40)})
		clocks += m.clocks
		wall += m.wall
	}
	b.ReportMetric(float64(clocks)/wall.Seconds(), "clocks/s")
}
