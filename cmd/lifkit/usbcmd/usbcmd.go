package usbcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
	"github.com/lifkit/lifkit/hostdrv/usb/libusb"
)

// Opener starts a USB session.
type Opener func() (usb.Bus, error)

func openLibusb() (usb.Bus, error) { return libusb.Open() }

// bitBangRate paces FT231X bit-bang (via its baud-rate generator). The
// exact pin rate a given divisor yields in synchronous bit-bang is not in
// our facts; full-speed USB round trips dominate either way.
const bitBangRate = 1_000_000

// sleep, when set, replaces the flasher's hardware waits (tests).
var sleep func(time.Duration)

func openICE40(ctx context.Context, dev usb.Device, intf, freq int) (*flash.ICE40, error) {
	f, err := flash.OpenICE40(ctx, dev, intf, freq)
	if err == nil && sleep != nil {
		f.Sleep = sleep
	}
	return f, err
}

// NewUdevCommand returns `lifkit udev-rules`.
func NewUdevCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "udev-rules",
		Short: "Print udev rules giving users access to every supported board",
		Long: "Print a udev rules file with one rule per supported board's USB ID. Install it with\n" +
			"  lifkit udev-rules | sudo tee /etc/udev/rules.d/70-lifkit.rules\n" +
			"  sudo udevadm control --reload && sudo udevadm trigger\nand replug the board.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), usb.UdevRules())
			return err
		},
	}
}

// NewDetectCommand returns `lifkit detect`.
func NewDetectCommand() *cobra.Command { return newDetectCommand(openLibusb) }

func newDetectCommand(open Opener) *cobra.Command {
	var probe bool
	cmd := &cobra.Command{
		Use:   "detect",
		Short: "List attached supported boards",
		Long: "List attached boards by USB ID with their product string. With --probe, iCE40 boards\n" +
			"are held in reset briefly to read their SPI flash ID (the FPGA then reboots from flash).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bus, err := open()
			if err != nil {
				return err
			}
			defer bus.Close()
			found, err := usb.FindSupported(bus, "")
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, f := range found {
				line := fmt.Sprintf("%s  %s", f.Desc.ID(), f.Desc.Location())
				dev, err := bus.Open(f.Desc)
				if err != nil {
					fmt.Fprintf(w, "%s  boards: %s  (cannot open: %v)\n", line, boardNames(f.Boards), err)
					continue
				}
				d := dev.Desc()
				fmt.Fprintf(w, "%s  %q serial %q  boards: %s\n", line, d.Product, d.Serial, boardNames(f.Boards))
				if probe {
					for _, l := range probeBoard(cmd.Context(), dev, f.Boards) {
						fmt.Fprintf(w, "    %s\n", l)
					}
				}
				dev.Close()
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&probe, "probe", false, "read the SPI flash ID of iCE40 boards (resets the FPGA)")
	return cmd
}

// probeBoard reads what the board's programming interface can tell:
// the SPI flash of iCE40 boards, the JTAG IDCODE of ECP5 boards, the DFU
// descriptor of bootloaders. The first board that answers wins, and only
// its line is returned; if none answers, every attempt's error is.
func probeBoard(ctx context.Context, dev usb.Device, boards []usb.Board) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var out []string
	// Reading an IDCODE disturbs nothing, so JTAG boards are tried first;
	// the iCE40 probe holds the FPGA in reset while it reads the flash.
	ordered := append([]usb.Board(nil), boards...)
	sort.SliceStable(ordered, func(i, j int) bool {
		return ordered[i].Method == usb.MethodECP5JTAG && ordered[j].Method != usb.MethodECP5JTAG
	})
	for _, b := range ordered {
		switch b.Method {
		case usb.MethodECP5JTAG, usb.MethodECP5Bang:
			var e *flash.ECP5
			var err error
			if b.Method == usb.MethodECP5Bang {
				e, err = flash.OpenECP5BitBang(ctx, dev, b.ProgIntf, ftdi.ULX3SPins, bitBangRate)
			} else {
				e, err = flash.OpenECP5(ctx, dev, b.ProgIntf, 6_000_000)
			}
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", b.Name, err))
				continue
			}
			id, err := e.IDCode(ctx)
			e.Close(ctx)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", b.Name, err))
				continue
			}
			return []string{fmt.Sprintf("fpga: %s (IDCODE 0x%08x)", flash.ECP5IDCodes[id], id)}
		case usb.MethodICE40SPI:
			f, err := openICE40(ctx, dev, b.ProgIntf, flash.DefaultFreq)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", b.Name, err))
				continue
			}
			p, err := f.Identify(ctx)
			f.Close(ctx)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", b.Name, err))
				continue
			}
			return []string{fmt.Sprintf("flash: %s, %d KiB, JEDEC %02x %02x %02x", p.Name, p.Size>>10, p.ID[0], p.ID[1], p.ID[2])}
		case usb.MethodDFU:
			d, err := flash.OpenDFU(ctx, dev, b.ProgIntf, 0)
			if err != nil {
				return append(out, fmt.Sprintf("dfu: %v", err))
			}
			st, err := d.Status(ctx)
			if err != nil {
				return append(out, fmt.Sprintf("dfu: %v", err))
			}
			return append(out, fmt.Sprintf("dfu: transfer size %d, attributes 0x%02x, state %s", d.TransferSize, d.Attributes, flash.DFUStateName(st.State)))
		}
	}
	return out
}

