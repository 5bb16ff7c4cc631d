package serial_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/serial"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/testbench"
	"github.com/lifkit/lifkit/testbench/cosim"
)

// TestFTDIUARTToCosimRTL is the end-to-end runtime link: host client ->
// serial.FTDI -> emulated FT2232H channel B -> the co-simulated RTL
// (Verilator, the RTL UART at bit level). Every answer must equal sim's.
func TestFTDIUARTToCosimRTL(t *testing.T) {
	if testing.Short() {
		t.Skip("co-simulation skipped in -short mode")
	}
	exe, err := cosim.Build(cosim.DefaultConfig())
	var te *testbench.ToolError
	if errors.As(err, &te) {
		t.Skipf("no co-simulation: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	rtl, err := cosim.Start(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer rtl.Close()

	// Host-to-board bytes go to the RTL from a writer goroutine (never
	// under the emulator's lock); board-to-host bytes are queued on the
	// chip as they come out of the simulation.
	chip := usbtest.NewFTDI(ftdi.FT2232H, 11)
	toRTL := make(chan []byte, 4096)
	chip.SetUART(1, func(in []byte) []byte { toRTL <- in; return nil })
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case b := <-toRTL:
				if _, err := rtl.Write(b); err != nil {
					return
				}
			case <-done:
				return
			}
		}
	}()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := rtl.Read(buf)
			if n > 0 {
				chip.Receive(1, buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	u, err := serial.OpenFTDI(ctx, chip, 1, cosim.DefaultConfig().Baud)
	if err != nil {
		t.Fatal(err)
	}
	c, err := hostdrv.Open(ctx, u, hostdrv.Options{Timeout: time.Second, StepTime: 20 * time.Millisecond, Retries: 30})
	if err != nil {
		t.Fatalf("%v\n%s", err, rtl.Summary())
	}
	defer c.Close()
	rng := rand.New(rand.NewPCG(77, 0))
	n := net(rng, []int{24, 16, 5})
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	samples := make([]sim.Sample, 12)
	for i := range samples {
		samples[i] = sample(rng, n.Inputs)
	}
	got, err := c.InferBatch(ctx, samples)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range samples {
		want, err := sim.Run(n, s, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !got[i].Agrees(n, want) {
			t.Fatalf("sample %d: RTL %+v, sim prediction %d", i, got[i], want.Prediction)
		}
	}
	t.Logf("%d samples through the emulated FTDI UART into the RTL agree with sim; link %+v", len(samples), c.Stats())
}
