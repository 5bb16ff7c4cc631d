package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRandmanReference(t *testing.T) {
	cfg := RandmanConfig{SamplesPerClass: 30, Seed: 5}
	s, err := Randman(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inputs != 20 || s.Classes != 10 || s.Steps != 100 {
		t.Fatalf("shape %d inputs %d classes %d steps, want the reference 20/10/100", s.Inputs, s.Classes, s.Steps)
	}
	if len(s.Train) != 240 || len(s.Val) != 30 || len(s.Test) != 30 {
		t.Fatalf("split %d/%d/%d, want 240/30/30", len(s.Train), len(s.Val), len(s.Test))
	}
	for _, smp := range s.Train {
		seen := make([]int, s.Inputs)
		for step, ev := range smp.Spikes {
			if step >= 50 && len(ev) > 0 {
				t.Fatalf("spike at step %d; with step_frac 0.5 all spikes fall before step 50", step)
			}
			for _, j := range ev {
				seen[j]++
			}
		}
		for j, n := range seen {
			if n != 1 {
				t.Fatalf("input %d fires %d times; randman fires each unit once per manifold", j, n)
			}
		}
	}
	again, _ := Randman(cfg)
	if !reflect.DeepEqual(s, again) {
		t.Fatal("the same configuration gave a different data set")
	}
	other, _ := Randman(RandmanConfig{SamplesPerClass: 30, Seed: 6})
	if reflect.DeepEqual(s.Train, other.Train) {
		t.Fatal("a different seed gave the same data set")
	}
}

func writeIDX(t *testing.T, path string, dims []int, data []byte, gz bool) {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		b.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	b.Write(data)
	out := b.Bytes()
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(out)
		w.Close()
		out = z.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIDXDirAndEncodings(t *testing.T) {
	dir := t.TempDir()
	pix := []byte{0, 255, 100, 60, 10, 200, 255, 0} // two 2x2 images
	writeIDX(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), []int{2, 2, 2}, pix, true)
	writeIDX(t, filepath.Join(dir, "train-labels-idx1-ubyte"), []int{2}, []byte{1, 0}, false)
	writeIDX(t, filepath.Join(dir, "t10k-images-idx3-ubyte"), []int{1, 2, 2}, pix[:4], false)
	writeIDX(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), []int{1}, []byte{2}, true)
	s, err := Open("idx:"+dir, Options{Image: ImageOptions{Steps: 10, Val: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Inputs != 4 || s.Classes != 3 || len(s.Train) != 1 || len(s.Val) != 1 || len(s.Test) != 1 {
		t.Fatalf("got %d inputs %d classes %d/%d/%d", s.Inputs, s.Classes, len(s.Train), len(s.Val), len(s.Test))
	}
	if !bytes.Equal(s.Train[0].Intensity, pix[:4]) || s.Train[0].Label != 1 || s.Steps != 10 {
		t.Fatalf("rate sample %+v", s.Train[0])
	}
	if s.Width != 2 {
		t.Errorf("rate-coded 2x2 images: width %d, want 2", s.Width)
	}
	l, err := Open("idx:"+dir, Options{Image: ImageOptions{Steps: 100, Encoding: Latency, Val: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Width != 0 {
		t.Errorf("latency-coded images carry width %d; want 0 (no intensities to shift)", l.Width)
	}
	// pixel 255: 20*ln(1/0.8) = 4.46 -> step 4; 100/255 = 0.392: 20*ln(0.392/0.192) = 14.27 -> 14;
	// 60/255 = 0.2353: 20*ln(0.2353/0.0353) = 37.94 -> 37; 0: none.
	want := map[int][]int{4: {1}, 14: {2}, 37: {3}}
	got := map[int][]int{}
	for step, ev := range l.Train[0].Spikes {
		if len(ev) > 0 {
			got[step] = ev
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("latency spikes %v, want %v", got, want)
	}
	_, err = Open("idx:"+t.TempDir(), Options{})
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatalf("missing files: got %v, want a *MissingError", err)
	}
}

func TestReadIDXRejects(t *testing.T) {
	cases := map[string][]byte{
		"short":     {0, 0},
		"magic":     {1, 0, 8, 1, 0, 0, 0, 1, 5},
		"type":      {0, 0, 0x0d, 1, 0, 0, 0, 1, 5},
		"truncated": {0, 0, 8, 1, 0, 0, 0, 9, 5},
		"huge":      {0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
	for name, b := range cases {
		if _, _, err := ReadIDX(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// The real data sets, when installed: shapes and labels.
func TestInstalledDatasets(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60,000 images")
	}
	for _, name := range []string{"mnist", "fashion"} {
		s, err := Open(name, Options{})
		var me *MissingError
		if errors.As(err, &me) {
			t.Logf("%s not installed: %v", name, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Inputs != 784 || s.Classes != 10 || len(s.Train) != 55000 || len(s.Val) != 5000 || len(s.Test) != 10000 {
			t.Errorf("%s: %d inputs %d classes %d/%d/%d", name, s.Inputs, s.Classes, len(s.Train), len(s.Val), len(s.Test))
		}
	}
}
