package bitstream

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/lifkit/lifkit/bitstream/toolchain"
)

// Report is what a build writes beside its bitstream as JSON (FILE.report.json).
type Report struct {
	Board       string           `json:"board"`
	Part        string           `json:"part"`
	Package     string           `json:"package"`
	Design      string           `json:"design"`
	Placeholder bool             `json:"placeholder"` // true: the stand-in top, not the lifkit core
	HostLink    bool             `json:"host_link"`   // the bitstream speaks the host link (lifkit run, hostdrv)
	Plan        *Plan            `json:"plan,omitempty"`
	Baked       bool             `json:"baked,omitempty"` // the network's weights and parameters are in the bitstream
	Clock       Clocking         `json:"clock"`
	Seed        int              `json:"seed"`                 // the placement seed of the bitstream
	SeedTries   []SeedTry        `json:"seed_tries,omitempty"` // every seed a sweep placed (Options.Seeds > 1)
	Bitstream   string           `json:"bitstream"`
	SHA256      string           `json:"sha256"`
	Bytes       int64            `json:"bytes"`
	Preamble    string           `json:"preamble"`    // the sync bytes found, hex
	Utilization map[string]Use   `json:"utilization"` // nextpnr's bel counts
	Summary     Resources        `json:"resources"`
	Fmax        map[string]Clock `json:"fmax"`
	TimingMet   bool             `json:"timing_met"`
	Critical    []Path           `json:"critical_paths,omitempty"` // nextpnr's worst register-to-register path per clock
	PeakSOPs    float64          `json:"peak_sop_per_s,omitempty"` // lanes x achieved fmax
	Tools       []ToolVersion    `json:"tools"`
	Stages      []StageTime      `json:"stages"`
	InputHash   string           `json:"input_hash"`
	Cached      bool             `json:"cached"`
	Started     time.Time        `json:"started"`
}

// SeedTry is one placement of a seed sweep: its seed, the slowest clock's fmax in MHz, and
// whether every clock met its target.
type SeedTry struct {
	Seed int     `json:"seed"`
	MHz  float64 `json:"mhz"`
	Met  bool    `json:"met"`
}

// Use is one nextpnr utilization entry.
type Use struct {
	Used      int `json:"used"`
	Available int `json:"available"`
}

// Clock is one nextpnr fmax entry in MHz.
type Clock struct {
	Achieved   float64 `json:"achieved"`
	Constraint float64 `json:"constraint"`
}

// Resources is the utilization in the units users compare across families.
type Resources struct {
	LUT   Use `json:"lut"`   // ICESTORM_LC or TRELLIS_COMB
	FF    Use `json:"ff"`    // ICESTORM_LC with DFF (iCE40 reports LCs only) or TRELLIS_FF
	BRAM  Use `json:"bram"`  // ICESTORM_RAM or DP16KD
	SPRAM Use `json:"spram"` // ICESTORM_SPRAM
	DSP   Use `json:"dsp"`   // ICESTORM_DSP or MULT18X18D
}

// ToolVersion is one tool of the build.
type ToolVersion struct {
	Tool    toolchain.Tool   `json:"tool"`
	Path    string           `json:"path"`
	Source  toolchain.Source `json:"source"`
	Version string           `json:"version"`
}

// StageTime is how long one stage of the flow took.
type StageTime struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// nextpnrReport is the part of nextpnr's --report JSON lifkit reads.
type nextpnrReport struct {
	Utilization   map[string]Use   `json:"utilization"`
	Fmax          map[string]Clock `json:"fmax"`
	CriticalPaths []nextpnrPath    `json:"critical_paths"`
}

func readNextpnrReport(path string) (nextpnrReport, error) {
	var r nextpnrReport
	data, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("bitstream: nextpnr report: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("bitstream: nextpnr report %s: %w", path, err)
	}
	if len(r.Utilization) == 0 {
		return r, fmt.Errorf("bitstream: nextpnr report %s has no utilization", path)
	}
	return r, nil
}

func summarize(u map[string]Use) Resources {
	get := func(names ...string) Use {
		for _, n := range names {
			if v, ok := u[n]; ok {
				return v
			}
		}
		return Use{}
	}
	return Resources{
		LUT:   get("ICESTORM_LC", "TRELLIS_COMB"),
		FF:    get("TRELLIS_FF", "ICESTORM_LC"),
		BRAM:  get("ICESTORM_RAM", "DP16KD"),
		SPRAM: get("ICESTORM_SPRAM"),
		DSP:   get("ICESTORM_DSP", "MULT18X18D"),
	}
}

