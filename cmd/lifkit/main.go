// Command lifkit carries a spiking neural network from data to a running iCE40 or ECP5 board:
// train, simulate bit-exactly, generate and prove the RTL, build bitstreams, flash and run.
// Run `lifkit --help` for the commands.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at build time: go build -ldflags "-X main.version=$(git describe --always)".
var version = "dev"

// usageError marks a mistake in the command line (exit status 2) rather than in the data.
type usageError struct{ error }

func main() {
	root := newRoot()
	if err := root.Execute(); err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		fmt.Fprintln(os.Stderr, "lifkit: "+msg)
		var ue usageError
		if errors.As(err, &ue) || isFlagError(err) {
			fmt.Fprintln(os.Stderr, "Run 'lifkit --help' for usage.")
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func isFlagError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.HasPrefix(s, "unknown shorthand flag") || strings.Contains(s, "flag needs an argument") ||
		strings.HasPrefix(s, "required flag") || strings.HasPrefix(s, "invalid argument") ||
		strings.HasPrefix(s, "accepts ")
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "lifkit",
		Short: "Spiking neural networks from data to open FPGAs, bit-exact",
		Long: `lifkit trains leaky integrate-and-fire networks in Go, simulates them bit-exactly
(docs/semantics.md), proves the Verilog equal to the Go model, builds bitstreams with
Yosys/nextpnr for iCE40 and ECP5 boards, and flashes and runs them over USB.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newVersionCmd(), newSimCmd(), newNetCmd())
	for _, c := range extraCommands() {
		root.AddCommand(c)
	}
	return root
}
