package buildcmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/bitstream"
	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/sim/simtest"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var cmd = NewBuildCommand()
	if args[0] == "boards" {
		cmd = NewBoardsCommand()
	}
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args[1:])
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return out.String(), err
}

func TestBoards(t *testing.T) {
	out, err := run(t, "boards")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range board.Builtin().Names() {
		if !strings.Contains(out, name) {
			t.Errorf("boards output lacks %s:\n%s", name, out)
		}
	}
	// --verbose names, per board, the files its pins were checked against.
	vout, err := run(t, "boards", "--verbose")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range board.Builtin().All() {
		if len(b.PinSources) == 0 {
			continue
		}
		if !strings.Contains(vout, b.Name+": pins checked against\n  "+b.PinSources[0].String()) {
			t.Errorf("--verbose lacks %s's first source %q:\n%s", b.Name, b.PinSources[0], vout)
		}
	}
	js, err := run(t, "boards", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []board.Board
	if err := json.Unmarshal([]byte(js), &list); err != nil || len(list) != len(board.Builtin().Names()) {
		t.Fatalf("--json: %v, %d boards", err, len(list))
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"build"}, "--board is required"},
		{[]string{"build", "--board", "nosuch"}, "unknown board"},
		{[]string{"build", "--board", "icebreaker", "--net", "a", "--core", "1-2"}, "not both"},
		{[]string{"build", "--board", "icebreaker", "--core", "784-x-10"}, "want an integer"},
		{[]string{"build", "--board", "icebreaker", "--net", dir + "/none.yaml"}, "none.yaml"},
		{[]string{"build", "--board", "icebreaker", "--core", "784-128-10", "--bake"}, "--bake needs --net FILE"},
		{[]string{"build", "--board", "icebreaker"}, "to size the core"},
	}
	for _, tc := range tests {
		_, err := run(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestBuildMisfitIsRefusedBeforeTools(t *testing.T) {
	t.Setenv("YOSYS", "/nonexistent/yosys") // a tool run would fail differently
	_, err := run(t, "build", "--board", "icebreaker", "--core", "784-300-10", "--placeholder", "--no-cache", "--out", t.TempDir())
	var me *bitstream.MisfitError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "784-128-10") {
		t.Fatalf("err = %v, want a misfit that names 784-128-10", err)
	}
}

// TestBuildNetFile sizes from a network file: its shape, recurrent layers included, reaches
// the fit check (a recurrent 784-300r-10 cannot fit the iCEBreaker).
func TestBuildNetFile(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	n := simtest.Network(r, simtest.Shape{Inputs: 784, Hidden: []int{300}, Outputs: 10, WeightBits: 8, StateBits: 16, Recurrent: 1})
	p := filepath.Join(t.TempDir(), "net.yaml")
	if err := netfile.Save(p, n); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, "build", "--board", "icebreaker", "--net", p, "--no-cache", "--out", t.TempDir())
	var me *bitstream.MisfitError
	if !errors.As(err, &me) || !strings.Contains(me.Shape, "784-300r-10") {
		t.Fatalf("err = %v, want a misfit of 784-300r-10", err)
	}
}

// TestBakeRefusedWhenOnlySPRAMHoldsTheWeights: 784-128-10 fits the iCEBreaker with its weights
// in SPRAM, which cannot be initialised, so --bake is refused before any tool runs, with the
// way out (load at run time) in the message.
func TestBakeRefusedWhenOnlySPRAMHoldsTheWeights(t *testing.T) {
	t.Setenv("YOSYS", "/nonexistent/yosys") // a tool run would fail differently
	r := rand.New(rand.NewPCG(6, 7))
	n := simtest.Network(r, simtest.Shape{Inputs: 784, Hidden: []int{128}, Outputs: 10, WeightBits: 8, StateBits: 16, Recurrent: -1})
	p := filepath.Join(t.TempDir(), "net.yaml")
	if err := netfile.Save(p, n); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, "build", "--board", "icebreaker", "--net", p, "--bake", "--no-cache", "--out", t.TempDir())
	var be *bitstream.BakeError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "SPRAM") || !strings.Contains(err.Error(), "without --bake") {
		t.Fatalf("err = %v, want a BakeError naming SPRAM and the run-time load", err)
	}
	// Without --bake the same network is accepted by the fit check (the tool then fails).
	_, err = run(t, "build", "--board", "icebreaker", "--net", p, "--no-cache", "--out", t.TempDir())
	if errors.As(err, &be) || err == nil || !strings.Contains(err.Error(), "yosys") {
		t.Fatalf("without --bake: err = %v, want the missing yosys", err)
	}
}