// TimingError is returned when the placed design misses its clock target. The bitstream and
// the report are still written.
type TimingError struct {
	Clock              string
	Achieved, Required float64
}

func (e *TimingError) Error() string {
	return fmt.Sprintf("bitstream: timing not met: clock %s reaches %.2f MHz, the target is %.2f MHz; lower --freq or try another --seed", e.Clock, e.Achieved, e.Required)
}

// checkTiming returns the worst clock's error, if any clock misses its constraint.
func checkTiming(fmax map[string]Clock) error {
	if len(fmax) == 0 {
		return fmt.Errorf("bitstream: the nextpnr report has no clock: the design has no constrained clock")
	}
	names := make([]string, 0, len(fmax))
	for n := range fmax {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := fmax[n]
		if c.Achieved < c.Constraint {
			return &TimingError{Clock: n, Achieved: c.Achieved, Required: c.Constraint}
		}
	}
	return nil
}

// Text is the readable summary written beside the bitstream (FILE.summary.txt).
func (r *Report) Text() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("lifkit build: %s (%s %s)", r.Board, r.Part, r.Package)
	if r.Placeholder {
		p("design:    %s  ** placeholder top, not the lifkit core **", r.Design)
	} else {
		p("design:    %s", r.Design)
	}
	if r.Plan != nil {
		p("plan:      %s", r.Plan.Describe())
	}
	if r.Baked {
		p("network:   baked into block RAM: the board runs it at power-up, no load needed")
	}
	p("bitstream: %s (%d bytes, sha256 %s, preamble %s)", r.Bitstream, r.Bytes, r.SHA256[:16], r.Preamble)
	if r.Clock.ICE40 != nil || r.Clock.ECP5 != nil {
		p("clock:     board %g MHz -> PLL %.3f MHz (asked %g MHz)", r.Clock.BoardMHz, r.Clock.CoreMHz, r.Clock.WantMHz)
	} else {
		p("clock:     board %g MHz, no PLL", r.Clock.BoardMHz)
	}
	names := make([]string, 0, len(r.Fmax))
	for n := range r.Fmax {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := r.Fmax[n]
		verdict := "met"
		if c.Achieved < c.Constraint {
			verdict = "FAILED"
		}
		p("fmax:      %.2f MHz against %.2f MHz target (%s) on %s", c.Achieved, c.Constraint, verdict, n)
	}
	if len(r.SeedTries) > 1 {
		var tries []string
		for _, t := range r.SeedTries {
			tries = append(tries, fmt.Sprintf("%d: %.2f MHz", t.Seed, t.MHz))
		}
		p("seeds:     %s; kept seed %d", strings.Join(tries, ", "), r.Seed)
	}
	for _, cp := range r.Critical {
		p("critical:  %s", cp)
	}
	if r.PeakSOPs > 0 {
		p("peak:      %.3g synaptic operations/s (%d lanes x fmax)", r.PeakSOPs, r.Plan.Core.Lanes)
	}
	row := func(name string, u Use) {
		if u.Available == 0 {
			return
		}
		p("  %-6s %7d / %-7d %5.1f %%", name, u.Used, u.Available, 100*float64(u.Used)/float64(u.Available))
	}
	p("utilization:")
	if strings.HasPrefix(r.Part, "iCE40") {
		row("LC", r.Summary.LUT)
	} else {
		row("LUT4", r.Summary.LUT)
		row("FF", r.Summary.FF)
	}
	row("BRAM", r.Summary.BRAM)
	row("SPRAM", r.Summary.SPRAM)
	row("DSP", r.Summary.DSP)
	p("tools:")
	for _, t := range r.Tools {
		p("  %-14s %s (%s: %s)", t.Tool, t.Version, t.Source, t.Path)
	}
	var total float64
	var st []string
	for _, s := range r.Stages {
		st = append(st, fmt.Sprintf("%s %.1f s", s.Stage, s.Seconds))
		total += s.Seconds
	}
	p("times:     %s; total %.1f s", strings.Join(st, ", "), total)
	if r.Cached {
		p("cached:    yes (input hash %s)", r.InputHash[:16])
	} else {
		p("input:     hash %s", r.InputHash[:16])
	}
	return b.String()
}
