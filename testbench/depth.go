package testbench

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Endpoint is one flip-flop input of a mapped iCE40 netlist with the LUT levels behind it.
type Endpoint struct {
	Reg   string   // the flip-flop's output net ("u_link.u_txf.k_q[3]")
	Pin   string   // D, E (clock enable), R or S (synchronous reset or set)
	Depth int      // SB_LUT4 cells on the longest combinational path into Pin
	Chain []string // that path: its start (a flip-flop, RAM, DSP or port) then each LUT's output net
}

func (e Endpoint) String() string {
	return fmt.Sprintf("%d LUTs -> %s %s: %s", e.Depth, e.Reg, e.Pin, strings.Join(e.Chain, " > "))
}

// LUTDepth reads a Yosys JSON netlist mapped by synth_ice40 (flattened, one top module) and
// returns every flip-flop input with at least min LUT levels behind it, deepest first. SB_CARRY
// cells are crossed at no level: a carry chain is one fast column of the fabric. Everything
// that is not a LUT or a carry starts a path. On a design near full the routing between LUTs
// dominates the delay, so the LUT levels of a register's logic bound its speed: a check of
// this count catches a slow path in seconds, before minutes of place and route.
func LUTDepth(netlist string, min int) ([]Endpoint, error) {
	raw, err := os.ReadFile(netlist)
	if err != nil {
		return nil, fmt.Errorf("testbench: %w", err)
	}
	var nl struct {
		Modules map[string]struct {
			Attributes map[string]any `json:"attributes"`
			Cells      map[string]struct {
				Type        string                       `json:"type"`
				Directions  map[string]string            `json:"port_directions"`
				Connections map[string][]json.RawMessage `json:"connections"`
			} `json:"cells"`
			Netnames map[string]struct {
				Bits []json.RawMessage `json:"bits"`
			} `json:"netnames"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(raw, &nl); err != nil {
		return nil, fmt.Errorf("testbench: netlist %s: %w", netlist, err)
	}
	top := ""
	for name, m := range nl.Modules {
		if _, ok := m.Attributes["top"]; ok {
			top = name
		}
	}
	if top == "" {
		return nil, fmt.Errorf("testbench: netlist %s has no top module (synthesize with -top)", netlist)
	}
	m := nl.Modules[top]
	bit := func(r json.RawMessage) int { // a net's number; constants ("0", "1", "x") are -1
		var n int
		if json.Unmarshal(r, &n) != nil {
			return -1
		}
		return n
	}
	// Each bit's name: see better.
	names := map[int]string{}
	netNames := make([]string, 0, len(m.Netnames))
	for n := range m.Netnames {
		netNames = append(netNames, n)
	}
	sort.Strings(netNames)
	for _, n := range netNames {
		bits := m.Netnames[n].Bits
		for i, r := range bits {
			b := bit(r)
			if b < 0 {
				continue
			}
			name := n
			if len(bits) > 1 {
				name = fmt.Sprintf("%s[%d]", n, i)
			}
			if old, ok := names[b]; !ok || better(name, old) {
				names[b] = name
			}
		}
	}
	type pin struct{ cell, port string }
	driver := map[int]pin{}
	for cn, c := range m.Cells {
		for p, d := range c.Directions {
			if d != "output" {
				continue
			}
			for _, r := range c.Connections[p] {
				if b := bit(r); b >= 0 {
					driver[b] = pin{cn, p}
				}
			}
		}
	}
	type result struct {
		depth int
		chain []string
	}
	memo := map[int]result{}
	visiting := map[int]bool{}
	var walk func(b int) (result, error)
	walk = func(b int) (result, error) {
		d, ok := driver[b]
		if b < 0 || !ok {
			return result{0, []string{names[b]}}, nil // a constant or a top-level input
		}
		if r, ok := memo[b]; ok {
			return r, nil
		}
		if visiting[b] {
			return result{}, fmt.Errorf("testbench: netlist %s: combinational loop through %s", netlist, names[b])
		}
		visiting[b] = true
		defer delete(visiting, b)
		c := m.Cells[d.cell]
		var ins []string
		switch c.Type {
		case "SB_LUT4":
			ins = []string{"I0", "I1", "I2", "I3"}
		case "SB_CARRY":
			ins = []string{"CI", "I0", "I1"}
		default:
			r := result{0, []string{names[b]}}
			memo[b] = r
			return r, nil
		}
		best := result{-1, nil}
		for _, p := range ins {
			for _, r := range c.Connections[p] {
				in, err := walk(bit(r))
				if err != nil {
					return result{}, err
				}
				if in.depth > best.depth || (in.depth == best.depth && len(best.chain) > 0 && best.chain[0] == "") {
					best = in
				}
			}
		}
		if best.depth < 0 {
			best = result{0, nil}
		}
		r := best
		if c.Type == "SB_LUT4" {
			r = result{best.depth + 1, append(append([]string(nil), best.chain...), names[b])}
		}
		memo[b] = r
		return r, nil
	}
	var out []Endpoint
	for _, c := range m.Cells {
		if !strings.HasPrefix(c.Type, "SB_DFF") {
			continue
		}
		q := ""
		for _, r := range c.Connections["Q"] {
			q = names[bit(r)]
		}
		for _, p := range []string{"D", "E", "R", "S"} {
			for _, r := range c.Connections[p] {
				res, err := walk(bit(r))
				if err != nil {
					return nil, err
				}
				if res.depth >= min {
					out = append(out, Endpoint{Reg: q, Pin: p, Depth: res.depth, Chain: res.chain})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Depth != out[j].Depth {
			return out[i].Depth > out[j].Depth
		}
		return out[i].Reg+out[i].Pin < out[j].Reg+out[j].Pin
	})
	return out, nil
}

// better says whether net name a describes a bit better than b (see LUTDepth): a public name
// (no leading $), then a register's (rtl/ names registers *_q: "u_txf.s_q" rather than the
// ports it passes through, "x_waddr" or "u_crc.crc_i"), then the shorter.
func better(a, b string) bool {
	if pa, pb := !strings.HasPrefix(a, "$"), !strings.HasPrefix(b, "$"); pa != pb {
		return pa
	}
	if qa, qb := isReg(a), isReg(b); qa != qb {
		return qa
	}
	return len(a) < len(b)
}

func isReg(name string) bool {
	name, _, _ = strings.Cut(name, "[")
	return strings.HasSuffix(name, "_q")
}
