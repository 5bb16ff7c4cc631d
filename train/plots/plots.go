// Package plots draws the PNG figures of a training run with gonum.org/v1/plot: loss and
// accuracy per epoch, a spike raster of one sample, and per-layer firing rates.
//
// # Invariants
//
// Every function writes one PNG file atomically (temporary file, then rename) and draws only
// from its arguments; none reads a network or data set on its own.
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lifkit/lifkit/internal/atomicfile"
	"github.com/lifkit/lifkit/sim"
	"github.com/lifkit/lifkit/train"
)

func save(p *plot.Plot, path string, w, h vg.Length) error {
	c := vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("plots: %s: %w", path, err)
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}

// History draws training and validation loss and accuracy per epoch.
func History(path string, h []train.EpochRecord) error {
	if len(h) == 0 {
		return fmt.Errorf("plots: no epochs to draw")
	}
	p := plot.New()
	p.Title.Text = "training history"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "loss / accuracy"
	series := []struct {
		name string
		get  func(e train.EpochRecord) float64
		col  color.RGBA
	}{
		{"train loss", func(e train.EpochRecord) float64 { return e.Loss }, color.RGBA{200, 60, 40, 255}},
		{"val loss", func(e train.EpochRecord) float64 { return e.ValLoss }, color.RGBA{240, 150, 60, 255}},
		{"train accuracy", func(e train.EpochRecord) float64 { return e.Accuracy }, color.RGBA{40, 80, 200, 255}},
		{"val accuracy", func(e train.EpochRecord) float64 { return e.ValAccuracy }, color.RGBA{40, 170, 90, 255}},
	}
	for _, s := range series {
		xy := make(plotter.XYs, len(h))
		for k, e := range h {
			xy[k].X, xy[k].Y = float64(e.Epoch+1), s.get(e)
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("plots: %w", err)
		}
		l.Color = s.col
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return save(p, path, 16*vg.Centimeter, 10*vg.Centimeter)
}

// Raster draws the input spikes and every lif layer's spikes of one traced sample (sim.Run
// with Options.Trace), one row per neuron, layers stacked upwards.
func Raster(path string, tr *sim.Trace, title string) error {
	if tr == nil {
		return fmt.Errorf("plots: raster needs a trace (sim.Options{Trace: true})")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "step"
	p.Y.Label.Text = "neuron (input at the bottom)"
	cols := []color.RGBA{{90, 90, 90, 255}, {200, 50, 50, 255}, {40, 90, 200, 255}, {40, 150, 60, 255}}
	var pts plotter.XYs
	for t, ev := range tr.Input {
		for _, j := range ev {
			pts = append(pts, plotter.XY{X: float64(t), Y: float64(j)})
		}
	}
	base := 0
	if len(tr.Layers) > 0 && len(tr.Input) > 0 {
		for _, ev := range tr.Input {
			for _, j := range ev {
				base = max(base, j+1)
			}
		}
	}
	groups := []plotter.XYs{pts}
	for _, lt := range tr.Layers {
		var g plotter.XYs
		for t := range tr.Steps {
			for i := range lt.Size {
				if lt.S[t*lt.Size+i] != 0 {
					g = append(g, plotter.XY{X: float64(t), Y: float64(base + i)})
				}
			}
		}
		groups = append(groups, g)
		base += lt.Size
	}
	for k, g := range groups {
		if len(g) == 0 {
			continue
		}
		s, err := plotter.NewScatter(g)
		if err != nil {
			return fmt.Errorf("plots: %w", err)
		}
		s.GlyphStyle.Radius = vg.Points(1)
		s.GlyphStyle.Shape = draw.BoxGlyph{}
		s.GlyphStyle.Color = cols[k%len(cols)]
		p.Add(s)
		name := "input"
		if k > 0 {
			name = fmt.Sprintf("layer %d", k)
		}
		p.Legend.Add(name, s)
	}
	p.X.Min, p.X.Max = 0, float64(tr.Steps)
	return save(p, path, 18*vg.Centimeter, 14*vg.Centimeter)
}

// Rates draws, per lif layer, a histogram of the neurons' mean spike counts per sample.
func Rates(path string, rates [][]float64, steps int) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("firing rates (%d steps per sample)", steps)
	p.X.Label.Text = "spikes per neuron per sample"
	p.Y.Label.Text = "neurons"
	cols := []color.RGBA{{200, 50, 50, 160}, {40, 90, 200, 160}, {40, 150, 60, 160}}
	drawn := 0
	for li, r := range rates {
		if len(r) == 0 {
			continue
		}
		h, err := plotter.NewHist(plotter.Values(r), 30)
		if err != nil {
			return fmt.Errorf("plots: %w", err)
		}
		h.FillColor = cols[li%len(cols)]
		p.Add(h)
		p.Legend.Add(fmt.Sprintf("layer %d", li+1), h)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("plots: no layer rates to draw")
	}
	p.Legend.Top = true
	return save(p, path, 16*vg.Centimeter, 10*vg.Centimeter)
}
