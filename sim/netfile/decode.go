package netfile

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lifkit/lifkit/internal/yamlx"

	"github.com/lifkit/lifkit/sim"
)

// Load reads and validates the network file at path.
func Load(path string) (*sim.Network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("netfile: %w", err)
	}
	defer f.Close()
	n, err := Decode(f)
	var e *Error
	if errors.As(err, &e) {
		e.File = path
	}
	return n, err
}

// Decode reads one network file from r and validates it. Every failure is an *Error.
func Decode(r io.Reader) (*sim.Network, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, &Error{Reason: "read: " + err.Error()}
	}
	if len(data) > MaxFileBytes {
		return nil, &Error{Reason: fmt.Sprintf("file is larger than %d MiB; lifkit refuses it", MaxFileBytes>>20)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err, nil)
	}
	if len(root.Content) == 0 {
		return nil, &Error{Reason: "empty file; a network file starts with 'format: " + FormatName + "'"}
	}
	if err := checkHeader(root.Content[0]); err != nil {
		return nil, err
	}
	var fn fileNetwork
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fn); err != nil {
		return nil, yamlError(err, &root)
	}
	return fn.network()
}

func checkHeader(doc *yaml.Node) error {
	if field, line, reason, ok := yamlx.Header(doc, FormatName, Version); !ok {
		return &Error{Field: field, Line: line, Reason: reason}
	}
	return nil
}

func yamlError(err error, root *yaml.Node) *Error {
	line, field, reason := yamlx.Explain(err, root, "docs/netfile.md")
	return &Error{Line: line, Field: field, Reason: reason}
}

