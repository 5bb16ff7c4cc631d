package usbcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/bitstream"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

func TestDemoWithoutBoard(t *testing.T) {
	cmd := newDemoCommand(opener(usbtest.NewBus()), nil, nil)
	out, _, err := run(cmd, "--bitstream", "demo.bin", "--net", "n.yaml", "--input", "i.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no supported board attached", "lifkit flash --board icebreaker demo.bin", "lifkit run --board icebreaker --net n.yaml --input i.yaml --compare"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoWithBoard(t *testing.T) {
	np, ip, _, _ := writeFiles(t)
	rig := linkedICEBreaker()
	flashCmd := func() *cobra.Command { return newFlashCommand(opener(rig.Bus), false) }
	runCmd := func() *cobra.Command { return newRunCommand(opener(rig.Bus), noDevice) }
	cmd := newDemoCommand(opener(rig.Bus), flashCmd, runCmd)
	cmd.SetContext(context.Background())
	out, _, err := run(cmd, "--bitstream", bitfile, "--net", np, "--input", ip)
	if err != nil || !strings.Contains(out, "which may be ecp5-evn, ice40-hx8k, icebreaker") || rig.Board.Configured {
		t.Fatalf("ambiguous ID: %v\n%s", err, out)
	}
	cmd = newDemoCommand(opener(rig.Bus), flashCmd, runCmd)
	cmd.SetContext(context.Background())
	out, _, err = run(cmd, "--board", "icebreaker", "--bitstream", bitfile, "--net", np, "--input", ip)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "flashed 104090 bytes") || !strings.Contains(out, "8/8 answers agree with sim") || !rig.Board.Configured {
		t.Errorf("output:\n%s", out)
	}
}

// TestDemoBringupBitstream: a bitstream whose build report says it has no host link (the
// bring-up bridge) is flashed, and the demo says why it does not run the network instead of
// failing on HELLO.
func TestDemoBringupBitstream(t *testing.T) {
	np, ip, _, _ := writeFiles(t)
	dir := t.TempDir()
	bit := filepath.Join(dir, "icebreaker.bin")
	data, err := os.ReadFile(bitfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, link := range []bool{false, true} {
		rep, _ := json.Marshal(bitstream.Report{Design: "lif_core + bring-up UART bridge (bitstream/hdl)", HostLink: link})
		if err := os.WriteFile(bit, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "icebreaker.report.json"), rep, 0o644); err != nil {
			t.Fatal(err)
		}
		rig := linkedICEBreaker()
		flashCmd := func() *cobra.Command { return newFlashCommand(opener(rig.Bus), false) }
		runCmd := func() *cobra.Command { return newRunCommand(opener(rig.Bus), noDevice) }
		cmd := newDemoCommand(opener(rig.Bus), flashCmd, runCmd)
		cmd.SetContext(context.Background())
		out, _, err := run(cmd, "--board", "icebreaker", "--bitstream", bit, "--net", np, "--input", ip)
		if err != nil || !rig.Board.Configured {
			t.Fatalf("host link %v: %v\n%s", link, err, out)
		}
		ran := strings.Contains(out, "answers agree with sim")
		// and without a board, the printed plan says the same
		cmd = newDemoCommand(opener(usbtest.NewBus()), nil, nil)
		plan, _, err := run(cmd, "--bitstream", bit, "--net", np, "--input", ip)
		if err != nil || strings.Contains(plan, "lifkit run --board") != link || strings.Contains(plan, "does not speak the host link") == link {
			t.Errorf("host link %v, no board: %v\n%s", link, err, plan)
		}
		said := strings.Contains(out, "does not speak the host link")
		if ran != link || said == link {
			t.Errorf("host link %v: ran %v, explained %v:\n%s", link, ran, said, out)
		}
	}
}
