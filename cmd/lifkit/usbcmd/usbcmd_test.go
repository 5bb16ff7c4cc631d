package usbcmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

func init() { sleep = func(time.Duration) {} }

func run(cmd *cobra.Command, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

func opener(b *usbtest.Bus) Opener { return func() (usb.Bus, error) { return b, nil } }

const bitfile = "../../../hostdrv/flash/testdata/icebreaker.bin"

func TestUdevRules(t *testing.T) {
	out, _, err := run(NewUdevCommand())
	if err != nil || out != usb.UdevRules() {
		t.Fatalf("err %v, out %q", err, out)
	}
}

func TestDetect(t *testing.T) {
	rig := usbtest.NewICEBreaker()
	out, _, err := run(newDetectCommand(opener(rig.Bus)), "--probe")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0403:6010", `"iCEBreaker V1.0e"`, "icebreaker", "flash: Winbond W25Q128JV-IM, 16384 KiB, JEDEC ef 70 18"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	evn := usbtest.NewECP5EVN(0x81113043)
	ulx := usbtest.NewULX3S(0x41111043)
	out, _, err = run(newFlashCommand(opener(ulx.Bus), false), "--board", "ulx3s-25f", "--sram", ecp5file)
	if err != nil || !strings.Contains(out, "loaded 99158 bytes") || ulx.FPGA.BootedFrom != "sram" {
		t.Fatalf("ulx3s sram: %v %q", err, out)
	}
	ulx = usbtest.NewULX3S(0x41111043)
	_, _, err = run(newFlashCommand(opener(ulx.Bus), false), "--board", "ulx3s-85f", "--sram", ecp5file)
	if err == nil || !strings.Contains(err.Error(), "use --board ulx3s-25f") || ulx.FPGA.Configured {
		t.Fatalf("wrong ulx3s variant: %v", err)
	}
	crab := usbtest.NewOrangeCrab()
	out, _, err = run(newDetectCommand(opener(usbtest.NewBus(evn.FTDI, crab))), "--probe")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fpga: LFE5UM5G-85F (IDCODE 0x81113043)", "1209:5af0", "dfu: transfer size 4096, attributes 0x0d, state dfuIDLE"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, _, err = run(newDetectCommand(opener(usbtest.NewBus())))
	if !errors.Is(err, usb.ErrNoBoard) {
		t.Errorf("empty bus: %v", err)
	}
}

func TestFlashCommand(t *testing.T) {
	img, err := os.ReadFile(bitfile)
	if err != nil {
		t.Fatal(err)
	}
	rig := usbtest.NewICEBreaker()
	out, _, err := run(newFlashCommand(opener(rig.Bus), false), "--board", "icebreaker", bitfile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "flashed 104090 bytes") || !strings.Contains(out, "verified") {
		t.Errorf("output %q", out)
	}
	if !bytes.Equal(rig.Flash.Mem[:len(img)], img) || !rig.Board.Configured {
		t.Error("emulated board not flashed")
	}
	rig = usbtest.NewICEBreaker()
	if out, _, err := run(newFlashCommand(opener(rig.Bus), true), "--board", "icebreaker", "--sram", bitfile); err != nil || !strings.Contains(out, "loaded 104090 bytes") {
		t.Fatalf("sram: %v %q", err, out)
	}
	if rig.Board.BootedFrom != "sram" {
		t.Error("not configured from SRAM")
	}
}

// TestFlashCommandFaults: every fault gives an error and never the success line.
func TestFlashCommandFaults(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.bin")
	os.WriteFile(bad, []byte("not a bitstream"), 0o644)
	tests := []struct {
		name   string
		inject func(*usbtest.ICE40Rig)
		args   []string
		want   string
	}{
		{"zero id", func(r *usbtest.ICE40Rig) { r.Flash.ZeroID = true }, nil, "no flash answered"},
		{"flip", func(r *usbtest.ICE40Rig) { r.Flash.FlipAddr, r.Flash.FlipMask = 77, 1 }, nil, "verify failed at 0x00004d"},
		{"unplug", func(r *usbtest.ICE40Rig) { r.FTDI.UnplugAfter = 20000 }, nil, "device unplugged"},
		{"permission", func(r *usbtest.ICE40Rig) { r.Bus.DenyAccess = true }, nil, "udev rule"},
		{"busy", func(r *usbtest.ICE40Rig) { r.FTDI.BusyDriver = "ftdi_sio" }, nil, `kernel driver "ftdi_sio"`},
		{"wrong board", nil, []string{"--board", "upduino3", bitfile}, "no supported board found"},
		{"icesugar", nil, []string{"--board", "icesugar", bitfile}, "not implemented"},
		{"ice40 rig as ecp5-evn", nil, []string{"--board", "ecp5-evn", bitfile}, "IDCODE 0xffffffff is not an ECP5"},
		{"sram on dfu", nil, []string{"--board", "orangecrab-25f", "--sram", bitfile}, "--sram is not available"},
		{"no board flag", nil, []string{bitfile}, "--board is required"},
		{"missing file", nil, []string{"--board", "icebreaker", "/nonexistent.bin"}, "no such file"},
		{"not bitstream", nil, []string{"--board", "icebreaker", bad}, "not an iCE40 bitstream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := usbtest.NewICEBreaker()
			if tc.inject != nil {
				tc.inject(rig)
			}
			args := tc.args
			if args == nil {
				args = []string{"--board", "icebreaker", bitfile}
			}
			out, _, err := run(newFlashCommand(opener(rig.Bus), false), args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
			if strings.Contains(out, "flashed") || strings.Contains(out, "loaded") {
				t.Errorf("success line printed despite the fault: %q", out)
			}
		})
	}
	_ = flash.DefaultFreq
}

const ecp5file = "../../../hostdrv/flash/testdata/ecp5_25f_blinky.bit"

func TestFlashCommandECP5AndDFU(t *testing.T) {
	img, err := os.ReadFile(ecp5file)
	if err != nil {
		t.Fatal(err)
	}
	// The EVN carries an LFE5UM5G-85F: the test bitstream (built for a
	// 25F) is given that part's IDCODE in its VERIFY_ID command, which is
	// all the emulated configuration engine checks besides the framing.
	evnImg := append([]byte{}, img...)
	i := bytes.Index(evnImg, []byte{0xE2, 0, 0, 0})
	copy(evnImg[i+4:], []byte{0x81, 0x11, 0x30, 0x43})
	evnFile := filepath.Join(t.TempDir(), "evn.bit")
	if err := os.WriteFile(evnFile, evnImg, 0o644); err != nil {
		t.Fatal(err)
	}
	evn := usbtest.NewECP5EVN(0x81113043)
	out, _, err := run(newFlashCommand(opener(evn.Bus), false), "--board", "ecp5-evn", evnFile)
	if err != nil || !strings.Contains(out, "flashed 99158 bytes") || !bytes.Equal(evn.Flash.Mem[:len(img)], evnImg) || !evn.FPGA.Configured {
		t.Fatalf("ecp5 flash: %v %q", err, out)
	}
	evn = usbtest.NewECP5EVN(0x81113043)
	if out, _, err := run(newFlashCommand(opener(evn.Bus), false), "--board", "ecp5-evn", "--sram", evnFile); err != nil || evn.FPGA.BootedFrom != "sram" {
		t.Fatalf("ecp5 sram: %v %q", err, out)
	}
	ulx := usbtest.NewULX3S(0x41111043)
	out, _, err = run(newFlashCommand(opener(ulx.Bus), false), "--board", "ulx3s-25f", "--sram", ecp5file)
	if err != nil || !strings.Contains(out, "loaded 99158 bytes") || ulx.FPGA.BootedFrom != "sram" {
		t.Fatalf("ulx3s sram: %v %q", err, out)
	}
	crab := usbtest.NewOrangeCrab()
	out, _, err = run(newFlashCommand(opener(usbtest.NewBus(crab)), false), "--board", "orangecrab-25f", ecp5file)
	if err != nil || !strings.Contains(out, "downloaded 99158 bytes") || !bytes.Equal(crab.Written(), img) || !crab.Booted {
		t.Fatalf("dfu: %v %q", err, out)
	}
	crab = usbtest.NewOrangeCrab()
	crab.FailBlock = 5
	out, _, err = run(newFlashCommand(opener(usbtest.NewBus(crab)), false), "--board", "orangecrab-25f", ecp5file)
	if err == nil || !strings.Contains(err.Error(), "errWRITE at block 5") || strings.Contains(out, "downloaded") {
		t.Fatalf("dfu fault: %v %q", err, out)
	}
	if _, _, err := run(newFlashCommand(opener(usbtest.NewBus(usbtest.NewOrangeCrab())), false), "--board", "orangecrab-25f", bitfile); err == nil || !strings.Contains(err.Error(), "not an ECP5 bitstream") {
		t.Fatalf("ice40 image to orangecrab: %v", err)
	}
}

// TestRealLibusbNoBoard runs the real commands over the real libusb; on CI
// and here nothing is attached, so each must say so and print nothing else.
func TestRealLibusbNoBoard(t *testing.T) {
	bus, err := openLibusb()
	if err != nil {
		t.Fatal(err)
	}
	_, ferr := usb.FindSupported(bus, "")
	bus.Close()
	if !errors.Is(ferr, usb.ErrNoBoard) {
		t.Skipf("a supported board is attached (%v)", ferr)
	}
	for _, tc := range []struct {
		cmd  *cobra.Command
		args []string
	}{
		{NewDetectCommand(), nil},
		{NewFlashCommand(), []string{"--board", "icebreaker", bitfile}},
	} {
		out, _, err := run(tc.cmd, tc.args...)
		if !errors.Is(err, usb.ErrNoBoard) || out != "" {
			t.Errorf("%s: err %v, out %q", tc.cmd.Name(), err, out)
		}
	}
	out, _, err := run(NewDemoCommand(), "--bitstream", bitfile, "--net", "n.yaml", "--input", "i.yaml")
	if err != nil || !strings.Contains(out, "no supported board attached") {
		t.Errorf("board-demo: %v %q", err, out)
	}
}
