package cosim

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/testbench"
)

// TestIcarusLink runs the iCE40 top level under Icarus Verilog (the second simulator) with a
// byte stream of HELLO, INFO, a damaged frame and STATUS, and checks the answers with the Go
// frame decoder: the same protocol behaviour the Verilator co-simulation shows.
func TestIcarusLink(t *testing.T) {
	var in []byte
	in = hostdrv.AppendFrame(in, hostdrv.Frame{Type: hostdrv.TypeHello, Seq: 7, Body: []byte{1, 1, 1, 2, 3, 4}})
	in = hostdrv.AppendFrame(in, hostdrv.Frame{Type: hostdrv.TypeInfo, Seq: 8})
	bad := hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeStatus, Seq: 9})
	bad[1] ^= 0x20
	in = append(in, bad...)
	in = hostdrv.AppendFrame(in, hostdrv.Frame{Type: hostdrv.TypeStatus, Seq: 9})
	frames := runIcarus(t, in)
	if len(frames) != 4 {
		t.Fatalf("%d answers, want 4 (HELLO, INFO, NAK, STATUS)", len(frames))
	}
	if f := frames[0]; f.Type != hostdrv.TypeHello|hostdrv.Ack || !bytes.Equal(f.Body, []byte{1, 1, 2, 3, 4}) {
		t.Fatalf("HELLO answer %+v", f)
	}
	var info hostdrv.Info
	if err := info.UnmarshalBinary(frames[1].Body); err != nil || info.Family != "ice40" || !info.CorePort || info.Lanes != 8 {
		t.Fatalf("INFO answer %+v: %v", info, err)
	}
	if f := frames[2]; f.Type != hostdrv.TypeNak || !bytes.Equal(f.Body, []byte{hostdrv.NakCorrupt, 9}) {
		t.Fatalf("damaged frame: answer %+v, want NAK corrupt expecting 9", f)
	}
	var st hostdrv.Status
	if err := st.UnmarshalBinary(frames[3].Body); err != nil || st.CRCErrors != 1 || st.FramesOK != 3 {
		t.Fatalf("STATUS %+v: %v", st, err)
	}
}

// runIcarus sends the bytes in to the iCE40 top under Icarus Verilog (extra iverilog options,
// e.g. -D defines, in defines) and returns the frames the board answered.
func runIcarus(t *testing.T, in []byte, defines ...string) []hostdrv.Frame {
	t.Helper()
	iverilog, err := exec.LookPath("iverilog")
	if err != nil {
		t.Skip("iverilog not on PATH (apt-get install iverilog)")
	}
	root := testbench.Root()
	dir := t.TempDir()
	var hex strings.Builder
	for _, b := range in {
		fmt.Fprintf(&hex, "%02x\n", b)
	}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inHex := write("in.hex", hex.String())
	cntHex := write("cnt.hex", fmt.Sprintf("%04x\n", len(in)))
	outHex := filepath.Join(dir, "out.hex")
	var srcs []string
	for _, d := range []string{"rtl/core", "rtl/link", "rtl/top"} {
		fs, _ := filepath.Glob(filepath.Join(root, d, "*.v"))
		srcs = append(srcs, fs...)
	}
	models, _ := filepath.Glob(filepath.Join(root, "rtl", "core", "sim", "*.v"))
	srcs = append(srcs, models...)
	vvp := filepath.Join(dir, "tb.vvp")
	args := append([]string{"-g2005", "-o", vvp, "-s", "link_icarus_tb",
		"-DIN_HEX=\"" + inHex + "\"", "-DCNT_HEX=\"" + cntHex + "\"", "-DOUT_HEX=\"" + outHex + "\""}, defines...)
	args = append(append(args, "-I"+filepath.Join(root, "rtl", "core"), filepath.Join(root, "testbench", "cosim", "icarus", "link_icarus_tb.v")), srcs...)
	if out, err := exec.Command(iverilog, args...).CombinedOutput(); err != nil {
		t.Fatalf("iverilog: %v\n%s", err, out)
	}
	if out, err := exec.Command("vvp", "-n", vvp).CombinedOutput(); err != nil {
		t.Fatalf("vvp: %v\n%s", err, out)
	}
	lines, err := os.ReadFile(outHex)
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, l := range strings.Fields(string(lines)) {
		v, err := strconv.ParseUint(l, 16, 8)
		if err != nil {
			t.Fatalf("tx line: %q", l)
		}
		got = append(got, byte(v))
	}
	var frames []hostdrv.Frame
	hostdrv.NewDeframer(1024).Push(got, func(f hostdrv.Frame, err error) {
		if err != nil {
			t.Fatalf("board sent a bad frame: %v", err)
		}
		frames = append(frames, f)
	})
	return frames
}

// TestIcarusCounterSaturates presets the RTL's crc_errors counter to 0xFFFE, sends three damaged
// frames and requires STATUS to report 0xFFFF: the 16-bit counters saturate (docs/protocol.md),
// neither wrapping nor stopping early.
func TestIcarusCounterSaturates(t *testing.T) {
	var in []byte
	in = hostdrv.AppendFrame(in, hostdrv.Frame{Type: hostdrv.TypeHello, Seq: 7, Body: []byte{1, 1, 1, 2, 3, 4}})
	for i := 0; i < 3; i++ {
		bad := hostdrv.AppendFrame(nil, hostdrv.Frame{Type: hostdrv.TypeStatus, Seq: 8})
		bad[2] ^= 0x04
		in = append(in, bad...)
	}
	in = hostdrv.AppendFrame(in, hostdrv.Frame{Type: hostdrv.TypeStatus, Seq: 8})
	frames := runIcarus(t, in, "-DPRESET_CRC=16'hfffe")
	if len(frames) != 5 {
		t.Fatalf("%d answers, want 5 (HELLO, 3 NAK, STATUS): %+v", len(frames), frames)
	}
	var st hostdrv.Status
	if err := st.UnmarshalBinary(frames[4].Body); err != nil || frames[4].Type != hostdrv.TypeStatus|hostdrv.Ack {
		t.Fatalf("STATUS answer %+v: %v", frames[4], err)
	}
	if st.CRCErrors != 0xFFFF || st.FramesOK != 2 {
		t.Fatalf("STATUS %+v: want crc_errors 65535 (preset 65534, three more, saturated) and 2 frames ok", st)
	}
}
