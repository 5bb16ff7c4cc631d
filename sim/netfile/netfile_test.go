package netfile_test

import (
	"bytes"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/sim/netfile"
	"github.com/lifkit/lifkit/sim/simtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// small is the network of testdata/valid.yaml: 4 inputs, a recurrent lif layer of 3, a
// readout of 2.
func small() *sim.Network {
	r := rand.New(rand.NewPCG(42, 42))
	return simtest.Network(r, simtest.Shape{Inputs: 4, Hidden: []int{3}, Outputs: 2, Readout: true, WeightBits: 4, StateBits: 16, Recurrent: 1, Refractory: 2})
}

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := netfile.Encode(&buf, small()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "valid.yaml")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		writeMalformed(t, buf.String())
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("encoding changed; if intended, run go test ./sim/netfile -update\ngot:\n%s", buf.String())
	}
	n, err := netfile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(n, small()) {
		t.Fatal("golden file does not load back to the network it was written from")
	}
}

// Load, save, load is exact for random networks of every shape.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 5))
		sh := simtest.Shape{Readout: seed%2 == 0}
		if seed%3 == 0 {
			sh.Hidden = []int{1 + r.IntN(20), 1 + r.IntN(20)}
		}
		n := simtest.Network(r, sh)
		n.Name = "net-" + strings.Repeat("x", int(seed%4))
		p := filepath.Join(dir, "n.yaml")
		if err := netfile.Save(p, n); err != nil {
			t.Fatal(err)
		}
		got, err := netfile.Load(p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(got, n) {
			t.Fatalf("seed %d: round trip changed the network", seed)
		}
		first, _ := os.ReadFile(p)
		if err := netfile.Save(p, got); err != nil {
			t.Fatal(err)
		}
		second, _ := os.ReadFile(p)
		if !bytes.Equal(first, second) {
			t.Fatalf("seed %d: save of a loaded network differs from the original file", seed)
		}
	}
}

// malformed lists the files under testdata/bad, each with the field and the words its error
// must name. writeMalformed derives them from the valid file.
var malformed = []struct {
	file, field, reason string
	edit                func(s string) string
}{
	{"unknown-version.yaml", "version", "unknown version 7", func(s string) string { return strings.Replace(s, "version: 1", "version: 7", 1) }},
	{"wrong-format.yaml", "format", "want \"lifkit-network\"", func(s string) string { return strings.Replace(s, "lifkit-network", "lifkit-input", 1) }},
	{"missing-field.yaml", "layers[0].state_bits", "missing", func(s string) string { return dropLine(s, "state_bits: 16", 1) }},
	{"shape-mismatch.yaml", "layers[0].weights", "want 15 (5 x 3)", func(s string) string { return strings.Replace(s, "inputs: 4", "inputs: 5", 1) }},
	{"weight-out-of-range.yaml", "layers[0].weights", "for weight_bits 3", func(s string) string {
		return strings.Replace(s, "weight_bits: 4", "weight_bits: 3", 1)
	}},
	{"leak-out-of-range.yaml", "layers[1].membrane_leak", "must be in 0..4095", func(s string) string {
		return replaceNth(s, "membrane_leak: ", "membrane_leak: 5000 #", 2)
	}},
	{"threshold-out-of-range.yaml", "layers[0].threshold", "must be in 1..32767", func(s string) string {
		return replaceLine(s, "threshold:", "        threshold: 40000")
	}},
	{"truncated-weights.yaml", "layers[0].weights", "truncated", func(s string) string {
		i := strings.Index(s, "weights: |\n") + len("weights: |\n")
		j := strings.Index(s[i:], "\n") + i
		line := strings.TrimLeft(s[i:j], " ")
		return s[:j-len(line)] + line[:len(line)/2/4*4] + s[j:]
	}},
	{"absurd-size.yaml", "layers[0].size", "refuses more than", func(s string) string {
		return strings.Replace(strings.Replace(s, "inputs: 4", "inputs: 65536", 1), "size: 3", "size: 65536", 1)
	}},
	{"wrong-type.yaml", "layers[0].size", "wrong type", func(s string) string { return strings.Replace(s, "size: 3", "size: three", 1) }},
	{"unknown-field.yaml", "layers[0].treshold", "unknown field", func(s string) string { return strings.Replace(s, "threshold:", "treshold:", 1) }},
	{"corrupt-weights.yaml", "layers[1].weights_crc32", "corrupt", func(s string) string {
		i := strings.LastIndex(s, "weights: |")
		j := strings.Index(s[i:], "\n") + i + 1 + 8
		c := byte('A')
		if s[j] == 'A' {
			c = 'B'
		}
		return s[:j] + string(c) + s[j+1:]
	}},
	{"readout-not-last.yaml", "layers[0].kind", "only be the last", func(s string) string { return strings.Replace(s, "kind: lif", "kind: readout", 1) }},
	{"not-yaml.yaml", "", "not valid YAML", func(string) string { return "format: lifkit-network\nversion: 1\nlayers: [\n" }},
	{"empty.yaml", "", "empty file", func(string) string { return "" }},
	{"zero-seed.yaml", "encoder_seed", "nonzero", func(s string) string { return replaceLine(s, "encoder_seed:", "encoder_seed: 0") }},
	{"negative-size.yaml", "layers[1].size", "must be in 1..65536", func(s string) string { return strings.Replace(s, "size: 2", "size: -2", 1) }},
}

