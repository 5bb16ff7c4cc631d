package buildcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/bitstream"
	"github.com/lifkit/lifkit/bitstream/board"
	"github.com/lifkit/lifkit/bitstream/toolchain"
	"github.com/lifkit/lifkit/sim/netfile"
)

func loadBoards(file string) (*board.Database, error) {
	if file == "" {
		file = os.Getenv("LIFKIT_BOARDS")
	}
	return board.Load(file)
}

// NewBoardsCommand returns `lifkit boards`.
func NewBoardsCommand() *cobra.Command {
	var file string
	var asJSON, verbose bool
	cmd := &cobra.Command{
		Use:   "boards",
		Short: "List the boards lifkit builds bitstreams for",
		Long: `List the board database: FPGA, package, clock, host-link UART pins, how the board is
programmed and its USB IDs. Add or override boards with a YAML file of the same layout as
bitstream/board/boards.yaml (--boards FILE or LIFKIT_BOARDS=FILE). ORIGIN says whether a
board is built in or comes from a user file; --verbose adds, per board, the published
constraint files its pins were checked against and the facts no file confirms.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := loadBoards(file)
			if err != nil {
				return err
			}
			return printBoards(cmd.OutOrStdout(), db, asJSON, verbose)
		},
	}
	cmd.Flags().StringVar(&file, "boards", "", "extra board file (YAML), overrides boards of the same name")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the database as JSON")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print where each board's pins were checked, and what is unverified")
	return cmd
}

func printBoards(w io.Writer, db *board.Database, asJSON, verbose bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(db.All())
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BOARD\tFPGA\tPACKAGE\tCLOCK\tUART RX/TX\tPROGRAM\tUSB\tORIGIN")
	for _, b := range db.All() {
		var ids []string
		for _, u := range b.USB {
			ids = append(ids, u.VID+":"+u.PID)
		}
		if len(ids) == 0 {
			ids = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%g MHz @%s\t%s/%s\t%s\t%s\t%s\n", b.Name, b.DeviceInfo().Part, b.Package,
			b.Clock.MHz, b.Clock.Pin, b.UART.RX, b.UART.TX, b.Program.Tool, strings.Join(ids, ","), b.Source)
	}
	if err := tw.Flush(); err != nil || !verbose {
		return err
	}
	for _, b := range db.All() {
		fmt.Fprintf(w, "\n%s: pins checked against\n", b.Name)
		if len(b.PinSources) == 0 {
			fmt.Fprintln(w, "  (no source recorded)")
		}
		for _, c := range b.PinSources {
			fmt.Fprintf(w, "  %s\n", c)
		}
		if len(b.Unverified) > 0 {
			fmt.Fprintf(w, "  unverified: %s\n", strings.Join(b.Unverified, ", "))
		}
	}
	return nil
}

type buildFlags struct {
	board, boards, net, core, out, cacheDir string
	freq                                    float64
	seed, seeds, weightBits, stateBits      int
	lanes                                   int
	noCache, placeholder, bringup, bake     bool
	quiet                                   bool
}

// NewBuildCommand returns `lifkit build`.
func NewBuildCommand() *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build --board BOARD [--net FILE | --core 784-128-10] [--freq MHZ] [--seed N] [--seeds K] [--lanes N]",
		Short: "Build a bitstream for a board, with a JSON report and a readable summary",
		Long: `Build a bitstream: size the core for the network (--net) or a core configuration
(--core, sizes joined by dashes), refuse before synthesis a network that does not fit the
board (saying what does), generate the top level with the PLL and the pin constraints, run
Yosys, nextpnr and the packer, check the packed file and the timing, and write
OUT/BOARD.bin (iCE40) or OUT/BOARD.bit (ECP5) atomically beside BOARD.report.json and
BOARD.summary.txt. Builds are cached by the hash of their inputs.

Tools: yosys, nextpnr-ice40 / nextpnr-ecp5, icepack / ecppack from PATH, else their YoWASP
builds (scripts/yowasp.sh installs them); YOSYS, NEXTPNR_ICE40, NEXTPNR_ECP5, ICEPACK and
ECPPACK override.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SilenceUsage = true // from here on, errors are about the build, not the command line
			return runBuild(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.board, "board", "", "board name (lifkit boards lists them)")
	fl.StringVar(&f.boards, "boards", "", "extra board file (YAML)")
	fl.StringVar(&f.net, "net", "", "network file to size the core for")
	fl.StringVar(&f.core, "core", "", "core configuration: input and layer sizes joined by dashes, e.g. 784-128-10")
	fl.IntVar(&f.weightBits, "weight-bits", 8, "weight bits of every layer for --core")
	fl.IntVar(&f.stateBits, "state-bits", 16, "state bits of every layer for --core")
	fl.Float64Var(&f.freq, "freq", 0, "core clock target in MHz (default 50 on iCE40, 100 on ECP5)")
	fl.IntVar(&f.seed, "seed", 1, "nextpnr placement seed")
	fl.IntVar(&f.seeds, "seeds", 1, "placement seeds to try, from --seed on: the first that meets timing wins, else the fastest")
	fl.IntVar(&f.lanes, "lanes", 0, "synaptic lanes of the core (weights read per clock); fewer lanes take less logic and place faster, more give more synaptic operations per clock (0: the most whose memories fit)")
	fl.StringVar(&f.out, "out", filepath.Join("build", "bitstreams"), "output directory")
	fl.StringVar(&f.cacheDir, "cache-dir", bitstream.DefaultCacheDir(), "build cache directory")
	fl.BoolVar(&f.noCache, "no-cache", false, "always run the tools")
	fl.BoolVar(&f.placeholder, "placeholder", false, "build the flow's stand-in top (UART echo + LEDs) instead of lif_core")
	fl.BoolVar(&f.bringup, "bringup", false, "build lif_core behind the bring-up UART bridge (bitstream/hdl) instead of rtl/top's host link")
	fl.BoolVar(&f.bake, "bake", false, "put the --net network's weights and parameters into block RAM initialisation, so the board runs it at power-up with no load (not with SPRAM weights)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress lines")
	return cmd
}

func runBuild(ctx context.Context, stdout, stderr io.Writer, f buildFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.board == "" {
		return errors.New("build: --board is required (lifkit boards lists them)")
	}
	if f.net != "" && f.core != "" {
		return errors.New("build: give --net or --core, not both")
	}
	db, err := loadBoards(f.boards)
	if err != nil {
		return err
	}
	b, err := db.Lookup(f.board)
	if err != nil {
		return err
	}
	if f.seeds < 1 || f.seeds > 100 {
		return fmt.Errorf("build: --seeds %d: give 1 to 100 placement seeds", f.seeds)
	}
	o := bitstream.Options{Board: b, MHz: f.freq, Seed: f.seed, Seeds: f.seeds, Lanes: f.lanes, OutDir: f.out}
	if !f.noCache {
		o.CacheDir = f.cacheDir
	}
	if f.bake && f.net == "" {
		return errors.New("build: --bake needs --net FILE: it puts that network's weights and parameters into the bitstream")
	}
	switch {
	case f.net != "":
		n, err := netfile.Load(f.net)
		if err != nil {
			return err
		}
		s := bitstream.ShapeOf(n)
		o.Shape = &s
		if f.bake {
			o.Bake = n
		}
	case f.core != "":
		s, err := bitstream.ParseShape(f.core, f.weightBits, f.stateBits)
		if err != nil {
			return err
		}
		o.Shape = &s
	}
	root := toolchain.ModuleRoot()
	var d bitstream.Design
	switch {
	case f.placeholder && f.bake:
		return errors.New("build: --bake needs the lifkit core: drop --placeholder")
	case f.placeholder && f.bringup:
		return errors.New("build: give --placeholder or --bringup, not both")
	case f.placeholder:
		d, err = bitstream.PlaceholderDesign(root)
	case o.Shape == nil:
		return errors.New("build: give --net FILE or --core SIZES to size the core (or --placeholder for the flow's stand-in top)")
	case f.bringup:
		d, err = bitstream.BringupDesign(root)
	default:
		d, err = bitstream.TopDesign(root, b.Family)
	}
	if err != nil {
		return err
	}
	o.Design = d
	if !f.quiet {
		o.Progress = func(e bitstream.Event) {
			if e.Done {
				fmt.Fprintf(stderr, "[%d/%d] %-8s done in %.1f s\n", e.Index, e.Total, e.Stage, e.Elapsed.Seconds())
			} else {
				fmt.Fprintf(stderr, "[%d/%d] %-8s ...\n", e.Index, e.Total, e.Stage)
			}
		}
	}
	rep, err := bitstream.Build(ctx, o)
	if rep != nil {
		fmt.Fprint(stdout, rep.Text())
	}
	return err
}
