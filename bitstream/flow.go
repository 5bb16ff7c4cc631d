package bitstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/bitstream/toolchain"
	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/sim"
)

// The baked network's $readmemh images, in the build's working directory (Yosys runs there).
const (
	bakedWeights = "baked_weights.hex"
	bakedParams  = "baked_params.hex"
)

// flowVersion is part of every cache key: bump it when the flow's commands change.
const flowVersion = "lifkit-bitstream-flow-2" // 2: reports carry host_link, critical_paths, seed_tries

// Design is the RTL a build puts on the board: its Verilog files and its top module, which
// must have the ports clk_i, rst_i (synchronous, active high), uart_rx_i, uart_tx_o and,
// when LEDPort is set, an LED output of LEDS bits.
type Design struct {
	Name        string
	Files       []string          // Verilog sources
	Top         string            // module the wrapper instantiates
	Params      map[string]string // fixed parameter overrides, as Verilog literals
	ClockParam  string            // parameter that receives the core clock in Hz ("" = none)
	LEDsParam   string            // parameter that receives the LED count ("" = none)
	LEDPort     string            // LED output port ("" = the wrapper drives the LEDs itself)
	Extra       []Memory          // memories outside lif_core (the host link's), for the fit check
	CoreParams  bool              // pass the sized lif_core parameters (Core.Params)
	Bakeable    bool              // the top passes WMEM_INIT, PRM_INIT and the *_INIT registers to lif_core
	Placeholder bool              // the stand-in top: the report says so
	HostLink    bool              // the top speaks the host link (docs/protocol.md), so hostdrv can drive it
	// MaxLanes caps the lanes Fit chooses on a device (board.Device name) where the design's
	// logic leaves no room for more; Options.Lanes overrides it.
	MaxLanes map[string]int
}

// Runner runs one tool in dir and copies its output to log. The flow's only seam to the
// outside: tests use a fake from bitstreamtest.
type Runner interface {
	Run(ctx context.Context, dir string, log io.Writer, path string, args ...string) error
}

// ExecRunner runs tools as processes.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, dir string, log io.Writer, path string, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	return cmd.Run()
}

// Event is a progress report: stage Index of Total starts (Done false) or ends.
type Event struct {
	Stage        string
	Index, Total int
	Done         bool
	Elapsed      time.Duration
}

// Options is one build.
type Options struct {
	Board  *board.Board
	Design Design
	Shape  *Shape // network or core configuration to size the core for; nil = no core sizing
	// Bake, if set, is built into the bitstream (docs/bitstreams.md, "Baked networks"): its
	// weights and parameters initialise the core's block RAM, so the board runs it without a
	// host loading it. The core is sized for it (Shape is ignored).
	Bake *sim.Network
	MHz  float64 // target core clock; 0 = the family default (iCE40 50 MHz, ECP5 100 MHz)
	Seed int     // nextpnr placement seed
	// Lanes fixes the core's lane count (FitLanes); 0 = the most lanes whose memories fit.
	Lanes int
	// Seeds is how many placement seeds to try, Seed, Seed+1, ...: the first that meets timing
	// wins, else the fastest (a seed sweep). 0 or 1: Seed alone.
	Seeds  int
	OutDir string // where FILE.{bin,bit}, FILE.report.json and FILE.summary.txt go
	Name   string // FILE; default the board name
	// CacheDir holds finished builds by input hash; "" = no cache.
	CacheDir string
	Tools    toolchain.Finder
	Runner   Runner // default ExecRunner
	// ToolVersion reports a tool's version; default toolchain.Version.
	ToolVersion func(context.Context, toolchain.Resolved) (string, error)
	Progress    func(Event) // may be nil
}

// DefaultMHz is the clock target per family when none is given (issue 6: UP5K core with host
// link at least 50 MHz, ECP5 at least 100 MHz).
func DefaultMHz(f board.Family) float64 {
	if f == board.ECP5 {
		return 100
	}
	return 50
}

