package plots

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/train"
)

func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("%s: %v is too small", path, b)
	}
}

func TestPlots(t *testing.T) {
	dir := t.TempDir()
	h := []train.EpochRecord{{Epoch: 0, Loss: 2, Accuracy: 0.3, ValLoss: 1.9, ValAccuracy: 0.35}, {Epoch: 1, Loss: 1, Accuracy: 0.6, ValLoss: 1.1, ValAccuracy: 0.55}}
	if err := History(filepath.Join(dir, "h.png"), h); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, filepath.Join(dir, "h.png"))
	tr := &sim.Trace{Steps: 3, Input: [][]int{{0}, {}, {1}}, Layers: []sim.LayerTrace{{Size: 2, S: []uint8{0, 1, 1, 0, 0, 0}}}}
	if err := Raster(filepath.Join(dir, "r.png"), tr, "t"); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, filepath.Join(dir, "r.png"))
	if err := Rates(filepath.Join(dir, "f.png"), [][]float64{{0, 1, 2, 2.5}, nil}, 10); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, filepath.Join(dir, "f.png"))
	if History(filepath.Join(dir, "x.png"), nil) == nil || Raster(filepath.Join(dir, "x.png"), nil, "") == nil || Rates(filepath.Join(dir, "x.png"), [][]float64{nil}, 1) == nil {
		t.Error("empty input gave no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.png")); !os.IsNotExist(err) {
		t.Error("a failed plot left a file behind")
	}
}