// network converts the decoded file, checking presence and sizes before allocating weights.
func (fn *fileNetwork) network() (*sim.Network, error) {
	if fn.Inputs == nil {
		return nil, errorf("inputs", "missing")
	}
	if fn.Predict == nil {
		return nil, errorf("predict", "missing (%q or %q)", sim.MaxMembrane, sim.SpikeCount)
	}
	if fn.EncoderSeed == nil {
		return nil, errorf("encoder_seed", "missing (any nonzero 32-bit value; %d is the default)", sim.DefaultSeed)
	}
	if len(fn.Layers) == 0 {
		return nil, errorf("layers", "missing or empty; a network needs at least one layer")
	}
	n := &sim.Network{
		Name:        fn.Name,
		Inputs:      *fn.Inputs,
		Predict:     sim.PredictMode(*fn.Predict),
		EncoderSeed: *fn.EncoderSeed,
		Layers:      make([]sim.Layer, len(fn.Layers)),
	}
	if n.Inputs < 1 || n.Inputs > sim.MaxSize {
		return nil, errorf("inputs", "must be in 1..%d, got %d", sim.MaxSize, n.Inputs)
	}
	// Pass 1: required fields and sizes, so the weight count is known and bounded before any
	// weight is decoded.
	prev, total := n.Inputs, 0
	for i := range fn.Layers {
		fl := &fn.Layers[i]
		f := func(name string) string { return fmt.Sprintf("layers[%d].%s", i, name) }
		for _, req := range []struct {
			name string
			ok   bool
		}{
			{"kind", fl.Kind != nil}, {"size", fl.Size != nil}, {"state_bits", fl.StateBits != nil},
			{"weight_bits", fl.WeightBits != nil}, {"weight_shift", fl.WeightShift != nil},
			{"current_leak", fl.CurrentLeak != nil}, {"membrane_leak", fl.MembraneLeak != nil},
			{"weights", fl.Weights != nil}, {"weights_crc32", fl.WeightsCRC32 != nil},
		} {
			if !req.ok {
				return nil, errorf(f(req.name), "missing")
			}
		}
		if *fl.Kind == string(sim.LIF) {
			if fl.Threshold == nil {
				return nil, errorf(f("threshold"), "missing (a lif layer needs one)")
			}
			if fl.Reset == nil {
				return nil, errorf(f("reset"), "missing (%q or %q)", sim.ResetZero, sim.ResetSubtract)
			}
		}
		if fl.Recurrent != (fl.RecurrentWeights != nil) {
			if fl.Recurrent {
				return nil, errorf(f("recurrent_weights"), "missing (the layer says recurrent: true)")
			}
			return nil, errorf(f("recurrent_weights"), "present but the layer does not say recurrent: true")
		}
		size := *fl.Size
		if size < 1 || size > sim.MaxSize {
			return nil, errorf(f("size"), "must be in 1..%d, got %d", sim.MaxSize, size)
		}
		total += prev * size
		if fl.Recurrent {
			total += size * size
		}
		if total > sim.MaxWeights {
			return nil, errorf(f("size"), "the network would hold %d weights; lifkit refuses more than %d", total, sim.MaxWeights)
		}
		prev = size
	}
	// Pass 2: parameters and weights.
	prev = n.Inputs
	for i := range fn.Layers {
		fl := &fn.Layers[i]
		f := func(name string) string { return fmt.Sprintf("layers[%d].%s", i, name) }
		l := &n.Layers[i]
		l.Kind = sim.Kind(*fl.Kind)
		l.Size = *fl.Size
		l.StateBits = *fl.StateBits
		l.WeightBits = *fl.WeightBits
		l.WeightShift = *fl.WeightShift
		l.CurrentLeak = *fl.CurrentLeak
		l.MembraneLeak = *fl.MembraneLeak
		if fl.Threshold != nil {
			if *fl.Threshold < 1 || *fl.Threshold > math.MaxInt32 {
				return nil, errorf(f("threshold"), "must be in 1..2^(state_bits-1)-1, got %d", *fl.Threshold)
			}
			l.Threshold = int32(*fl.Threshold)
		}
		if fl.Reset != nil {
			l.Reset = sim.ResetMode(*fl.Reset)
		}
		if fl.Refractory != nil {
			l.Refractory = *fl.Refractory
		}
		var err error
		if l.W, err = decodeWeights(*fl.Weights, prev, l.Size, f("weights")); err != nil {
			return nil, err
		}
		crc := crc32.ChecksumIEEE(int8Bytes(l.W))
		if fl.Recurrent {
			if l.R, err = decodeWeights(*fl.RecurrentWeights, l.Size, l.Size, f("recurrent_weights")); err != nil {
				return nil, err
			}
			crc = crc32.Update(crc, crc32.IEEETable, int8Bytes(l.R))
		}
		want, err := strconv.ParseUint(strings.TrimSpace(*fl.WeightsCRC32), 16, 32)
		if err != nil {
			return nil, errorf(f("weights_crc32"), "must be 8 hex digits, got %q", *fl.WeightsCRC32)
		}
		if uint32(want) != crc {
			return nil, errorf(f("weights_crc32"), "weights are corrupt: CRC-32 is %08x, the file says %08x", crc, want)
		}
		prev = l.Size
	}
	if err := n.Validate(); err != nil {
		return nil, fromValidate(err)
	}
	return n, nil
}

// decodeWeights decodes one base64 weight section holding exactly want signed bytes.
func decodeWeights(s string, rows, cols int, field string) ([]int8, error) {
	want := rows * cols
	enc := base64.StdEncoding
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if got := enc.DecodedLen(len(clean)); got < want {
		return nil, errorf(field, "truncated: holds at most %d weights, want %d (%d x %d)", got, want, rows, cols)
	}
	b, err := enc.DecodeString(clean)
	if err != nil {
		return nil, errorf(field, "not valid base64: %v", err)
	}
	if len(b) != want {
		what := "truncated"
		if len(b) > want {
			what = "too long"
		}
		return nil, errorf(field, "%s: holds %d weights, want %d (%d x %d)", what, len(b), want, rows, cols)
	}
	w := make([]int8, len(b))
	for i, v := range b {
		w[i] = int8(v)
	}
	return w, nil
}

func int8Bytes(w []int8) []byte {
	b := make([]byte, len(w))
	for i, v := range w {
		b[i] = byte(v)
	}
	return b
}
