// Command lifkit-train runs the train and eval commands on their own, until the lead wires
// traincmd into cmd/lifkit: go run ./cmd/lifkit/traincmd/lifkit-train train --help
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/cmd/lifkit/traincmd"
)

func main() {
	root := &cobra.Command{Use: "lifkit", SilenceUsage: true}
	root.AddCommand(traincmd.NewTrainCommand(), traincmd.NewEvalCommand(), traincmd.NewDemoCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "lifkit:", err)
		os.Exit(1)
	}
}
