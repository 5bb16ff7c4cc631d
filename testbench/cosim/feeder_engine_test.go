package cosim

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// TestCosimEngineEmptySteps drives the link engine's event feeder through its rare paths and
// requires sim's answers: a RUN with no event word at all (input_len 0: every step is an
// end-of-step beat through E_CA), steps whose count is 0 between steps with events (E_CD ->
// E_EOS), a list that ends before the last step (E_EOS -> E_CA -> E_EOS), a step with every
// input, and one-step runs. Random samples meet these rarely.
func TestCosimEngineEmptySteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 0))
	n := linktest.RandomNetwork(rng, []int{12, 10, 4}, false, false)
	c, _ := board(t, 0, linktest.Noise{}, time.Second)
	if err := c.LoadNetwork(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	all := make([]int, n.Inputs)
	for j := range all {
		all[j] = j
	}
	samples := []sim.Sample{
		{Steps: 6, Spikes: [][]int{}, Label: -1},
		{Steps: 9, Spikes: [][]int{{}, {1, 2}, {}, {}, {3}, {}, {0, 11}}, Label: -1},
		{Steps: 7, Spikes: [][]int{all, all}, Label: -1},
		{Steps: 1, Spikes: [][]int{{5}}, Label: -1},
		{Steps: 1, Spikes: [][]int{}, Label: -1},
		{Steps: 12, Spikes: [][]int{{}, {}, {}, all}, Label: -1},
	}
	for i := range 4 {
		s := linktest.RandomSample(rng, n.Inputs)
		if len(s.Spikes) > 0 {
			s.Spikes[i%len(s.Spikes)] = nil // an empty step inside the list
		}
		samples = append(samples, s)
	}
	agree(t, c, n, samples)
}
