// Package rtlcmd holds the lifkit commands of the RTL core (issue 3): `rtl verify` runs a
// network and its samples through the Verilator model of lif_core and checks every neuron's
// state after every step against sim.
//
// # Invariants
//
// verify exits non-zero when any sample's trace differs from sim, and it starts and ends one
// simulator process.
package rtlcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/testbench"
)

// NewCommand returns `lifkit rtl` with its subcommands.
func NewCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rtl",
		Short: "Run networks on the RTL core (Verilator) and compare with sim",
	}
	cmd.AddCommand(NewVerifyCommand())
	return cmd
}

// NewVerifyCommand returns `lifkit rtl verify --net FILE --input FILE`.
func NewVerifyCommand() *cobra.Command {
	var netPath, inPath string
	var lanes, limit int
	cmd := &cobra.Command{
		Use:   "verify --net FILE --input FILE",
		Short: "Run samples through the Verilator model of lif_core and check every step against sim",
		Long: `verify builds (once, cached under build/verilator) the Verilator model of lif_core sized
for the network, loads the network through the core's host port, runs every sample and compares
every neuron's I, V, spike and refractory counter after every step with sim (rule S-18).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if netPath == "" || inPath == "" {
				return fmt.Errorf("rtl verify needs --net FILE and --input FILE")
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
			c := testbench.ConfigFor(n, lanes)
			rep, err := testbench.Verify(c, n, samples)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rtl: %d/%d samples matched sim on every step (%s, %d lanes, %d clocks)\n",
				rep.Matched, rep.Samples, c.Name, c.Lanes, rep.Clocks)
			if rep.FirstError != nil {
				return fmt.Errorf("rtl differs from sim: %w", rep.FirstError)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&netPath, "net", "", "network file")
	cmd.Flags().StringVar(&inPath, "input", "", "input file with samples")
	cmd.Flags().IntVar(&lanes, "lanes", 8, "lanes of the core (1, 2, 4, 8, 16)")
	cmd.Flags().IntVar(&limit, "limit", 0, "run at most this many samples (0: all)")
	return cmd
}
