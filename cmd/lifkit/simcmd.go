package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/inputfile"
	"github.com/lifkit/lifkit/sim/netfile"
)

func newSimCmd() *cobra.Command {
	var netPath, inPath, tracePath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sim --net FILE --input FILE [--trace OUT.csv]",
		Short: "Run samples through the bit-exact integer model and print predictions and spike statistics",
		Long: `sim runs every sample of an input file (docs/inputfile.md) through the network
(docs/netfile.md) with the integer semantics of docs/semantics.md, on all cores, and prints
each sample's prediction and the spike statistics. --trace writes every neuron's current,
membrane, spike and refractory counter after every step as CSV.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if netPath == "" || inPath == "" {
				return usageError{fmt.Errorf("sim needs --net FILE and --input FILE")}
			}
			n, err := netfile.Load(netPath)
			if err != nil {
				return err
			}
			in, err := inputfile.LoadFor(inPath, n.Inputs)
			if err != nil {
				return err
			}
			res, err := sim.RunBatch(n, in.Samples, sim.Options{Trace: tracePath != ""})
			if err != nil {
				return err
			}
			if tracePath != "" {
				if err := atomicfile.Write(tracePath, 0o644, func(w io.Writer) error { return writeTrace(w, res) }); err != nil {
					return fmt.Errorf("writing trace: %w", err)
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, in.Samples, res)
			}
			printSummary(out, n, in.Samples, res, netPath, inPath)
			if tracePath != "" {
				fmt.Fprintf(out, "trace written to %s\n", tracePath)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&netPath, "net", "", "network file (docs/netfile.md)")
	cmd.Flags().StringVar(&inPath, "input", "", "input file (docs/inputfile.md)")
	cmd.Flags().StringVar(&tracePath, "trace", "", "write the full state trace as CSV to this file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per sample instead of the table")
	return cmd
}

func layerName(l *sim.Layer) string { return fmt.Sprintf("%s %d", l.Kind, l.Size) }

// Describe returns "20 -> lif 64 -> readout 10".
func describe(n *sim.Network) string {
	parts := []string{fmt.Sprint(n.Inputs)}
	for i := range n.Layers {
		l := &n.Layers[i]
		s := layerName(l)
		if l.Recurrent() {
			s += " (recurrent)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " -> ")
}

func printSummary(w io.Writer, n *sim.Network, samples []sim.Sample, res []sim.Result, netPath, inPath string) {
	fmt.Fprintf(w, "network %s: %s, predict by %s\n", netPath, describe(n), n.Predict)
	kind := "spike events"
	if samples[0].Intensity != nil {
		kind = "intensities, on-chip LFSR encoder"
	}
	fmt.Fprintf(w, "input   %s: %d samples (%s)\n\n", inPath, len(samples), kind)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "sample\tlabel\tprediction\t\tinput spikes\t")
	for i := range n.Layers {
		if n.Layers[i].Kind == sim.LIF {
			fmt.Fprintf(tw, "layer %d spikes\t", i)
		}
	}
	fmt.Fprintln(tw)
	correct, labelled := 0, 0
	var inSpikes, sops float64
	spikes := make([]float64, len(n.Layers))
	var steps float64
	for k, r := range res {
		label, mark := "-", ""
		if samples[k].Label >= 0 {
			labelled++
			label = fmt.Sprint(samples[k].Label)
			if samples[k].Label == r.Prediction {
				correct++
				mark = "ok"
			} else {
				mark = "wrong"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t", k, label, r.Prediction, mark, r.InputSpikes)
		inSpikes += float64(r.InputSpikes)
		sops += float64(r.SOPs)
		steps += float64(samples[k].Steps)
		for i := range n.Layers {
			c := sum(r.Counts[i])
			spikes[i] += float64(c)
			if n.Layers[i].Kind == sim.LIF {
				fmt.Fprintf(tw, "%d\t", c)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	ns := float64(len(res))
	fmt.Fprintln(w)
	if labelled > 0 {
		fmt.Fprintf(w, "accuracy: %d/%d = %.1f %%\n", correct, labelled, 100*float64(correct)/float64(labelled))
	}
	fmt.Fprintf(w, "per sample: %.1f input spikes (%.1f %% of inputs per step), %.0f synaptic operations\n",
		inSpikes/ns, 100*inSpikes/(steps*float64(n.Inputs)), sops/ns)
	for i := range n.Layers {
		l := &n.Layers[i]
		if l.Kind != sim.LIF {
			continue
		}
		fmt.Fprintf(w, "layer %d (%s): %.1f spikes per sample, firing rate %.2f %% of neuron-steps\n",
			i, layerName(l), spikes[i]/ns, 100*spikes[i]/(steps*float64(l.Size)))
	}
}

func sum(v []int32) int64 {
	var s int64
	for _, x := range v {
		s += int64(x)
	}
	return s
}

func printJSON(w io.Writer, samples []sim.Sample, res []sim.Result) error {
	enc := json.NewEncoder(w)
	for k, r := range res {
		obj := map[string]any{
			"sample": k, "label": samples[k].Label, "prediction": r.Prediction,
			"input_spikes": r.InputSpikes, "spike_counts": r.Counts, "sops": r.SOPs,
		}
		if r.MaxMembrane != nil {
			obj["max_membrane"] = r.MaxMembrane
		}
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	return nil
}

// writeTrace writes rule S-18's trace of every sample as CSV.
func writeTrace(w io.Writer, res []sim.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "sample,step,layer,neuron,I,V,S,R")
	for k, r := range res {
		tr := r.Trace
		for t := range tr.Steps {
			for li := range tr.Layers {
				lt := &tr.Layers[li]
				for i := range lt.Size {
					c, v, s, rr := lt.At(t, i)
					fmt.Fprintf(bw, "%d,%d,%d,%d,%d,%d,%d,%d\n", k, t, li, i, c, v, s, rr)
				}
			}
		}
	}
	return bw.Flush()
}
