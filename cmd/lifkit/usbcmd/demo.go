package usbcmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/bitstream"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// NewDemoCommand returns `lifkit board-demo`, the USB half of `make demo`:
// with no supported board attached it says so and prints the commands it
// would run; with one attached it flashes the bitstream for that board
// and runs the demo network with --compare, unless the build report beside
// the bitstream says it has no host link (a --bringup build): then it says so.
func NewDemoCommand() *cobra.Command {
	return newDemoCommand(openLibusb, NewFlashCommand, NewRunCommand)
}

func newDemoCommand(open Opener, flashCmd, runCmd func() *cobra.Command) *cobra.Command {
	var board, bit, netPath, inPath string
	cmd := &cobra.Command{
		Use:   "board-demo --bitstream FILE --net FILE --input FILE [--board B]",
		Short: "Flash and run the demo network on an attached board, or show how",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			bus, err := open()
			if err != nil {
				return err
			}
			found, ferr := usb.FindSupported(bus, board)
			bus.Close()
			name := board
			ambiguous := false
			if ferr == nil && name == "" {
				name = found[0].Boards[0].Name
				ambiguous = len(found[0].Boards) > 1
			}
			if name == "" {
				name = "icebreaker"
			}
			flashArgs := []string{"--board", name, bit}
			runArgs := []string{"--board", name, "--net", netPath, "--input", inPath, "--compare"}
			rep, haveRep := readReport(bit)
			noLink := haveRep && !rep.HostLink
			if errors.Is(ferr, usb.ErrNoBoard) {
				fmt.Fprintf(w, "no supported board attached (USB IDs %v); with one plugged in, the demo runs:\n", usb.SupportedIDs())
				fmt.Fprintf(w, "  lifkit flash %s\n", join(flashArgs))
				if noLink {
					fmt.Fprintf(w, "and stops there: %s\n", noLinkReason(bit, rep, netPath)) // a --bringup build
				} else {
					fmt.Fprintf(w, "  lifkit run %s\n", join(runArgs))
				}
				return nil
			}
			if ferr != nil {
				return ferr
			}
			if ambiguous {
				var names []string
				for _, b := range found[0].Boards {
					names = append(names, b.Name)
				}
				fmt.Fprintf(w, "found %s, which may be %s; name it to run the demo, e.g.:\n  lifkit board-demo --board %s --bitstream %s --net %s --input %s\n",
					found[0].Desc.ID(), strings.Join(names, ", "), names[len(names)-1], bit, netPath, inPath)
				return nil
			}
			fmt.Fprintf(w, "board %s found at %s: lifkit flash %s\n", name, found[0].Desc.Location(), join(flashArgs))
			f := flashCmd()
			f.SetArgs(flashArgs)
			f.SetOut(w)
			f.SetErr(cmd.ErrOrStderr())
			if err := f.ExecuteContext(cmd.Context()); err != nil {
				return err
			}
			if noLink {
				fmt.Fprintln(w, noLinkReason(bit, rep, netPath))
				return nil
			}
			fmt.Fprintf(w, "lifkit run %s\n", join(runArgs))
			r := runCmd()
			r.SetArgs(runArgs)
			r.SetOut(w)
			r.SetErr(cmd.ErrOrStderr())
			return r.ExecuteContext(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&board, "board", "", "board name (default: the first supported board attached)")
	f.StringVar(&bit, "bitstream", "build/demo.bin", "bitstream for the board")
	f.StringVar(&netPath, "net", "", "demo network file")
	f.StringVar(&inPath, "input", "", "demo input file")
	return cmd
}

func join(args []string) string { return strings.Join(args, " ") }

// noLinkReason says why a bitstream without the host link cannot run the network.
func noLinkReason(bit string, rep bitstream.Report, netPath string) string {
	return fmt.Sprintf("%s carries %s, which does not speak the host link, so `lifkit run` cannot drive it; build one with the link for a board where it fits (docs/bitstreams.md: rtl/top is larger than the UP5K today), e.g. lifkit build --board ice40-hx8k --net %s",
		bit, rep.Design, netPath)
}

// readReport reads the build report `lifkit build` writes beside a bitstream (FILE.report.json
// for FILE.bin or FILE.bit); ok is false when there is none or it does not parse.
func readReport(bit string) (bitstream.Report, bool) {
	var r bitstream.Report
	data, err := os.ReadFile(strings.TrimSuffix(bit, filepath.Ext(bit)) + ".report.json")
	if err != nil || json.Unmarshal(data, &r) != nil {
		return r, false
	}
	return r, true
}