func boardNames(bs []usb.Board) string {
	n := make([]string, len(bs))
	for i, b := range bs {
		n[i] = b.Name
	}
	return strings.Join(n, " | ")
}

// NewFlashCommand returns `lifkit flash`.
func NewFlashCommand() *cobra.Command { return newFlashCommand(openLibusb, true) }

func newFlashCommand(open Opener, bar bool) *cobra.Command {
	var (
		board          string
		sram, noVerify bool
		raw            bool
		freq           int
		timeout        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "flash --board B FILE",
		Short: "Write a bitstream to a board's flash (or its FPGA's SRAM with --sram)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if board == "" {
				return errors.New("usbcmd: --board is required (see `lifkit detect`)")
			}
			b, err := usb.BoardByName(board)
			if err != nil {
				return err
			}
			switch b.Method {
			case usb.MethodICE40SPI, usb.MethodECP5JTAG, usb.MethodECP5Bang, usb.MethodDFU:
			default:
				return fmt.Errorf("usbcmd: flashing %s (%s) is not implemented in lifkit yet; copy the .bin to the iCELink drive for now", b.Name, b.Method)
			}
			if sram && b.Method == usb.MethodDFU {
				return fmt.Errorf("usbcmd: %s is flashed through its DFU bootloader; --sram is not available", b.Name)
			}
			img, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("usbcmd: %w", err)
			}
			bus, err := open()
			if err != nil {
				return err
			}
			defer bus.Close()
			found, err := usb.FindSupported(bus, board)
			if err != nil {
				return err
			}
			if len(found) > 1 {
				return fmt.Errorf("usbcmd: %d devices match %s; unplug the others", len(found), board)
			}
			dev, err := bus.Open(found[0].Desc)
			if err != nil {
				return err
			}
			defer dev.Close()
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			opts := flash.Options{NoVerify: noVerify, Raw: raw, Progress: progress(cmd.ErrOrStderr(), bar)}
			start := time.Now()
			if err := flashBoard(ctx, dev, b, img, sram, opts, freq); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			secs := time.Since(start).Seconds()
			switch {
			case sram:
				fmt.Fprintf(out, "loaded %d bytes into the %s's FPGA in %.1fs; FPGA configured (DONE high)\n", len(img), b.Name, secs)
			case b.Method == usb.MethodDFU:
				fmt.Fprintf(out, "downloaded %d bytes to the %s's bootloader in %.1fs; it manifested the image and rebooted (DFU has no read-back verify)\n", len(img), b.Name, secs)
			default:
				verify := "verified"
				if noVerify {
					verify = "NOT verified (--no-verify)"
				}
				fmt.Fprintf(out, "flashed %d bytes to the %s's flash in %.1fs, %s; FPGA configured (DONE high)\n", len(img), b.Name, secs, verify)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&board, "board", "", "board name (icebreaker, upduino3, ulx3s-85f, orangecrab-25f, ecp5-evn; see `lifkit detect`, ...)")
	cmd.Flags().BoolVar(&sram, "sram", false, "configure the FPGA's SRAM only (lost at power-off)")
	cmd.Flags().BoolVar(&noVerify, "no-verify", false, "skip the read-back verify")
	cmd.Flags().BoolVar(&raw, "raw", false, "write a file that is not an iCE40 bitstream")
	cmd.Flags().IntVar(&freq, "freq", flash.DefaultFreq, "SPI clock in Hz")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "give up after this long")
	return cmd
}

