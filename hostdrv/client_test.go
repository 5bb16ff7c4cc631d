package hostdrv_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// open starts a reference device behind a pipe with the given noise and opens a client on it.
func open(t *testing.T, seed uint64, info hostdrv.Info, noise linktest.Noise, opt hostdrv.Options) (*hostdrv.Client, *linktest.Link) {
	t.Helper()
	link := linktest.NewLink(seed, info, noise, noise)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := hostdrv.Open(ctx, link.Host, opt)
	if err != nil {
		link.Close()
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := link.Close(); err != nil {
			t.Errorf("device: %v", err)
		}
	})
	return c, link
}

// checkAgainstSim runs samples through the client and requires every answer to equal sim's.
func checkAgainstSim(t *testing.T, c *hostdrv.Client, n *sim.Network, samples []sim.Sample) {
	t.Helper()
	// a hang guard, not a speed check: 60 s per 200 samples (make soak runs 50 times as many)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(max(1, len(samples)/200))*60*time.Second)
	defer cancel()
	got, err := c.InferBatch(ctx, samples)
	if err != nil {
		t.Fatalf("InferBatch: %v", err)
	}
	want, err := sim.RunBatch(n, samples, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(samples) {
		t.Fatalf("%d answers for %d samples", len(got), len(samples))
	}
	for i := range samples {
		if !got[i].Agrees(n, want[i]) {
			t.Fatalf("sample %d: device %+v, sim prediction %d max %v counts %v", i, got[i], want[i].Prediction, want[i].MaxMembrane, want[i].Counts[len(want[i].Counts)-1])
		}
	}
}

// soak is the sample multiplier of the line-noise tests: $LIFKIT_SOAK (default 1), so
// `make soak` can run them 50 times longer with the same code.
func soak() int {
	if k, err := strconv.Atoi(os.Getenv("LIFKIT_SOAK")); err == nil && k > 1 {
		return k
	}
	return 1
}

func testNets(rng *rand.Rand) []*sim.Network {
	return []*sim.Network{
		linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true),    // recurrent hidden, readout
		linktest.RandomNetwork(rng, []int{64, 40, 10}, false, false), // lif output, spike_count
	}
}

