// Package inputfile reads and writes lifkit input files (docs/inputfile.md): samples for a
// network, each given as spike events per step (rule S-14) or as one 8-bit intensity per input
// for the on-chip encoder (rule S-13).
//
// # Invariants
//
// Decode returns samples that all passed sim.Sample.Check for the declared input count, or an
// *Error naming the sample, field and reason. It reads at most MaxFileBytes and never panics.
// Save replaces the file atomically.
package inputfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/internal/yamlx"
	"github.com/lifkit/lifkit/sim"
)

// FormatName is the value of the "format" field of every input file.
const FormatName = "lifkit-input"

// Version is the version this package writes.
const Version = 1

// MaxFileBytes bounds what Decode reads.
const MaxFileBytes = 512 << 20

// File is the content of an input file.
type File struct {
	Inputs  int // every sample has this many inputs
	Samples []sim.Sample
}

type fileInput struct {
	Format  *string      `yaml:"format"`
	Version *int         `yaml:"version"`
	Inputs  *int         `yaml:"inputs"`
	Steps   *int         `yaml:"steps,omitempty"`
	Samples []fileSample `yaml:"samples"`
}

type fileSample struct {
	Label     *int    `yaml:"label,omitempty"`
	Steps     *int    `yaml:"steps,omitempty"`
	Intensity []int   `yaml:"intensity,flow,omitempty"`
	Spikes    [][]int `yaml:"spikes,omitempty"`
}

// Error is a problem with an input file.
type Error struct {
	File   string
	Field  string
	Line   int
	Reason string
}

func (e *Error) Error() string {
	s := "inputfile: "
	if e.File != "" {
		s += e.File + ": "
	}
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Reason
}

// Load reads the input file at path.
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("inputfile: %w", err)
	}
	defer f.Close()
	in, err := Decode(f)
	var e *Error
	if errors.As(err, &e) {
		e.File = path
	}
	return in, err
}

// Decode reads one input file from r.
func Decode(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, &Error{Reason: "read: " + err.Error()}
	}
	if len(data) > MaxFileBytes {
		return nil, &Error{Reason: fmt.Sprintf("file is larger than %d MiB; split it", MaxFileBytes>>20)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, field, reason := yamlx.Explain(err, nil, "docs/inputfile.md")
		return nil, &Error{Line: line, Field: field, Reason: reason}
	}
	if len(root.Content) == 0 {
		return nil, &Error{Reason: "empty file; an input file starts with 'format: " + FormatName + "'"}
	}
	if field, line, reason, ok := yamlx.Header(root.Content[0], FormatName, Version); !ok {
		return nil, &Error{Field: field, Line: line, Reason: reason}
	}
	var fi fileInput
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fi); err != nil {
		line, field, reason := yamlx.Explain(err, &root, "docs/inputfile.md")
		return nil, &Error{Line: line, Field: field, Reason: reason}
	}
	if fi.Inputs == nil {
		return nil, &Error{Field: "inputs", Reason: "missing"}
	}
	if *fi.Inputs < 1 || *fi.Inputs > sim.MaxSize {
		return nil, &Error{Field: "inputs", Reason: fmt.Sprintf("must be in 1..%d, got %d", sim.MaxSize, *fi.Inputs)}
	}
	if len(fi.Samples) == 0 {
		return nil, &Error{Field: "samples", Reason: "missing or empty"}
	}
	out := &File{Inputs: *fi.Inputs}
	for i, fs := range fi.Samples {
		field := fmt.Sprintf("samples[%d]", i)
		s := sim.Sample{Label: -1}
		if fs.Label != nil {
			s.Label = *fs.Label
		}
		switch {
		case fs.Steps != nil:
			s.Steps = *fs.Steps
		case fi.Steps != nil:
			s.Steps = *fi.Steps
		default:
			return nil, &Error{Field: field + ".steps", Reason: "missing (give steps at the top or per sample)"}
		}
		if (fs.Intensity == nil) == (fs.Spikes == nil) {
			return nil, &Error{Field: field, Reason: "give exactly one of intensity or spikes"}
		}
		if fs.Intensity != nil {
			s.Intensity = make([]uint8, len(fs.Intensity))
			for j, v := range fs.Intensity {
				if v < 0 || v > 255 {
					return nil, &Error{Field: fmt.Sprintf("%s.intensity[%d]", field, j), Reason: fmt.Sprintf("must be in 0..255, got %d", v)}
				}
				s.Intensity[j] = uint8(v)
			}
		} else {
			s.Spikes = fs.Spikes
		}
		if err := s.Check(out.Inputs); err != nil {
			return nil, &Error{Field: field, Reason: err.Error()}
		}
		out.Samples = append(out.Samples, s)
	}
	return out, nil
}

// Save atomically writes f to path.
func Save(path string, f *File) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return Encode(w, f) })
}

// Encode writes f. Every sample gets its own steps field.
func Encode(w io.Writer, f *File) error {
	format, version, inputs := FormatName, Version, f.Inputs
	fi := fileInput{Format: &format, Version: &version, Inputs: &inputs}
	for i := range f.Samples {
		s := &f.Samples[i]
		if err := s.Check(f.Inputs); err != nil {
			return fmt.Errorf("inputfile: sample %d: %w", i, err)
		}
		steps := s.Steps
		fs := fileSample{Steps: &steps}
		if s.Label >= 0 {
			label := s.Label
			fs.Label = &label
		}
		if s.Intensity != nil {
			fs.Intensity = make([]int, len(s.Intensity))
			for j, v := range s.Intensity {
				fs.Intensity[j] = int(v)
			}
		} else {
			fs.Spikes = s.Spikes
			if fs.Spikes == nil {
				fs.Spikes = [][]int{}
			}
		}
		fi.Samples = append(fi.Samples, fs)
	}
	if _, err := io.WriteString(w, "# lifkit input file; format: docs/inputfile.md\n"); err != nil {
		return fmt.Errorf("inputfile: %w", err)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&fi); err != nil {
		return fmt.Errorf("inputfile: %w", err)
	}
	return enc.Close()
}

// LoadFor reads the input file at path for a network with the given number of inputs, and
// refuses a file whose samples have another size. The commands that run samples on a network
// (sim, rtl verify, cosim, run) all read their input through it.
func LoadFor(path string, inputs int) (*File, error) {
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	if f.Inputs != inputs {
		return nil, &Error{File: path, Field: "inputs", Reason: fmt.Sprintf("the samples have %d inputs but the network takes %d", f.Inputs, inputs)}
	}
	return f, nil
}
