package main

import (
	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/cmd/lifkit/buildcmd"
	"github.com/lifkit/lifkit/cmd/lifkit/linkcmd"
	"github.com/lifkit/lifkit/cmd/lifkit/rtlcmd"
	"github.com/lifkit/lifkit/cmd/lifkit/traincmd"
	"github.com/lifkit/lifkit/cmd/lifkit/usbcmd"
)

// extraCommands are the commands of the other areas (training, RTL, host link, bitstreams, USB),
// each defined in its own package under cmd/lifkit.
func extraCommands() []*cobra.Command {
	return []*cobra.Command{
		traincmd.NewTrainCommand(), traincmd.NewEvalCommand(), traincmd.NewDemoCommand(),
		rtlcmd.NewCommand(),
		linkcmd.NewCosimCommand(),
		buildcmd.NewBoardsCommand(), buildcmd.NewBuildCommand(),
		usbcmd.NewDetectCommand(), usbcmd.NewFlashCommand(), usbcmd.NewUdevCommand(), usbcmd.NewRunCommand(), usbcmd.NewDemoCommand(),
	}
}
