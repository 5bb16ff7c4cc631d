package bitstream

import (
	"fmt"
	"math"
	"strings"
)

// Path is nextpnr's critical path of one clock domain, summarised for the report: where it
// starts and ends, how long it is, how much of that is logic and how much routing, and the RTL
// lines its nets come from, so a user who misses timing knows where to look.
type Path struct {
	Clock     string   `json:"clock"` // the launching clock edge, e.g. "posedge $glbnet$clk"
	From      string   `json:"from"`  // start cell and port, e.g. "u_top.u_core.u_acc.mem.DOB9"
	To        string   `json:"to"`    // end cell and port
	Ns        float64  `json:"ns"`    // total delay including clock-to-q and setup
	LogicNs   float64  `json:"logic_ns"`
	RoutingNs float64  `json:"routing_ns"`
	Levels    int      `json:"levels"`            // logic cells the path goes through
	Sources   []string `json:"sources,omitempty"` // design source lines of the path's nets, in path order ("link_ram.v:21"); nextpnr 0.4 gives none
}

// nextpnrPath is one entry of the critical_paths list in nextpnr's --report JSON.
type nextpnrPath struct {
	From string `json:"from"`
	To   string `json:"to"`
	Path []struct {
		Type  string  `json:"type"` // clk-to-q, source, logic, routing, setup
		Delay float64 `json:"delay"`
		From  struct {
			Cell string `json:"cell"`
			Port string `json:"port"`
		} `json:"from"`
		To struct {
			Cell string `json:"cell"`
			Port string `json:"port"`
		} `json:"to"`
		Sources []string `json:"sources"`
	} `json:"path"`
}

// maxSources bounds the RTL lines kept per path.
const maxSources = 6

// criticalPaths summarises nextpnr's register-to-register critical paths (paths from or to
// I/O, "<async>", are left out: they are not what limits fmax). nextpnr adds clock-to-q and
// setup to the logic time, as its log's "ns logic" line does.
func criticalPaths(in []nextpnrPath) []Path {
	var out []Path
	for _, cp := range in {
		if strings.Contains(cp.From, "<async>") || strings.Contains(cp.To, "<async>") || len(cp.Path) == 0 {
			continue
		}
		p := Path{Clock: cp.From}
		first, last := cp.Path[0], cp.Path[len(cp.Path)-1]
		// The clock-to-q step's "to" is the launching register's output (nextpnr 0.4 puts
		// another cell in its "from").
		p.From = first.To.Cell + "." + first.To.Port
		p.To = last.To.Cell + "." + last.To.Port
		seen := map[string]bool{}
		for _, seg := range cp.Path {
			p.Ns += seg.Delay
			switch seg.Type {
			case "routing":
				p.RoutingNs += seg.Delay
			case "logic":
				p.LogicNs += seg.Delay
				p.Levels++
			default: // clk-to-q, source, setup
				p.LogicNs += seg.Delay
			}
			for _, s := range seg.Sources {
				if !designSource(s) {
					continue
				}
				s = shortSource(s)
				if seen[s] || len(p.Sources) >= maxSources {
					continue
				}
				seen[s] = true
				p.Sources = append(p.Sources, s)
			}
		}
		p.Ns, p.LogicNs, p.RoutingNs = round3(p.Ns), round3(p.LogicNs), round3(p.RoutingNs)
		out = append(out, p)
	}
	return out
}

// designSource is true for a line of the design's own sources: not the tools' cell libraries
// (…/share/yosys/…) and not the generated board wrapper, which is on every path.
func designSource(s string) bool {
	return !strings.Contains(s, "/share/") && !strings.HasPrefix(s, WrapperTop+".v")
}

// shortSource turns Yosys's "src/link_ram.v:21.26-21.33" (file:line.col-line.col, in the
// build's copy of the sources) into "link_ram.v:21".
func shortSource(s string) string {
	s = strings.TrimPrefix(s, "src/")
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if j := strings.IndexByte(s[i:], '.'); j > 0 {
			s = s[:i+j]
		}
	}
	return s
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// String is the path in one line for the summary.
func (p Path) String() string {
	s := fmt.Sprintf("%.2f ns (%.2f logic, %.2f routing, %d cells): %s -> %s", p.Ns, p.LogicNs, p.RoutingNs, p.Levels, p.From, p.To)
	if len(p.Sources) > 0 {
		s += "; RTL " + strings.Join(p.Sources, ", ")
	}
	return s
}