func TestInferAgreesWithSim(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	for ni, n := range testNets(rng) {
		t.Run(fmt.Sprint(ni), func(t *testing.T) {
			c, _ := open(t, uint64(ni), linktest.DefaultInfo(), linktest.Noise{}, hostdrv.Options{})
			ctx := context.Background()
			if err := c.LoadNetwork(ctx, n); err != nil {
				t.Fatal(err)
			}
			samples := make([]sim.Sample, 100)
			for i := range samples {
				samples[i] = linktest.RandomSample(rng, n.Inputs)
			}
			checkAgainstSim(t, c, n, samples)
			// One at a time agrees too, and the hidden spike counts match sim's.
			r, err := c.Infer(ctx, samples[3])
			if err != nil {
				t.Fatal(err)
			}
			want, _ := sim.Run(n, samples[3], sim.Options{})
			if !r.Agrees(n, want) {
				t.Fatalf("Infer: %+v, sim %+v", r, want)
			}
			hidden, err := c.ReadCounts(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range want.Counts[0] {
				if hidden[i] != v {
					t.Fatalf("hidden count %d: device %d, sim %d", i, hidden[i], v)
				}
			}
			st, err := c.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Runs != 101 || st.CRCErrors != 0 || !st.Loaded {
				t.Fatalf("status %+v, want 101 runs, no CRC errors, loaded", st)
			}
		})
	}
}

// TestLineNoise: dropped, flipped and inserted bytes on both directions at the stated rates;
// every answer must still equal sim's, and the client must have retransmitted.
func TestLineNoise(t *testing.T) {
	const drop, flipRate, insert = 0.002, 0.002, 0.0005 // per byte, each direction
	rng := rand.New(rand.NewPCG(12, 0))
	for ni, n := range testNets(rng) {
		t.Run(fmt.Sprint(ni), func(t *testing.T) {
			noise := linktest.Noise{Drop: drop, Flip: flipRate, Insert: insert}
			c, link := open(t, 100+uint64(ni), linktest.DefaultInfo(), noise, hostdrv.Options{Timeout: 20 * time.Millisecond, Retries: 40, MaxBody: 96})
			if err := c.LoadNetwork(context.Background(), n); err != nil {
				t.Fatal(err)
			}
			samples := make([]sim.Sample, 200*soak())
			for i := range samples {
				samples[i] = linktest.RandomSample(rng, n.Inputs)
			}
			checkAgainstSim(t, c, n, samples)
			s := c.Stats()
			t.Logf("noise drop %.4f flip %.4f insert %.4f: %d frames sent, %d retransmitted, %d NAKs, %d bad frames, %d timeouts; device %+v",
				drop, flipRate, insert, s.FramesSent, s.Retransmitted, s.NaksReceived, s.BadFrames, s.Timeouts, link.Device.Status())
			if s.Retransmitted == 0 {
				t.Fatalf("no retransmissions: the noise did not reach the link, the test proves nothing")
			}
		})
	}
}

func TestLoadNetworkReportsFailedReadBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 0))
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true)
	info := linktest.DefaultInfo()
	link := linktest.NewLink(1, info, linktest.Noise{}, linktest.Noise{})
	link.Device.Faults = []linktest.Fault{{Space: hostdrv.SpaceR, Layer: 0, Addr: 77, Mask: 0x04}}
	defer link.Close()
	c, err := hostdrv.Open(context.Background(), link.Host, hostdrv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = c.LoadNetwork(context.Background(), n)
	var ve *hostdrv.VerifyError
	if !errors.As(err, &ve) || ve.Space != "layers[0].recurrent_weights" || ve.Offset != 77 || ve.Wrote^ve.Read != 0x04 {
		t.Fatalf("LoadNetwork = %v, want a VerifyError at layers[0].recurrent_weights byte 77", err)
	}
	if _, err := c.Infer(context.Background(), linktest.RandomSample(rng, n.Inputs)); err == nil {
		t.Fatalf("Infer after a failed load must refuse")
	}
}

func TestLoadNetworkFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 0))
	info := linktest.DefaultInfo()
	tests := []struct {
		name  string
		edit  func(*hostdrv.Info)
		field string
	}{
		{"neurons", func(i *hostdrv.Info) { i.MaxNeurons = 16 }, "layers[0].size"},
		{"weights", func(i *hostdrv.Info) { i.WeightMem = 100 }, "weights (all layers)"},
		{"recurrent", func(i *hostdrv.Info) { i.Recurrent = false }, "layers[0].recurrent (supported)"},
		{"weight bits", func(i *hostdrv.Info) { i.MaxWeightBits = 1 }, "layers[0].weight_bits"},
		{"layers", func(i *hostdrv.Info) { i.MaxLayers = 1 }, "layers"},
	}
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := info
			tc.edit(&in)
			c, link := open(t, 2, in, linktest.Noise{}, hostdrv.Options{})
			before := link.Device.Status().FramesOK
			err := c.LoadNetwork(context.Background(), n)
			var fe *hostdrv.FitError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("LoadNetwork = %v, want FitError on %s", err, tc.field)
			}
			if after := link.Device.Status().FramesOK; after != before {
				t.Fatalf("%d frames sent for a network that does not fit", after-before)
			}
		})
	}
}

// TestDeadLinkAndCancel: with nothing answering, Open ends with a LinkError after its retries,
// or with the context's error when that ends first; no goroutine survives either.
func TestDeadLinkAndCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	host, _ := linktest.Pipe(3, linktest.Noise{}, linktest.Noise{})
	_, err := hostdrv.Open(context.Background(), host, hostdrv.Options{Timeout: 5 * time.Millisecond, Retries: 3})
	var le *hostdrv.LinkError
	if !errors.As(err, &le) {
		t.Fatalf("Open on a dead link = %v, want LinkError", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = hostdrv.Open(ctx, host, hostdrv.Options{Timeout: time.Hour})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open with a 30 ms context = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("Open took %v to notice its context", el)
	}
	checkGoroutines(t, before)
}

