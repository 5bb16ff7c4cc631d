package testbench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// BuildIcarus compiles testbench/icarus/tb_lif_core.v with Icarus Verilog for c and returns
// the .vvp path. With netlist set, the core is first synthesised by Yosys for iCE40
// (synth_ice40) and the netlist is simulated with the Yosys iCE40 cell models instead of the
// RTL: the post-synthesis second opinion.
func BuildIcarus(c Config, netlist bool) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	iverilog, err := tool("iverilog", "IVERILOG")
	if err != nil {
		return "", err
	}
	srcs, err := Sources()
	if err != nil {
		return "", err
	}
	tb := filepath.Join(Root(), "testbench", "icarus", "tb_lif_core.v")
	model := filepath.Join(Root(), "rtl", "core", "sim", "SB_SPRAM256KA.v")
	h := sha256.New()
	for _, f := range append(append([]string(nil), srcs...), tb, model) {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("testbench: %w", err)
		}
		h.Write(b)
	}
	fmt.Fprintln(h, c.Params(), netlist)
	kind := "icarus"
	if netlist {
		kind = "netlist"
	}
	dir := filepath.Join(BuildDir(), kind, c.Name+"-"+hex.EncodeToString(h.Sum(nil))[:16])
	vvp := filepath.Join(dir, "tb.vvp")
	buildMu.Lock()
	defer buildMu.Unlock()
	if _, err := os.Stat(vvp); err == nil {
		return vvp, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("testbench: %w", err)
	}
	var args []string
	if netlist {
		yosys, err := tool("yosys", "YOSYS")
		if err != nil {
			return "", err
		}
		net := filepath.Join(dir, "netlist.v")
		var chp []string
		for _, p := range c.Params() {
			k, v, _ := strings.Cut(p, "=")
			chp = append(chp, "-set", k, v)
		}
		script := fmt.Sprintf("read_verilog -lib +/ice40/cells_sim.v; read_verilog -I%s %s; chparam %s lif_core; synth_ice40 -top lif_core; write_verilog -noattr %s",
			filepath.Join(Root(), "rtl", "core"), strings.Join(srcs, " "), strings.Join(chp, " "), net)
		if out, err := exec.Command(yosys, "-q", "-p", script).CombinedOutput(); err != nil {
			return "", fmt.Errorf("testbench: yosys synth_ice40 for the netlist run failed: %w\n%s", err, tail(string(out), 3000))
		}
		datdir, err := exec.Command(yosys+"-config", "--datdir").Output()
		cells := filepath.Join(strings.TrimSpace(string(datdir)), "ice40", "cells_sim.v")
		if err != nil {
			cells = "/usr/share/yosys/ice40/cells_sim.v"
		}
		args = []string{"-g2005", "-DNETLIST", "-DNO_ICE40_DEFAULT_ASSIGNMENTS", "-o", vvp, net, cells, tb}
	} else {
		args = []string{"-g2005", "-o", vvp, "-I" + filepath.Join(Root(), "rtl", "core")}
		for _, p := range c.Params() {
			args = append(args, "-Ptb_lif_core."+p)
		}
		args = append(args, srcs...)
		args = append(args, model, tb)
	}
	if out, err := exec.Command(iverilog, args...).CombinedOutput(); err != nil {
		os.Remove(vvp)
		return "", fmt.Errorf("testbench: iverilog failed: %w\n%s", err, tail(string(out), 3000))
	}
	return vvp, nil
}

// StartIcarus returns a batch Proc running vvp: every Flush simulates the queued commands from
// reset, so queue the network load and its samples before one Flush.
func StartIcarus(vvpFile string) (*Proc, error) {
	vvp, err := tool("vvp", "VVP")
	if err != nil {
		return nil, err
	}
	p := &Proc{}
	p.batch = func(in []byte) ([]byte, error) {
		dir, err := os.MkdirTemp("", "lifkit-icarus-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		var text bytes.Buffer
		for i := 0; i+4 <= len(in); i += 4 {
			text.WriteString(strconv.FormatUint(uint64(binary.LittleEndian.Uint32(in[i:])), 16))
			text.WriteByte('\n')
		}
		inF, outF := filepath.Join(dir, "in.hex"), filepath.Join(dir, "out.hex")
		if err := os.WriteFile(inF, text.Bytes(), 0o644); err != nil {
			return nil, err
		}
		out, err := exec.Command(vvp, "-n", vvpFile, "+in="+inF, "+out="+outF).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("vvp: %w\n%s", err, tail(string(out), 2000))
		}
		f, err := os.Open(outF)
		if err != nil {
			return nil, fmt.Errorf("vvp wrote no answers: %w\n%s", err, tail(string(out), 2000))
		}
		defer f.Close()
		var bin bytes.Buffer
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			v, err := strconv.ParseUint(line, 16, 32)
			if err != nil {
				return nil, fmt.Errorf("vvp answer %q: %w (x or z in an output?)", line, err)
			}
			binary.Write(&bin, binary.LittleEndian, uint32(v))
		}
		return bin.Bytes(), sc.Err()
	}
	return p, nil
}
