// Package linkcmd holds the lifkit commands of the host link: `cosim` runs the hostdrv client
// against the Verilator model of a whole board and compares every answer with sim.
//
// # Invariants
//
// cosim exits non-zero when any answer differs from sim; it starts one simulation process and
// ends it before returning.
package linkcmd

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/testbench/cosim"
)

// NewCosimCommand returns `lifkit cosim --net FILE --input FILE`.
func NewCosimCommand() *cobra.Command {
	var netPath, inPath, family string
	var baud, limit int
	var noise float64
	cmd := &cobra.Command{
		Use:   "cosim --net FILE --input FILE",
		Short: "Answer samples through the co-simulated board (RTL + UART link) and compare with sim",
		Long: `cosim builds (once, cached under build/) a Verilator model of the whole board top level:
lif_core and the host link with its UART at bit level. It loads the network through the hostdrv
client exactly as on a real board (docs/protocol.md), answers every sample, compares each answer
with sim, and prints core clocks, link bytes and the latency table per board family.
--noise drops and flips that fraction of bytes on both directions (the answers must still agree).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if netPath == "" || inPath == "" {
				return fmt.Errorf("cosim needs --net FILE and --input FILE")
			}
			n, err := netfile.Load(netPath)
			if err != nil {
				return err
			}
			in, err := inputfile.LoadFor(inPath, n.Inputs)
			if err != nil {
				return err
			}
			samples := in.Samples
			if limit > 0 && limit < len(samples) {
				samples = samples[:limit]
			}
			cfg := cosim.DefaultConfig()
			cfg.Family = family
			if family == "ecp5" {
				cfg.WSH = 2 // the ECP5 top's window of 4 frames
			}
			if baud > 0 {
				cfg.Baud = baud
			}
			if noise < 0 || noise > 0.05 {
				return fmt.Errorf("--noise must be in 0..0.05 (a fraction of bytes), got %g", noise)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if ctx == nil {
				ctx = context.Background()
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "building the co-simulation if needed (about 30 s the first time)...")
			rep, err := cosim.Compare(ctx, cfg, n, samples, linktest.Noise{Drop: noise, Flip: noise})
			if err != nil {
				return err
			}
			rep.Print(cmd.OutOrStdout())
			if len(rep.Mismatches) > 0 {
				return fmt.Errorf("cosim: %d of %d answers differ from sim", len(rep.Mismatches), rep.Samples)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&netPath, "net", "", "network file (docs/netfile.md)")
	f.StringVar(&inPath, "input", "", "input file (docs/inputfile.md)")
	f.StringVar(&family, "family", "ice40", "board family top level: ice40 or ecp5")
	f.IntVar(&baud, "baud", 0, "UART baud of the simulated link (default 3000000)")
	f.IntVar(&limit, "limit", 0, "answer at most this many samples (0: all)")
	f.Float64Var(&noise, "noise", 0, "fraction of bytes dropped and of bytes flipped, each direction")
	return cmd
}
