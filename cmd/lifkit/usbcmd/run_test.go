package usbcmd

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
)

// linkedICEBreaker wires the reference link device (computing with sim)
// behind channel B of an emulated iCEBreaker.
func linkedICEBreaker(faults ...linktest.Fault) *usbtest.ICE40Rig {
	rig := usbtest.NewICEBreaker()
	dev := linktest.NewDevice(linktest.DefaultInfo())
	dev.Faults = faults
	df := hostdrv.NewDeframer(dev.Info.MaxBody)
	rig.FTDI.SetUART(1, func(in []byte) []byte {
		var out []byte
		df.Push(in, func(f hostdrv.Frame, ferr error) { out = append(out, dev.Handle(f, ferr)...) })
		return out
	})
	return rig
}

func testNet(rng *rand.Rand) *sim.Network {
	n := &sim.Network{Name: "run", Inputs: 16, EncoderSeed: 0xACE1, Predict: sim.SpikeCount}
	prev := n.Inputs
	for _, size := range []int{12, 4} {
		l := sim.Layer{Kind: sim.LIF, Size: size, StateBits: 16, WeightBits: 4, WeightShift: 1,
			CurrentLeak: 512, MembraneLeak: 256, Reset: sim.ResetZero, Threshold: 5}
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

func writeFiles(t *testing.T) (string, string, *sim.Network, []sim.Sample) {
	rng := rand.New(rand.NewPCG(5, 0))
	n := testNet(rng)
	dir := t.TempDir()
	np, ip := filepath.Join(dir, "net.yaml"), filepath.Join(dir, "in.yaml")
	if err := netfile.Save(np, n); err != nil {
		t.Fatal(err)
	}
	var samples []sim.Sample
	for i := 0; i < 8; i++ {
		s := sim.Sample{Steps: 16, Label: i % 4, Intensity: make([]uint8, n.Inputs)}
		for j := range s.Intensity {
			s.Intensity[j] = uint8(rng.UintN(256))
		}
		samples = append(samples, s)
	}
	if err := inputfile.Save(ip, &inputfile.File{Inputs: n.Inputs, Samples: samples}); err != nil {
		t.Fatal(err)
	}
	return np, ip, n, samples
}

func noDevice(string, int) (hostdrv.Transport, error) { panic("no serial device in this test") }

func TestRunCompare(t *testing.T) {
	np, ip, _, _ := writeFiles(t)
	rig := linkedICEBreaker()
	out, _, err := run(newRunCommand(opener(rig.Bus), noDevice), "--board", "icebreaker", "--net", np, "--input", ip, "--compare")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "8/8 answers agree with sim") || strings.Count(out, "= sim") != 8 || !strings.Contains(out, "accuracy ") {
		t.Errorf("output:\n%s", out)
	}
}

// TestRunCompareCanFail: a board whose answers are not sim's is reported.
func TestRunCompareCanFail(t *testing.T) {
	_, _, n, samples := writeFiles(t)
	rig := linkedICEBreaker()
	u, err := openFTDIUART(context.Background(), opener(rig.Bus), mustBoard("icebreaker"), 3_000_000)
	if err != nil {
		t.Fatal(err)
	}
	c, err := hostdrv.Open(context.Background(), u, hostdrv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.LoadNetwork(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	other := *n
	other.Layers = append([]sim.Layer(nil), n.Layers...)
	other.Layers[1].Threshold = 1 // sim now computes another network.
	var out bytes.Buffer
	err = report(context.Background(), &out, c, &other, samples, true)
	if err == nil || !strings.Contains(out.String(), "DIFFERS from sim") {
		t.Fatalf("err %v\n%s", err, out.String())
	}
}

func TestRunErrors(t *testing.T) {
	np, ip, _, _ := writeFiles(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--board", "icebreaker"}, "are required"},
		{[]string{"--board", "orangecrab-25f", "--net", np, "--input", ip}, "pass --device"},
		{[]string{"--board", "upduino3", "--net", np, "--input", ip}, "no supported board found"},
		{[]string{"--board", "icebreaker", "--net", ip, "--input", ip}, ""},
	}
	for _, tc := range tests {
		rig := linkedICEBreaker()
		out, _, err := run(newRunCommand(opener(rig.Bus), noDevice), tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v", tc.args, err)
		}
		if strings.Contains(out, "agree") {
			t.Errorf("%v: printed a result: %s", tc.args, out)
		}
	}
}

func mustBoard(name string) usb.Board {
	b, err := usb.BoardByName(name)
	if err != nil {
		panic(err)
	}
	return b
}
