package cosim

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// TestCosimTraceAndInputSpikes: random samples (intensity and events) with RUN flag TRACE on
// two readout networks; the per-step readout membrane read back from space 8, the input spike
// count and the answer must equal sim's (sim.Run with Trace is the oracle). A plain RUN after
// a traced one leaves an empty trace (READ of space 8 is ERR 3), as the reference device does.
func TestCosimTraceAndInputSpikes(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 0))
	c, _ := board(t, 0, linktest.Noise{}, time.Second)
	if c.Info().TraceMem != 1<<8-8 {
		t.Fatalf("INFO trace_mem %d, want 248 (lifkit_top_ice40 TAW 8: 256 aux words, 8 of them counters)", c.Info().TraceMem)
	}
	ctx := context.Background()
	for ni, sizes := range [][]int{{20, 24, 5}, {40, 30, 8}} {
		n := linktest.RandomNetwork(rng, sizes, true, ni == 0)
		if err := c.LoadNetwork(ctx, n); err != nil {
			t.Fatal(err)
		}
		last := len(n.Layers) - 1
		maxSteps := c.Info().TraceMem / n.Outputs()
		for k := range 40 {
			s := linktest.RandomSample(rng, n.Inputs)
			s = withSteps(s, 1+(s.Steps-1)%maxSteps)
			got, tr, err := c.InferTrace(ctx, s)
			if err != nil {
				t.Fatalf("net %d sample %d: %v", ni, k, err)
			}
			want, err := sim.Run(n, s, sim.Options{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			if !got.Agrees(n, want) || got.InputSpikes != want.InputSpikes {
				t.Fatalf("net %d sample %d: board %+v; sim prediction %d, input spikes %d", ni, k, got, want.Prediction, want.InputSpikes)
			}
			wv := want.Trace.Layers[last].V
			if len(tr) != len(wv) {
				t.Fatalf("net %d sample %d: trace of %d words, sim %d", ni, k, len(tr), len(wv))
			}
			for i := range wv {
				if tr[i] != wv[i] {
					t.Fatalf("net %d sample %d (%d steps, intensity %v): trace step %d class %d: board %d, sim %d",
						ni, k, s.Steps, s.Intensity != nil, i/n.Outputs(), i%n.Outputs(), tr[i], wv[i])
				}
			}
		}
	}
	// a RUN without TRACE empties the trace
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, false, true)
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Infer(ctx, linktest.RandomSample(rng, n.Inputs)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Read(ctx, hostdrv.SpaceTrace, 0, 0, 4)
	if de := (*hostdrv.DeviceError)(nil); !errors.As(err, &de) || de.Code != hostdrv.ErrBadSpace {
		t.Fatalf("READ trace after a plain RUN: %v, want ERR %d", err, hostdrv.ErrBadSpace)
	}
}

// TestCosimTraceRefused: the RTL itself refuses a TRACE that does not fit its trace RAM or has
// no readout layer (ERR 7), and keeps working. The client would refuse first, so the INFO it
// sees is doctored to claim a larger trace memory.
func TestCosimTraceRefused(t *testing.T) {
	b := startBoard(t, DefaultConfig())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := hostdrv.Open(ctx, &bigTrace{Transport: b, df: hostdrv.NewDeframer(1 << 16)},
		hostdrv.Options{Timeout: time.Second, StepTime: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(58, 0))
	for _, readout := range []bool{true, false} {
		n := linktest.RandomNetwork(rng, []int{20, 24, 10}, readout, false)
		if err := c.LoadNetwork(ctx, n); err != nil {
			t.Fatal(err)
		}
		s := withSteps(linktest.RandomSample(rng, n.Inputs), 26) // 260 words > 256
		if !readout {
			s = withSteps(s, 2)
			n.Layers[len(n.Layers)-1].Kind = sim.Readout // let the client ask; the board has a lif layer
		}
		_, _, err := c.InferTrace(ctx, s)
		if de := (*hostdrv.DeviceError)(nil); !errors.As(err, &de) || de.Code != hostdrv.ErrTooBig {
			t.Fatalf("readout %v: TRACE of %d steps x 10: %v, want ERR %d", readout, s.Steps, err, hostdrv.ErrTooBig)
		}
		n.Layers[len(n.Layers)-1].Kind = map[bool]sim.Kind{true: sim.Readout, false: sim.LIF}[readout]
		if _, err := c.Infer(ctx, withSteps(s, 3)); err != nil {
			t.Fatalf("after a refused TRACE: %v", err)
		}
	}
}

// bigTrace is a transport that rewrites the device's INFO answer to claim 2^16 trace words.
type bigTrace struct {
	hostdrv.Transport
	df  *hostdrv.Deframer
	out []byte
}

func (b *bigTrace) Read(p []byte) (int, error) {
	for len(b.out) == 0 {
		buf := make([]byte, 512)
		n, err := b.Transport.Read(buf)
		b.df.Push(buf[:n], func(f hostdrv.Frame, ferr error) {
			if ferr != nil {
				return
			}
			if f.Type == hostdrv.TypeInfo|hostdrv.Ack {
				var info hostdrv.Info
				if info.UnmarshalBinary(f.Body) == nil {
					info.TraceMem = 1 << 16
					if body, err := info.MarshalBinary(); err == nil {
						f.Body = body
					}
				}
			}
			b.out = hostdrv.AppendFrame(b.out, f)
		})
		if err != nil && len(b.out) == 0 {
			return 0, err
		}
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

// withSteps returns s running for steps steps (event lists cut to fit).
func withSteps(s sim.Sample, steps int) sim.Sample {
	s.Steps = steps
	if len(s.Spikes) > steps {
		s.Spikes = s.Spikes[:steps]
	}
	return s
}
