package testbench

import "github.com/lifkit/lifkit/sim"

// Clock model of lif_core (docs/rtl.md, "Clocks per step"). All counts are exact for the RTL as
// built; TestClockFormula checks them against the Verilator model on random cases.
const (
	clkLoad     = 9  // per layer: eight parameter reads plus the capture of the last
	clkSynFixed = 12 // per layer with events: fetch, FIFO, row start, weight read/register/extend, add, write drain, registered idle
	clkSynEmpty = 3  // per layer without events (4 with an empty recurrent phase)
	clkNeuron   = 13 // per layer: neuron pipeline fill and drain after N issue clocks
	clkStepEnd  = 1
	clkEncExtra = 5 // intensity mode: N_0 draws plus read latency, two compare registers, registered drain flag and hand-over
	clkEvExtra  = 1 // event mode: the end-of-step beat
	minRowClks  = 3 // a row occupies at least 3 clocks (an accumulator word is re-read 3 clocks later)
)

// LayerEvents is the work of one layer in one step: feed-forward events (spikes of the previous
// layer or inputs in this step) and recurrent events (its own spikes of the previous step).
type LayerEvents struct{ FF, Rec int }

// StepClocks is the documented clock count of one step: the input pass, then per layer the
// parameter load, the synaptic pass (every event streams ceil(N/LANES) words, at least 4
// clocks per row except the last), the neuron pass (N clocks) and the pipeline drains.
// clear adds the clearing pass at the start of a sample (2^NEUR_AW clocks).
func StepClocks(c Config, n *sim.Network, inputEvents int, intensity, clear bool, ev []LayerEvents) int {
	t := clkStepEnd
	if clear {
		t += 1 << c.NeurAW
	}
	if intensity {
		t += n.Inputs + clkEncExtra
	} else {
		t += inputEvents + clkEvExtra
	}
	for li, l := range n.Layers {
		wpr := (l.Size + c.Lanes - 1) / c.Lanes
		e := ev[li].FF + ev[li].Rec
		t += clkLoad + l.Size + clkNeuron
		switch {
		case e == 0 && l.R != nil:
			t += clkSynEmpty + 1
		case e == 0:
			t += clkSynEmpty
		default:
			t += clkSynFixed + (e-1)*max(wpr, minRowClks) + wpr
			if l.R != nil && ev[li].FF == 0 {
				t++ // the recurrent phase starts one clock later
			}
		}
	}
	return t
}

// TraceEvents derives each step's per-layer events from a sim trace.
func TraceEvents(n *sim.Network, tr *sim.Trace) [][]LayerEvents {
	out := make([][]LayerEvents, tr.Steps)
	for t := 0; t < tr.Steps; t++ {
		out[t] = make([]LayerEvents, len(n.Layers))
		src := len(tr.Input[t])
		for li, l := range n.Layers {
			lt := &tr.Layers[li]
			spikes, prev := 0, 0
			for i := 0; i < l.Size; i++ {
				_, _, s, _ := lt.At(t, i)
				spikes += int(s)
				if t > 0 && l.R != nil {
					_, _, sp, _ := lt.At(t-1, i)
					prev += int(sp)
				}
			}
			out[t][li] = LayerEvents{FF: src, Rec: prev}
			src = spikes
		}
	}
	return out
}