// flashBoard runs the board's programming method.
func flashBoard(ctx context.Context, dev usb.Device, b usb.Board, img []byte, sram bool, opts flash.Options, freq int) error {
	switch b.Method {
	case usb.MethodICE40SPI:
		f, err := openICE40(ctx, dev, b.ProgIntf, freq)
		if err != nil {
			return err
		}
		defer f.Close(ctx)
		if sram {
			return f.LoadSRAM(ctx, img, opts)
		}
		return f.Program(ctx, img, opts)
	case usb.MethodECP5JTAG, usb.MethodECP5Bang:
		var e *flash.ECP5
		var err error
		if b.Method == usb.MethodECP5Bang {
			e, err = flash.OpenECP5BitBang(ctx, dev, b.ProgIntf, ftdi.ULX3SPins, bitBangRate)
		} else {
			e, err = flash.OpenECP5(ctx, dev, b.ProgIntf, freq)
		}
		if err != nil {
			return err
		}
		if sleep != nil {
			e.Sleep = sleep
		}
		defer e.Close(ctx)
		if err := checkPart(ctx, e, b); err != nil {
			return err
		}
		if sram {
			return e.LoadSRAM(ctx, img, opts)
		}
		return e.ProgramFlash(ctx, img, opts)
	case usb.MethodDFU:
		var err error
		if strings.HasPrefix(b.FPGA, "iCE40") {
			err = flash.CheckICE40Image(img)
		} else {
			err = flash.CheckECP5Image(img, 0)
		}
		if err != nil && !opts.Raw {
			return err
		}
		d, err := flash.OpenDFU(ctx, dev, b.ProgIntf, 0)
		if err != nil {
			return err
		}
		if sleep != nil {
			d.Sleep = sleep
		}
		return d.Download(ctx, img, opts.Progress)
	}
	return fmt.Errorf("usbcmd: no programmer for %s", b.Method)
}

// checkPart reads the IDCODE and checks it is the part the board database
// says the board carries, suggesting the right --board if another matches.
func checkPart(ctx context.Context, e *flash.ECP5, b usb.Board) error {
	id, err := e.IDCode(ctx)
	if err != nil {
		return err
	}
	got := flash.ECP5IDCodes[id]
	if got == b.FPGA {
		return nil
	}
	hint := ""
	for _, o := range usb.BoardsFor(b.VID, b.PID) {
		if o.FPGA == got {
			hint = fmt.Sprintf("; use --board %s", o.Name)
		}
	}
	return fmt.Errorf("usbcmd: --board %s has an %s, but the JTAG chain has an %s (IDCODE 0x%08x)%s", b.Name, b.FPGA, got, id, hint)
}

// progress returns a Progress that draws one bar per stage (bytes, rate,
// ETA) on w, or reports nothing when bar is false.
func progress(w io.Writer, bar bool) flash.Progress {
	if !bar {
		return nil
	}
	var cur *progressbar.ProgressBar
	var stage string
	return func(s string, done, total int) {
		if s != stage || cur == nil {
			if cur != nil {
				cur.Finish()
				fmt.Fprintln(w)
			}
			stage = s
			cur = progressbar.NewOptions64(int64(total),
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(fmt.Sprintf("%-6s", s)),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond))
		}
		cur.Set64(int64(done))
		if done >= total {
			cur.Finish()
			fmt.Fprintln(w)
			cur = nil
		}
	}
}
