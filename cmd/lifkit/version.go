package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print lifkit's version and the file format versions it reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "lifkit %s (%s %s/%s)\nnetwork file version %d, input file version %d, semantics docs/semantics.md\n",
				version, runtime.Version(), runtime.GOOS, runtime.GOARCH, netfile.Version, inputfile.Version)
			return nil
		},
	}
}