// TestCancelMidBatchThenRecover: cancelling a batch leaves the session usable (the next call
// resynchronises with HELLO) and leaks nothing.
func TestCancelMidBatchThenRecover(t *testing.T) {
	checkGoroutinesAfterCleanup(t, runtime.NumGoroutine()) // registered first, so it runs last
	rng := rand.New(rand.NewPCG(15, 0))
	n := linktest.RandomNetwork(rng, []int{64, 40, 10}, false, false)
	func() {
		c, _ := open(t, 4, linktest.DefaultInfo(), linktest.Noise{}, hostdrv.Options{})
		if err := c.LoadNetwork(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		samples := make([]sim.Sample, 50)
		for i := range samples {
			samples[i] = linktest.RandomSample(rng, n.Inputs)
		}
		ctx, cancel := context.WithCancel(context.Background())
		k := 0
		err := c.InferStream(ctx, func() (sim.Sample, bool) { return samples[k%len(samples)], true },
			func(i int, r hostdrv.Result) error {
				if k++; k == 20 {
					cancel()
				}
				return nil
			})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stream = %v, want context.Canceled", err)
		}
		checkAgainstSim(t, c, n, samples)
		if c.Stats().Resyncs != 1 {
			t.Fatalf("resyncs %d, want 1", c.Stats().Resyncs)
		}
	}()
}

func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
}

func checkGoroutinesAfterCleanup(t *testing.T, before int) {
	t.Cleanup(func() { checkGoroutines(t, before) })
}

func TestStateReadWrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 0))
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true)
	c, _ := open(t, 5, linktest.DefaultInfo(), linktest.Noise{}, hostdrv.Options{})
	ctx := context.Background()
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	s := linktest.RandomSample(rng, n.Inputs)
	if _, err := c.Infer(ctx, s); err != nil {
		t.Fatal(err)
	}
	m := sim.NewMachine(n)
	for t := 0; t < s.Steps; t++ {
		if s.Intensity != nil {
			m.StepIntensity(s.Intensity)
		} else if t < len(s.Spikes) {
			m.StepSpikes(s.Spikes[t])
		} else {
			m.StepSpikes(nil)
		}
	}
	for li := range n.Layers {
		got, err := c.ReadState(ctx, li)
		if err != nil {
			t.Fatal(err)
		}
		want := m.State(li)
		for i := range got {
			if got[i].I != want.I[i] || got[i].V != want.V[i] || got[i].R != want.R[i] {
				t.Fatalf("layer %d neuron %d: device %+v, sim I %d V %d r %d", li, i, got[i], want.I[i], want.V[i], want.R[i])
			}
		}
	}
	// Write a state into the lif layer and read it back; an out-of-range value is refused with
	// a DeviceError.
	rec := []byte{5, 0, 0, 0, 0xF9, 0xFF, 0xFF, 0xFF, 3} // I 5, V -7, r 3
	if err := c.Write(ctx, hostdrv.SpaceState, 0, 2*hostdrv.StateLen, rec); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadState(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got[2] != (hostdrv.NeuronState{I: 5, V: -7, R: 3}) {
		t.Fatalf("state read back %+v", got[2])
	}
	bad := []byte{0, 0, 0, 0x7F, 0, 0, 0, 0, 0}
	var de *hostdrv.DeviceError
	if err := c.Write(ctx, hostdrv.SpaceState, 0, 0, bad); !errors.As(err, &de) || de.Code != hostdrv.ErrBadArgument {
		t.Fatalf("writing an I outside state_bits = %v, want DeviceError bad argument", err)
	}
	// A readout neuron has no refractory counter (rule S-11).
	if err := c.Write(ctx, hostdrv.SpaceState, 1, 0, rec); !errors.As(err, &de) || de.Code != hostdrv.ErrBadArgument {
		t.Fatalf("writing r = 3 into a readout neuron = %v, want DeviceError bad argument", err)
	}
	// The session survives a refused request.
	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = c.ReadState(ctx, 0)
	if got[2] != (hostdrv.NeuronState{}) {
		t.Fatalf("after RESET state is %+v, want zero", got[2])
	}
}
