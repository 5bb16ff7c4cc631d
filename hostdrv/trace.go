package hostdrv

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// InferTrace runs one sample from the reset state with RUN flag TRACE and returns the answer
// and the readout membrane after every step, indexed [t*C + c] (rule S-16, SpaceTrace). The
// network's last layer must be a readout and steps x outputs must fit the device's trace
// memory (INFO trace_mem); otherwise it returns a *FitError before anything is sent.
func (c *Client) InferTrace(ctx context.Context, s sim.Sample) (Result, []int32, error) {
	if c.net == nil {
		return Result{}, nil, fmt.Errorf("hostdrv: no network loaded by this client; call LoadNetwork first")
	}
	if c.net.Layers[len(c.net.Layers)-1].Kind != sim.Readout {
		return Result{}, nil, fmt.Errorf("hostdrv: a trace records the readout membrane; the loaded network has no readout layer")
	}
	words := s.Steps * c.net.Outputs()
	if words > c.info.TraceMem {
		return Result{}, nil, &FitError{Field: "trace words (steps x outputs)", Need: words, Have: c.info.TraceMem}
	}
	var res Result
	calls, err := c.sampleCalls(s, RunTrace, func(r Result) error { res = r; return nil })
	if err != nil {
		return Result{}, nil, err
	}
	if err := c.exchange(ctx, "RUN", func() (call, bool) {
		if len(calls) == 0 {
			return call{}, false
		}
		cl := calls[0]
		calls = calls[1:]
		return cl, true
	}); err != nil {
		return Result{}, nil, err
	}
	// whole words per READ: the RTL reads the trace in 4-byte words
	chunk := c.chunk() &^ 3
	tr := make([]int32, 0, words)
	for off := 0; off < 4*words; off += chunk {
		b, err := c.Read(ctx, SpaceTrace, 0, off, min(chunk, 4*words-off))
		if err != nil {
			return Result{}, nil, err
		}
		for i := 0; i+4 <= len(b); i += 4 {
			tr = append(tr, int32(binary.LittleEndian.Uint32(b[i:])))
		}
	}
	return res, tr, nil
}
