package cosim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// board builds (cached) and starts the default co-simulated board and opens a client on it,
// optionally through line noise.
func board(t *testing.T, seed uint64, noise linktest.Noise, timeout time.Duration) (*hostdrv.Client, *Board) {
	t.Helper()
	return boardCfg(t, DefaultConfig(), seed, noise, timeout)
}

// startBoard builds the co-simulated top for cfg and starts it with the given environment. At
// cleanup the board is closed (a simulation that crashed or hung fails the test) and its exit
// line logged.
func startBoard(t *testing.T, cfg Config, env ...string) *Board {
	t.Helper()
	exe, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Start(exe, env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
		t.Log(b.Summary())
	})
	return b
}

func boardCfg(t *testing.T, cfg Config, seed uint64, noise linktest.Noise, timeout time.Duration) (*hostdrv.Client, *Board) {
	t.Helper()
	b := startBoard(t, cfg)
	var tr hostdrv.Transport = b
	if noise != (linktest.Noise{}) {
		tr = linktest.Noisy(b, seed, noise, noise)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := hostdrv.Open(ctx, tr, hostdrv.Options{Timeout: timeout, StepTime: 20 * time.Millisecond, Retries: 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() }) // runs before startBoard's close of b
	return c, b
}

func TestCosimInfo(t *testing.T) {
	c, _ := board(t, 0, linktest.Noise{}, time.Second)
	info := c.Info()
	cfg := DefaultConfig()
	if !info.CorePort || info.Family != cfg.Family || info.Lanes != cfg.Core.Lanes || info.MaxStateBits != cfg.Core.SMax ||
		info.Baud != cfg.Baud || info.ClockHz != cfg.ClkHz || info.WmemAW != cfg.Core.WmemAW {
		t.Fatalf("INFO %+v does not describe the built board %+v", info, cfg)
	}
}

// nets are the two network sizes of the acceptance test: a recurrent one with a readout and a
// wider spiking one.
func nets(rng *rand.Rand) []*sim.Network {
	return []*sim.Network{
		linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true),
		linktest.RandomNetwork(rng, []int{64, 40, 10}, false, false),
	}
}

// TestCosimAgreesWithSim: 200 random samples (intensity and events) on each of two network
// sizes, through the RTL's UART at bit level; every answer must equal sim's.
func TestCosimAgreesWithSim(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 0))
	for ni, n := range nets(rng) {
		t.Run(fmt.Sprint(ni), func(t *testing.T) {
			c, _ := board(t, 0, linktest.Noise{}, time.Second)
			ctx := context.Background()
			if err := c.LoadNetwork(ctx, n); err != nil {
				t.Fatal(err)
			}
			samples := make([]sim.Sample, 200)
			for i := range samples {
				samples[i] = linktest.RandomSample(rng, n.Inputs)
			}
			agree(t, c, n, samples)
			hidden, err := c.ReadCounts(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := sim.Run(n, samples[len(samples)-1], sim.Options{})
			for i, v := range want.Counts[0] {
				if hidden[i] != v {
					t.Fatalf("hidden spike count %d: board %d, sim %d", i, hidden[i], v)
				}
			}
		})
	}
}

func agree(t *testing.T, c *hostdrv.Client, n *sim.Network, samples []sim.Sample) {
	t.Helper()
	// a hang guard, not a speed check: 5 minutes per 200 samples (make soak runs more)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(max(1, len(samples)/200))*5*time.Minute)
	defer cancel()
	got, err := c.InferBatch(ctx, samples)
	if err != nil {
		t.Fatalf("InferBatch: %v", err)
	}
	want, err := sim.RunBatch(n, samples, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var clocks uint64
	for i := range samples {
		if !got[i].Agrees(n, want[i]) {
			t.Fatalf("sample %d: board %+v; sim prediction %d, max V %v, counts %v, input spikes %d", i, got[i],
				want[i].Prediction, want[i].MaxMembrane, want[i].Counts[len(want[i].Counts)-1], want[i].InputSpikes)
		}
		clocks += uint64(got[i].Clocks)
	}
	s := c.Stats()
	t.Logf("%d samples agree; %d core clocks per sample on average; link: %d frames, %d retransmitted, %d NAKs, %d bad frames, %d timeouts",
		len(samples), clocks/uint64(len(samples)), s.FramesSent, s.Retransmitted, s.NaksReceived, s.BadFrames, s.Timeouts)
}

// TestCosimReloadWithoutRebuild: one running board takes two different networks in turn (the
// bitstream is not rebuilt: weights and parameters live in RAM written over the link), and
// RESET plus KEEP runs behave as docs/protocol.md says.
func TestCosimReloadWithoutRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(34, 0))
	c, _ := board(t, 0, linktest.Noise{}, time.Second)
	for round, n := range append(nets(rng), nets(rng)[0]) {
		if err := c.LoadNetwork(context.Background(), n); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		samples := make([]sim.Sample, 20)
		for i := range samples {
			samples[i] = linktest.RandomSample(rng, n.Inputs)
		}
		agree(t, c, n, samples)
	}
}
