package main

import "github.com/spf13/cobra"

// extraCommands are the commands of the other areas (training, RTL, host link, bitstreams, USB),
// each defined in its own package under cmd/lifkit.
func extraCommands() []*cobra.Command {
	return nil
}
