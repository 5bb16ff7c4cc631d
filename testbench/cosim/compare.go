package cosim

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// Report is what Compare measured.
type Report struct {
	Config     Config
	Samples    int
	Agree      int
	Mismatches []int   // indices of samples whose answer differs from sim
	Clocks     float64 // mean core clocks per RUN, as the board counted them
	BytesUp    float64 // mean bytes sent per inference (input staging and RUN)
	BytesDown  float64 // mean bytes received per inference
	Stats      hostdrv.LinkStats
	Wall       time.Duration
}

// Compare builds (cached) and starts a co-simulated board, loads n through the hostdrv client,
// answers every sample through the RTL and compares each answer with sim. noise, when not zero,
// is applied to both directions of the UART byte stream.
func Compare(ctx context.Context, cfg Config, n *sim.Network, samples []sim.Sample, noise linktest.Noise) (Report, error) {
	rep := Report{Config: cfg, Samples: len(samples)}
	want, err := sim.RunBatch(n, samples, sim.Options{})
	if err != nil {
		return rep, err
	}
	exe, err := Build(cfg)
	if err != nil {
		return rep, err
	}
	b, err := Start(exe)
	if err != nil {
		return rep, err
	}
	defer b.Close()
	var tr hostdrv.Transport = b
	if noise != (linktest.Noise{}) {
		tr = linktest.Noisy(b, 1, noise, noise)
	}
	timeout := time.Second
	if noise != (linktest.Noise{}) {
		timeout = 150 * time.Millisecond
	}
	c, err := hostdrv.Open(ctx, tr, hostdrv.Options{Timeout: timeout, StepTime: 20 * time.Millisecond, Retries: 30})
	if err != nil {
		return rep, err
	}
	if err := c.LoadNetwork(ctx, n); err != nil {
		return rep, err
	}
	up0, down0 := b.Bytes()
	start := time.Now()
	var clocks float64
	err = c.InferStream(ctx, func() (sim.Sample, bool) {
		k := rep.Agree + len(rep.Mismatches)
		if k >= len(samples) {
			return sim.Sample{}, false
		}
		return samples[k], true
	}, func(i int, r hostdrv.Result) error {
		if r.Agrees(n, want[i]) {
			rep.Agree++
		} else {
			rep.Mismatches = append(rep.Mismatches, i)
		}
		clocks += float64(r.Clocks)
		return nil
	})
	rep.Wall = time.Since(start)
	rep.Stats = c.Stats()
	if err != nil {
		return rep, err
	}
	up, down := b.Bytes()
	if k := float64(len(samples)); k > 0 {
		rep.Clocks = clocks / k
		rep.BytesUp = float64(up-up0) / k
		rep.BytesDown = float64(down-down0) / k
	}
	return rep, c.Close()
}

// FamilyClocks are the core clocks the latency table converts to: assumed targets per board
// family (docs/protocol.md), not measured timing closure.
var FamilyClocks = []struct {
	Name string
	Hz   float64
}{{"iCE40 UP5K", 48e6}, {"iCE40 HX8K", 100e6}, {"ECP5", 100e6}}

// Print writes the report and its latency table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "co-simulated %s board (%d Hz core in simulation, %d baud): %d of %d samples agree with sim\n",
		r.Config.Family, r.Config.ClkHz, r.Config.Baud, r.Agree, r.Samples)
	if len(r.Mismatches) > 0 {
		fmt.Fprintf(w, "MISMATCH on samples %v\n", r.Mismatches[:min(len(r.Mismatches), 20)])
	}
	fmt.Fprintf(w, "per inference: %.0f core clocks, %.0f bytes up, %.0f bytes down; link: %d frames, %d retransmitted, %d NAKs, %d timeouts; wall %v\n",
		r.Clocks, r.BytesUp, r.BytesDown, r.Stats.FramesSent, r.Stats.Retransmitted, r.Stats.NaksReceived, r.Stats.Timeouts, r.Wall.Round(time.Millisecond))
	link := (r.BytesUp + r.BytesDown) * 10 / float64(r.Config.Baud) * 1e6
	fmt.Fprintf(w, "%-12s %12s %14s %14s\n", "family", "core us", "link us", "total us")
	for _, f := range FamilyClocks {
		core := r.Clocks / f.Hz * 1e6
		fmt.Fprintf(w, "%-12s %12.1f %14.1f %14.1f\n", f.Name, core, link, core+link)
	}
}
