package train

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/sim"
)

// CheckpointFormat names the checkpoint file format (JSON).
const CheckpointFormat = "lifkit-train-checkpoint"

// EpochRecord is one line of a run's history.
type EpochRecord struct {
	Epoch         int
	Loss          float64
	Accuracy      float64
	ValLoss       float64
	ValAccuracy   float64
	SamplesPerSec float64
	Seconds       float64
}

// Checkpoint is everything needed to continue a run exactly where it stopped: the float
// weights, the integer format, the optimiser state, the epoch count (which seeds the next
// shuffle) and the settings. Float64 values survive the JSON round trip exactly, so a resumed
// run computes what the uninterrupted run would have.
type Checkpoint struct {
	Format     string
	Version    int
	Arch       Arch
	Config     Config
	Net        *sim.FloatNetwork
	Quant      []LayerQuant
	Adam       Adam
	EpochsDone int
	History    []EpochRecord
	// Data names the data set and its options, so --resume can check it trains on the same.
	Data map[string]string
}

// Checkpoint captures the trainer's state.
func (t *Trainer) Checkpoint(a Arch, history []EpochRecord, dataDesc map[string]string) *Checkpoint {
	cfg := t.Config
	cfg.Workers = 0 // machine-specific; results do not depend on it
	return &Checkpoint{Format: CheckpointFormat, Version: 1, Arch: a, Config: cfg, Net: t.Net.Clone(),
		Quant: append([]LayerQuant(nil), t.Quant...), Adam: t.Adam, EpochsDone: t.EpochsDone,
		History: append([]EpochRecord(nil), history...), Data: dataDesc}
}

// Resume returns a Trainer that continues from c.
func Resume(c *Checkpoint) (*Trainer, error) {
	t, err := NewTrainer(c.Net, c.Config)
	if err != nil {
		return nil, err
	}
	if len(c.Quant) != len(c.Net.Layers) {
		return nil, fmt.Errorf("train: checkpoint has %d layer formats for %d layers", len(c.Quant), len(c.Net.Layers))
	}
	t.Quant = c.Quant
	if c.Adam.M != nil && c.Adam.V != nil {
		if !sameShape(c.Adam.M, c.Net) || !sameShape(c.Adam.V, c.Net) {
			return nil, fmt.Errorf("train: checkpoint optimiser state does not match the network's shape")
		}
		t.Adam = c.Adam
		t.Adam.WeightDecay = c.Config.WeightDecay
	}
	t.EpochsDone = c.EpochsDone
	return t, nil
}

func sameShape(g *grads, fn *sim.FloatNetwork) bool {
	if len(g.W) != len(fn.Layers) || len(g.R) != len(fn.Layers) {
		return false
	}
	for li, l := range fn.Layers {
		if len(g.W[li]) != len(l.W) || len(g.R[li]) != len(l.R) {
			return false
		}
	}
	return true
}

// SaveCheckpoint writes c to path atomically (temporary file, then rename).
func SaveCheckpoint(path string, c *Checkpoint) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(c)
	})
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	defer f.Close()
	var c Checkpoint
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return nil, fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	if c.Format != CheckpointFormat {
		return nil, fmt.Errorf("train: %s is not a lifkit training checkpoint (format %q)", path, c.Format)
	}
	if c.Net == nil {
		return nil, fmt.Errorf("train: checkpoint %s has no network", path)
	}
	if err := c.Net.Validate(); err != nil {
		return nil, fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	return &c, nil
}