func dropLine(s, sub string, nth int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, sub) {
			nth--
			if nth == 0 {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
			}
		}
	}
	panic("no line " + sub)
}

func replaceLine(s, sub, with string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, sub) {
			ind := l[:len(l)-len(strings.TrimLeft(l, " "))]
			lines[i] = ind + strings.TrimLeft(with, " ")
			return strings.Join(lines, "\n")
		}
	}
	panic("no line " + sub)
}

func replaceNth(s, old, new string, nth int) string {
	off := 0
	for k := 1; ; k++ {
		i := strings.Index(s[off:], old)
		if i < 0 {
			panic("no " + old)
		}
		if k == nth {
			return s[:off+i] + new + s[off+i+len(old):]
		}
		off += i + len(old)
	}
}

func writeMalformed(t *testing.T, valid string) {
	dir := filepath.Join("testdata", "bad")
	os.MkdirAll(dir, 0o755)
	for _, m := range malformed {
		if err := os.WriteFile(filepath.Join(dir, m.file), []byte(m.edit(valid)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMalformedFiles(t *testing.T) {
	ents, _ := os.ReadDir(filepath.Join("testdata", "bad"))
	if len(ents) != len(malformed) {
		t.Fatalf("testdata/bad has %d files, the table %d; run go test ./sim/netfile -update", len(ents), len(malformed))
	}
	for _, m := range malformed {
		t.Run(m.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", m.file)
			_, err := netfile.Load(path)
			var e *netfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *netfile.Error, got %v", err)
			}
			if e.Field != m.field || !strings.Contains(e.Reason, m.reason) {
				t.Fatalf("error %q: want field %q and reason containing %q", err, m.field, m.reason)
			}
			if e.File != path || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must name the file on one line: %q", err)
			}
		})
	}
}

// A file that announces a huge network must be refused before its weights are allocated.
func TestHugeDeclarationDoesNotAllocate(t *testing.T) {
	s := "format: lifkit-network\nversion: 1\ninputs: 65536\npredict: spike_count\nencoder_seed: 1\nlayers:\n" +
		strings.Repeat("  - {kind: lif, size: 65536, state_bits: 16, weight_bits: 8, weight_shift: 0, current_leak: 0, membrane_leak: 0, threshold: 1, reset: zero, weights: '', weights_crc32: '0'}\n", 3)
	before := totalAlloc()
	_, err := netfile.Decode(strings.NewReader(s))
	grew := totalAlloc() - before
	if err == nil || !strings.Contains(err.Error(), "refuses more than") {
		t.Fatalf("err = %v", err)
	}
	if grew > 64<<20 {
		t.Fatalf("decoding a refused file allocated %d MiB", grew>>20)
	}
}

// Fuzz: Decode never panics and either fails with an *Error or returns a valid network that
// survives a round trip.
func FuzzDecode(f *testing.F) {
	valid, _ := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	f.Add(valid)
	ents, _ := os.ReadDir(filepath.Join("testdata", "bad"))
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join("testdata", "bad", e.Name()))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := netfile.Decode(bytes.NewReader(b))
		if err != nil {
			var e *netfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not *netfile.Error: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := netfile.Encode(&buf, n); err != nil {
			t.Fatal(err)
		}
		m, err := netfile.Decode(&buf)
		if err != nil || !reflect.DeepEqual(m, n) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
