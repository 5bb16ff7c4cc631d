package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/netfile"
)

func newNetCmd() *cobra.Command {
	net := &cobra.Command{Use: "net", Short: "Inspect network files", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	net.AddCommand(&cobra.Command{
		Use:   "inspect FILE",
		Short: "Validate a network file and print its structure, parameters and weight statistics",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := netfile.Load(args[0])
			if err != nil {
				return err
			}
			inspect(cmd.OutOrStdout(), args[0], n)
			return nil
		},
	})
	return net
}

// inspect prints what a user checks before putting a network on a board.
func inspect(w io.Writer, path string, n *sim.Network) {
	name := n.Name
	if name == "" {
		name = "(unnamed)"
	}
	fmt.Fprintf(w, "%s: network %s, valid\n", path, name)
	fmt.Fprintf(w, "structure: %s\npredict:   %s\nencoder:   LFSR seed 0x%08x\n\n", describe(n), n.Predict, n.EncoderSeed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\tkind\tsize\tstate\tweights\tshift\tcurrent leak\tmembrane leak\tthreshold\treset\trefractory\trecurrent\t")
	total, bits := 0, 0
	for i := range n.Layers {
		l := &n.Layers[i]
		th, reset, ref := "-", "-", "-"
		if l.Kind == sim.LIF {
			th, reset, ref = fmt.Sprint(l.Threshold), string(l.Reset), fmt.Sprint(l.Refractory)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d bit\t%d bit\t%d\t%s\t%s\t%s\t%s\t%s\t%v\t\n", i, l.Kind, l.Size, l.StateBits, l.WeightBits,
			l.WeightShift, leak(l.CurrentLeak), leak(l.MembraneLeak), th, reset, ref, l.Recurrent())
		k := len(l.W) + len(l.R)
		total += k
		bits += k * l.WeightBits
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\tweights\tmin\tmax\tmean\tzero\tat min or max\t")
	for i := range n.Layers {
		l := &n.Layers[i]
		all := append(append([]int8(nil), l.W...), l.R...)
		lo, hi := int8(-1<<(l.WeightBits-1)), int8(1<<(l.WeightBits-1)-1)
		mn, mx, s, zero, edge := all[0], all[0], 0, 0, 0
		for _, v := range all {
			mn, mx, s = min(mn, v), max(mx, v), s+int(v)
			if v == 0 {
				zero++
			}
			if v == lo || v == hi {
				edge++
			}
		}
		f := float64(len(all))
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.2f\t%.1f %%\t%.1f %%\t\n", i, len(all), mn, mx, float64(s)/f, 100*float64(zero)/f, 100*float64(edge)/f)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ntotal: %d weights, %d bits packed (%.1f KiB)\n", total, bits, float64(bits)/8192)
}

// leak shows a 12-bit leak with its retained fraction and, where it is one, the shift it equals.
func leak(l int) string {
	s := fmt.Sprintf("%d (x%.4f)", l, 1-float64(l)/4096)
	for k := 1; k <= 12; k++ {
		if l == 1<<(12-k) {
			s = fmt.Sprintf("%d (x-x>>%d)", l, k)
		}
	}
	return s
}