// ToolError is a tool that ran and failed; Log is the tail of its output.
type ToolError struct {
	Tool    toolchain.Tool
	LogPath string
	Tail    string
	Err     error
}

func (e *ToolError) Error() string {
	return fmt.Sprintf("bitstream: %s failed (%v); full log %s; last lines:\n%s", e.Tool, e.Err, e.LogPath, e.Tail)
}

func (e *ToolError) Unwrap() error { return e.Err }

// Build runs the whole flow and returns the report. The bitstream, FILE.report.json and
// FILE.summary.txt are written atomically to OutDir; when timing fails they are still written
// and the error is a *TimingError.
func Build(ctx context.Context, o Options) (*Report, error) {
	if o.Board == nil {
		return nil, errors.New("bitstream: no board given")
	}
	b := o.Board
	dev := b.DeviceInfo()
	if o.Runner == nil {
		o.Runner = ExecRunner{}
	}
	if o.Name == "" {
		o.Name = b.Name
	}
	if o.ToolVersion == nil {
		o.ToolVersion = toolchain.Version
	}
	if o.MHz == 0 {
		o.MHz = DefaultMHz(b.Family)
	}
	if o.OutDir == "" {
		return nil, errors.New("bitstream: no output directory given")
	}
	rep := &Report{Board: b.Name, Part: dev.Part, Package: b.Package, Design: o.Design.Name, Placeholder: o.Design.Placeholder, HostLink: o.Design.HostLink, Seed: o.Seed, Started: time.Now().UTC()}
	total := 5 + o.seeds() // plan, generate, synth, one pnr per seed, pack, check
	stage := 0
	var stageStart time.Time
	begin := func(name string) {
		stage++
		stageStart = time.Now()
		if o.Progress != nil {
			o.Progress(Event{Stage: name, Index: stage, Total: total})
		}
	}
	end := func(name string) {
		el := time.Since(stageStart)
		rep.Stages = append(rep.Stages, StageTime{Stage: name, Seconds: el.Seconds()})
		if o.Progress != nil {
			o.Progress(Event{Stage: name, Index: stage, Total: total, Done: true, Elapsed: el})
		}
	}

	// 1. Plan: fit check before any tool runs, clock, tools.
	begin("plan")
	params := map[string]string{}
	for k, v := range o.Design.Params {
		params[k] = v
	}
	var img *Image
	if o.Bake != nil {
		if !o.Design.Bakeable || !o.Design.CoreParams {
			return nil, &BakeError{Board: b.Name, Reason: "design " + o.Design.Name + " has no initialisation parameters for lif_core"}
		}
		s := ShapeOf(o.Bake)
		o.Shape = &s
	}
	if o.Shape != nil {
		lanes := laneRule{exact: o.Lanes, most: o.Design.MaxLanes[b.Device]}
		var p Plan
		var err error
		if o.Bake != nil {
			p, err = fitBaked(b, *o.Shape, lanes, o.Design.Extra)
		} else {
			p, err = fitOn(b, b.DeviceInfo(), *o.Shape, lanes, o.Design.Extra, false)
		}
		if err != nil {
			return nil, err
		}
		rep.Plan = &p
		if o.Design.CoreParams {
			for k, v := range p.Core.Params() {
				params[k] = strconv.Itoa(v)
			}
		}
		if o.Bake != nil {
			if img, err = Bake(p.Core, o.Bake); err != nil {
				return nil, err
			}
			params["WMEM_INIT"], params["PRM_INIT"] = `"`+bakedWeights+`"`, `"`+bakedParams+`"`
			params["NLAYERS_INIT"] = strconv.Itoa(img.NumLayers)
			params["NINPUTS_INIT"] = strconv.Itoa(img.NumInputs)
			params["SEED_INIT"] = fmt.Sprintf("32'd%d", img.Seed)
			rep.Baked = true
		}
	}
	clk, err := PlanClock(b, o.MHz)
	if err != nil {
		return nil, err
	}
	rep.Clock = clk
	if o.Design.ClockParam != "" {
		params[o.Design.ClockParam] = strconv.Itoa(int(clk.CoreMHz * 1e6))
	}
	if o.Design.LEDsParam != "" {
		params[o.Design.LEDsParam] = strconv.Itoa(max(1, len(b.LEDs)))
	}
	synthTool, pnrTool, packTool := toolchain.Yosys, toolchain.NextpnrICE40, toolchain.Icepack
	if b.Family == board.ECP5 {
		pnrTool, packTool = toolchain.NextpnrECP5, toolchain.Ecppack
	}
	tools, err := o.Tools.FindAll(synthTool, pnrTool, packTool)
	if err != nil {
		return nil, fmt.Errorf("bitstream: %s needs %s, %s and %s: %w", b.Name, synthTool, pnrTool, packTool, err)
	}
	for _, t := range []toolchain.Tool{synthTool, pnrTool, packTool} {
		r := tools[t]
		v, err := o.ToolVersion(ctx, r)
		if err != nil {
			return nil, err
		}
		rep.Tools = append(rep.Tools, ToolVersion{Tool: t, Path: r.Path, Source: r.Source, Version: v})
	}
	end("plan")

	// 2. Generate: sources, wrapper, constraints; hash the inputs.
	begin("generate")
	wrapper := Wrapper(b, clk, o.Design.Top, o.Design.LEDPort, params)
	cons := Constraints(b)
	consName := "board.pcf"
	if b.Family == board.ECP5 {
		consName = "board.lpf"
	}
	sources := map[string][]byte{}
	var srcNames []string
	for _, f := range o.Design.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("bitstream: design source: %w", err)
		}
		name := filepath.Base(f)
		if _, dup := sources[name]; dup {
			return nil, fmt.Errorf("bitstream: two design sources are named %s", name)
		}
		sources[name] = data
		srcNames = append(srcNames, name)
	}
	sort.Strings(srcNames)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", flowVersion)
	bj, _ := json.Marshal(b)
	h.Write(bj)
	for _, n := range srcNames {
		fmt.Fprintf(h, "\x00src %s %d\x00", n, len(sources[n]))
		h.Write(sources[n])
	}
	fmt.Fprintf(h, "\x00wrapper\x00%s\x00cons\x00%s\x00mhz %g seed %d seeds %d\x00", wrapper, cons, clk.CoreMHz, o.Seed, o.seeds())
	for _, t := range rep.Tools {
		fmt.Fprintf(h, "tool %s %s\x00", t.Tool, t.Version)
	}
	if o.Shape != nil { // the plan is part of the report, so part of the key
		sj, _ := json.Marshal(o.Shape)
		fmt.Fprintf(h, "shape %s\x00", sj)
	}
	if img != nil {
		fmt.Fprintf(h, "bake %d %d\x00", len(img.Weights), len(img.Params))
		h.Write(img.Weights)
		h.Write(img.Params)
	}
	rep.InputHash = hex.EncodeToString(h.Sum(nil))
	ext := ".bin"
	if b.Family == board.ECP5 {
		ext = ".bit"
	}
	outBit := filepath.Join(o.OutDir, o.Name+ext)
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	if o.CacheDir != "" {
		if cached, ok := loadCache(o.CacheDir, rep.InputHash, ext); ok {
			end("generate")
			cached.Cached = true
			cached.Bitstream = outBit
			cached.Started = rep.Started
			if err := writeOutputs(o, cached, outBit, cached.bits); err != nil {
				return nil, err
			}
			if o.Progress != nil {
				o.Progress(Event{Stage: "cached", Index: total, Total: total, Done: true})
			}
			return &cached.Report, checkTiming(cached.Fmax)
		}
	}
	work := filepath.Join(o.OutDir, o.Name+".work")
	if err := os.RemoveAll(work); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(work, "src"), 0o755); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	for _, n := range srcNames {
		if err := os.WriteFile(filepath.Join(work, "src", n), sources[n], 0o644); err != nil {
			return nil, fmt.Errorf("bitstream: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(work, WrapperTop+".v"), []byte(wrapper), 0o644); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	if img != nil {
		if err := os.WriteFile(filepath.Join(work, bakedWeights), img.Weights, 0o644); err != nil {
			return nil, fmt.Errorf("bitstream: %w", err)
		}
		if err := os.WriteFile(filepath.Join(work, bakedParams), img.Params, 0o644); err != nil {
			return nil, fmt.Errorf("bitstream: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(work, consName), []byte(cons), 0o644); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	var ys strings.Builder
	ys.WriteString("# generated by lifkit build\n")
	for _, n := range srcNames {
		fmt.Fprintf(&ys, "read_verilog -defer src/%s\n", n)
	}
	fmt.Fprintf(&ys, "read_verilog -defer %s.v\n", WrapperTop)
	if b.Family == board.ICE40 {
		dsp := ""
		if dev.DSP > 0 {
			dsp = " -dsp"
		}
		fmt.Fprintf(&ys, "synth_ice40 -top %s%s -json design.json\n", WrapperTop, dsp)
	} else {
		fmt.Fprintf(&ys, "synth_ecp5 -top %s -json design.json\n", WrapperTop)
	}
	if err := os.WriteFile(filepath.Join(work, "synth.ys"), []byte(ys.String()), 0o644); err != nil {
		return nil, fmt.Errorf("bitstream: %w", err)
	}
	end("generate")

	run := func(name string, t toolchain.Tool, args ...string) error {
		begin(name)
		logPath := filepath.Join(work, name+".log")
		lf, err := os.Create(logPath)
		if err != nil {
			return fmt.Errorf("bitstream: %w", err)
		}
		err = o.Runner.Run(ctx, work, lf, tools[t].Path, args...)
		lf.Close()
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("bitstream: %s: %w", t, ctx.Err())
			}
			te := &ToolError{Tool: t, LogPath: logPath, Tail: tail(logPath, 15), Err: err}
			if over := overfull(logPath); over != nil {
				over.Log = te
				return over
			}
			return te
		}
		end(name)
		return nil
	}

	// 3-5. Synthesis, place and route, packing; all paths relative to work (YoWASP tools
	// see the working directory).
	if err := run("synth", synthTool, "-q", "-l", "synth.yosys.log", "-s", "synth.ys"); err != nil {
		return nil, err
	}
	freq := strconv.FormatFloat(clk.CoreMHz, 'f', 4, 64)
	packed := "design" + ext
	// Place and route once per seed (Options.Seeds): the first seed that meets timing wins,
	// else the fastest. Each try keeps its own placed design and report.
	var npr nextpnrReport
	best := -1
	for i := 0; i < o.seeds(); i++ {
		seed := o.Seed + i
		placed, report := fmt.Sprintf("design-seed%d%s", seed, placedExt(b.Family)), fmt.Sprintf("pnr-seed%d.json", seed)
		args := []string{"--" + b.Device, "--package", b.Package, "--freq", freq, "--json", "design.json",
			"--report", report, "--seed", strconv.Itoa(seed), "--timing-allow-fail"}
		if b.Family == board.ICE40 {
			// --opt-timing: nextpnr-ice40's pass after placement that moves cells on the
			// critical paths. On rtl/top at 91 % of the UP5K it gained 1.4-2.2 MHz on each of
			// seeds 1-3 (docs/bitstreams.md, "Figures").
			args = append(args, "--pcf", consName, "--asc", placed, "--opt-timing")
		} else {
			args = append(args, "--lpf", consName, "--textcfg", placed)
		}
		name := "pnr"
		if o.seeds() > 1 {
			name = fmt.Sprintf("pnr seed %d", seed)
		}
		if err := run(name, pnrTool, args...); err != nil {
			return nil, err
		}
		r, err := readNextpnrReport(filepath.Join(work, report))
		if err != nil {
			return nil, err
		}
		mhz, met := worstFmax(r.Fmax), checkTiming(r.Fmax) == nil
		rep.SeedTries = append(rep.SeedTries, SeedTry{Seed: seed, MHz: mhz, Met: met})
		if best < 0 || met || mhz > worstFmax(npr.Fmax) {
			best, npr = seed, r
		}
		if met {
			break
		}
	}
	rep.Seed = best
	if len(rep.SeedTries) == 1 {
		rep.SeedTries = nil
	}
	placed := fmt.Sprintf("design-seed%d%s", best, placedExt(b.Family))
	if err := run("pack", packTool, placed, packed); err != nil {
		return nil, err
	}

	// 6. Check: preamble, timing; write outputs and cache.
	begin("check")
	bits, err := os.ReadFile(filepath.Join(work, packed))
	if err != nil {
		return nil, fmt.Errorf("bitstream: %s wrote no %s: %w", packTool, packed, err)
	}
	if rep.Preamble, err = CheckPreamble(b.Family, bits); err != nil {
		return nil, err
	}
	rep.Utilization, rep.Fmax, rep.Critical = npr.Utilization, npr.Fmax, criticalPaths(npr.CriticalPaths)
	rep.Summary = summarize(npr.Utilization)
	timingErr := checkTiming(npr.Fmax)
	rep.TimingMet = timingErr == nil
	if rep.Plan != nil && o.Design.CoreParams {
		rep.PeakSOPs = float64(rep.Plan.Core.Lanes) * worstFmax(npr.Fmax) * 1e6
	}
	sum := sha256.Sum256(bits)
	rep.SHA256, rep.Bytes, rep.Bitstream = hex.EncodeToString(sum[:]), int64(len(bits)), outBit
	end("check")
	c := &cacheEntry{Report: *rep, bits: bits}
	if err := writeOutputs(o, c, outBit, bits); err != nil {
		return nil, err
	}
	if o.CacheDir != "" {
		if err := storeCache(o.CacheDir, c, ext); err != nil {
			return nil, err
		}
	}
	return rep, timingErr
}

func (o Options) seeds() int { return max(1, o.Seeds) }

// placedExt is the file extension of nextpnr's placed and routed design.
func placedExt(f board.Family) string {
	if f == board.ECP5 {
		return ".config"
	}
	return ".asc"
}

// worstFmax is the slowest clock's achieved fmax in MHz (0 with no clock).
func worstFmax(fmax map[string]Clock) float64 {
	worst := 0.0
	for _, c := range fmax {
		if worst == 0 || c.Achieved < worst {
			worst = c.Achieved
		}
	}
	return worst
}

type cacheEntry struct {
	Report
	bits []byte
}

func writeOutputs(o Options, c *cacheEntry, outBit string, bits []byte) error {
	if err := atomicfile.WriteBytes(outBit, bits, 0o644); err != nil {
		return fmt.Errorf("bitstream: write bitstream: %w", err)
	}
	js, err := json.MarshalIndent(&c.Report, "", "  ")
	if err != nil {
		return fmt.Errorf("bitstream: %w", err)
	}
	base := strings.TrimSuffix(outBit, filepath.Ext(outBit))
	if err := atomicfile.WriteBytes(base+".report.json", append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("bitstream: write report: %w", err)
	}
	if err := atomicfile.WriteBytes(base+".summary.txt", []byte(c.Report.Text()), 0o644); err != nil {
		return fmt.Errorf("bitstream: write summary: %w", err)
	}
	return nil
}

func loadCache(dir, key, ext string) (*cacheEntry, bool) {
	d := filepath.Join(dir, key)
	js, err := os.ReadFile(filepath.Join(d, "report.json"))
	if err != nil {
		return nil, false
	}
	bits, err := os.ReadFile(filepath.Join(d, "bitstream"+ext))
	if err != nil {
		return nil, false
	}
	var c cacheEntry
	if json.Unmarshal(js, &c.Report) != nil || c.InputHash != key {
		return nil, false
	}
	sum := sha256.Sum256(bits)
	if hex.EncodeToString(sum[:]) != c.SHA256 {
		return nil, false // a damaged entry is rebuilt, never used
	}
	c.bits = bits
	return &c, true
}

func storeCache(dir string, c *cacheEntry, ext string) error {
	d := filepath.Join(dir, c.InputHash)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return fmt.Errorf("bitstream: cache: %w", err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(d, "bitstream"+ext), c.bits, 0o644); err != nil {
		return fmt.Errorf("bitstream: cache: %w", err)
	}
	js, _ := json.MarshalIndent(&c.Report, "", "  ")
	// The report goes last: an entry without it is ignored.
	if err := atomicfile.WriteBytes(filepath.Join(d, "report.json"), js, 0o644); err != nil {
		return fmt.Errorf("bitstream: cache: %w", err)
	}
	return nil
}

// OverfullError is nextpnr refusing a design that needs more of a resource than the device has
// (its utilisation table above 100 %): the fit check counts memories, not logic.
//
// AtLimit: no resource is above 100 %, but the placer gave up ("Unable to find legal
// placement ... at utilisation limit"); Bel is then the fullest resource.
type OverfullError struct {
	Bel             string
	Used, Available int
	AtLimit         bool
	Log             *ToolError
}

func (e *OverfullError) Error() string {
	if e.AtLimit {
		return fmt.Sprintf("bitstream: the design needs %d of the device's %d %s (%d %%), and nextpnr could not place it that full: pick a larger board, or a smaller network or core (another --seed rarely helps); nextpnr log %s",
			e.Used, e.Available, e.Bel, 100*e.Used/max(1, e.Available), e.Log.LogPath)
	}
	return fmt.Sprintf("bitstream: the design needs %d %s, the device has %d (%d %%): pick a larger board, or a smaller network or core; nextpnr log %s",
		e.Used, e.Bel, e.Available, 100*e.Used/max(1, e.Available), e.Log.LogPath)
}

func (e *OverfullError) Unwrap() error { return e.Log }

var utilLine = regexp.MustCompile(`Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%`)

// overfull finds the first resource nextpnr reports above 100 % in its log, or, when the
// placer gave up at the utilisation limit, the fullest resource.
func overfull(logPath string) *OverfullError {
	data, err := os.ReadFile(logPath)
	if err != nil {
		return nil
	}
	var fullest *OverfullError
	for _, m := range utilLine.FindAllStringSubmatch(string(data), -1) {
		used, _ := strconv.Atoi(m[2])
		avail, _ := strconv.Atoi(m[3])
		if used > avail {
			return &OverfullError{Bel: m[1], Used: used, Available: avail}
		}
		// Hard blocks (SPRAM, block RAM) can be full and still place: logic is what the
		// placer runs out of room for.
		logic := strings.HasSuffix(m[1], "_LC") || m[1] == "TRELLIS_COMB" || m[1] == "TRELLIS_SLICE"
		if logic && avail > 0 {
			if fullest == nil || used*fullest.Available > fullest.Used*avail {
				fullest = &OverfullError{Bel: m[1], Used: used, Available: avail, AtLimit: true}
			}
		}
	}
	if fullest != nil && strings.Contains(string(data), "Unable to find legal placement") {
		return fullest
	}
	return nil
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// DefaultCacheDir is $XDG_CACHE_HOME/lifkit/bitstreams (or the OS equivalent).
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "lifkit", "bitstreams")
}
