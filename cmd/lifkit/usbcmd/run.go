package usbcmd

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/serial"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
)

// NewRunCommand returns `lifkit run`.
func NewRunCommand() *cobra.Command {
	return newRunCommand(openLibusb, func(path string, baud int) (hostdrv.Transport, error) {
		return serial.OpenDevice(path, baud)
	})
}

// DeviceOpener opens a kernel serial device as a transport.
type DeviceOpener func(path string, baud int) (hostdrv.Transport, error)

func newRunCommand(open Opener, openDev DeviceOpener) *cobra.Command {
	var (
		board, netPath, inPath, device string
		compare                        bool
		baud                           int
		timeout                        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "run --board B --net FILE --input FILE",
		Short: "Load a network into a running board and print its answers",
		Long: "Load a network into a board running the lifkit core (flash it first) over its UART, run\n" +
			"every sample of the input file and print the answers. --compare checks each answer\n" +
			"against sim, bit for bit, and fails if any differs. Boards whose UART the kernel drives\n" +
			"(iCESugar, OrangeCrab, ULX3S with ftdi_sio) need --device /dev/ttyACM0 or /dev/ttyUSB0.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if board == "" || netPath == "" || inPath == "" {
				return fmt.Errorf("usbcmd: --board, --net and --input are required")
			}
			b, err := usb.BoardByName(board)
			if err != nil {
				return err
			}
			n, err := netfile.Load(netPath)
			if err != nil {
				return err
			}
			in, err := inputfile.LoadFor(inPath, n.Inputs)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()

			var t hostdrv.Transport
			switch {
			case device != "":
				t, err = openDev(device, baud)
			case b.UARTIntf >= 0:
				t, err = openFTDIUART(ctx, open, b, baud)
			default:
				err = fmt.Errorf("usbcmd: the %s's UART is a serial device the kernel drives; pass --device (candidates: %v)", b.Name, serial.Candidates())
			}
			if err != nil {
				return err
			}
			c, err := hostdrv.Open(ctx, t, hostdrv.Options{})
			if err != nil {
				t.Close()
				return fmt.Errorf("usbcmd: no answer from the lifkit core on the %s (is it flashed with a lifkit build, at %d baud?): %w", b.Name, baud, err)
			}
			defer c.Close()
			if err := hostdrv.CheckFit(n, c.Info()); err != nil {
				return err
			}
			if err := c.LoadNetwork(ctx, n); err != nil {
				return err
			}
			return report(ctx, cmd.OutOrStdout(), c, n, in.Samples, compare)
		},
	}
	f := cmd.Flags()
	f.StringVar(&board, "board", "", "board name (see `lifkit detect`)")
	f.StringVar(&netPath, "net", "", "network file")
	f.StringVar(&inPath, "input", "", "input file")
	f.StringVar(&device, "device", "", "serial device for boards whose UART the kernel drives")
	f.BoolVar(&compare, "compare", false, "check every answer against sim")
	f.IntVar(&baud, "baud", 3_000_000, "UART baud rate of the lifkit core")
	f.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}

func openFTDIUART(ctx context.Context, open Opener, b usb.Board, baud int) (hostdrv.Transport, error) {
	if _, err := ftdi.ChipFor(b.VID, b.PID); err != nil {
		return nil, fmt.Errorf("usbcmd: %s: %w", b.Name, err)
	}
	bus, err := open()
	if err != nil {
		return nil, err
	}
	found, err := usb.FindSupported(bus, b.Name)
	if err != nil {
		bus.Close()
		return nil, err
	}
	dev, err := bus.Open(found[0].Desc)
	if err != nil {
		bus.Close()
		return nil, err
	}
	u, err := serial.OpenFTDI(ctx, dev, b.UARTIntf, baud)
	if err != nil {
		dev.Close()
		bus.Close()
		return nil, err
	}
	return &closer{Transport: u, close: func() { dev.Close(); bus.Close() }}, nil
}

// closer closes the device and bus after the transport.
type closer struct {
	hostdrv.Transport
	close func()
}

func (c *closer) Close() error {
	err := c.Transport.Close()
	c.close()
	return err
}

// report runs every sample and prints one line each, and a summary.
func report(ctx context.Context, w io.Writer, c *hostdrv.Client, n *sim.Network, samples []sim.Sample, compare bool) error {
	agree, correct, labelled := 0, 0, 0
	for i, s := range samples {
		r, err := c.Infer(ctx, s)
		if err != nil {
			return fmt.Errorf("usbcmd: sample %d: %w", i, err)
		}
		line := fmt.Sprintf("sample %d: prediction %d outputs %v", i, r.Prediction, r.Outputs)
		if s.Label >= 0 {
			labelled++
			if r.Prediction == s.Label {
				correct++
			}
			line += fmt.Sprintf(" label %d", s.Label)
		}
		if compare {
			want, err := sim.Run(n, s, sim.Options{})
			if err != nil {
				return fmt.Errorf("usbcmd: sample %d: %w", i, err)
			}
			if r.Agrees(n, want) {
				agree++
				line += "  = sim"
			} else {
				line += fmt.Sprintf("  DIFFERS from sim (prediction %d)", want.Prediction)
			}
		}
		fmt.Fprintln(w, line)
	}
	if labelled > 0 {
		fmt.Fprintf(w, "accuracy %d/%d (%.1f%%)\n", correct, labelled, 100*float64(correct)/float64(labelled))
	}
	if compare {
		fmt.Fprintf(w, "%d/%d answers agree with sim\n", agree, len(samples))
		if agree != len(samples) {
			return fmt.Errorf("usbcmd: %d of %d answers differ from sim", len(samples)-agree, len(samples))
		}
	}
	return nil
}
