package netfile

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/sim"
)

// Save validates n and atomically writes it to path: a crash or an error leaves any previous
// file at path untouched.
func Save(path string, n *sim.Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("netfile: refusing to save an invalid network: %w", err)
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return Encode(w, n) })
}

// Encode writes n in the current file version. n must be valid.
func Encode(w io.Writer, n *sim.Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("netfile: refusing to encode an invalid network: %w", err)
	}
	format, version, inputs := FormatName, Version, n.Inputs
	predict, seed := string(n.Predict), n.EncoderSeed
	fn := fileNetwork{Format: &format, Version: &version, Name: n.Name, Inputs: &inputs, Predict: &predict, EncoderSeed: &seed}
	for i := range n.Layers {
		l := &n.Layers[i]
		kind := string(l.Kind)
		fl := fileLayer{
			Kind: &kind, Size: ptr(l.Size), StateBits: ptr(l.StateBits), WeightBits: ptr(l.WeightBits),
			WeightShift: ptr(l.WeightShift), CurrentLeak: ptr(l.CurrentLeak), MembraneLeak: ptr(l.MembraneLeak),
		}
		if l.Kind == sim.LIF {
			fl.Threshold = ptr(int64(l.Threshold))
			fl.Reset = ptr(string(l.Reset))
			fl.Refractory = ptr(l.Refractory)
		}
		fl.Weights = ptr(encodeWeights(l.W))
		crc := crc32.ChecksumIEEE(int8Bytes(l.W))
		if l.R != nil {
			fl.Recurrent = true
			fl.RecurrentWeights = ptr(encodeWeights(l.R))
			crc = crc32.Update(crc, crc32.IEEETable, int8Bytes(l.R))
		}
		fl.WeightsCRC32 = ptr(fmt.Sprintf("%08x", crc))
		fn.Layers = append(fn.Layers, fl)
	}
	if _, err := io.WriteString(w, "# lifkit network file; format: docs/netfile.md, semantics: docs/semantics.md\n"); err != nil {
		return fmt.Errorf("netfile: %w", err)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&fn); err != nil {
		return fmt.Errorf("netfile: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("netfile: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// encodeWeights gives base64 in lines of 76 characters, ending in a newline, so YAML writes
// it as a literal block.
func encodeWeights(w []int8) string {
	s := base64.StdEncoding.EncodeToString(int8Bytes(w))
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteByte('\n')
		s = s[76:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}
