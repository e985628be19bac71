package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Chart formats.
const (
	ChartSVG = "svg"
	ChartPNG = "png"
)

// Series kinds of a breakeven chart.
const (
	SeriesExpected = "expected"
	SeriesBand     = "band"
	SeriesMarker   = "marker"
)

// ChartData is what a breakeven chart shows: each option's monthly cost
// over team size, the breakeven team size and the team today.
type ChartData struct {
	// Spec is the spec file's path.
	Spec   string
	Team   string
	AsOf   string
	Points []costmodel.Point
	// Breakeven is the smallest team at which self-hosting costs no more
	// than managed APIs; nil when there is none.
	Breakeven *int
	// Current is the spec's team size today; TeamToday its midpoint, the
	// size the table marks.
	Current   spec.Range
	TeamToday int
	// Notes say where a row is not priced as the others are: at the team
	// today, an option the plan's policies move to a dearer assignment.
	Notes []string
}

// Series is one thing a chart draws, in data coordinates.
type Series struct {
	// Name is the series' legend label.
	Name string
	// Kind is SeriesExpected (a line through the expected costs),
	// SeriesBand (a polygon: the lows left to right, then the highs right
	// to left) or SeriesMarker (a vertical line).
	Kind string
	// Architecture is the option a line or band belongs to; "" for markers.
	Architecture architecture.Name
	XYs          plotter.XYs
}

// optionStyle colours each architecture (colour-blind-safe Tableau hues).
var optionStyle = map[architecture.Name]color.NRGBA{
	architecture.Managed:    {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	architecture.SelfHosted: {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	architecture.Hybrid:     {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
}

// ChartSeries derives the chart's series from the data: for each option
// priced at every point, its expected line and its low–high band, then a
// vertical marker at the breakeven team size and one at the team today,
// spanning the costs' range.
func ChartSeries(c ChartData) []Series {
	var out []Series
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, arch := range architecture.All {
		var exp, low, high plotter.XYs
		for _, p := range c.Points {
			m, ok := p.Options[arch]
			if !ok {
				continue
			}
			x := float64(p.Developers)
			exp = append(exp, plotter.XY{X: x, Y: m.Expected})
			low = append(low, plotter.XY{X: x, Y: m.Low})
			high = append(high, plotter.XY{X: x, Y: m.High})
			lo, hi = math.Min(lo, m.Low), math.Max(hi, m.High)
		}
		if len(exp) == 0 {
			continue
		}
		band := slices.Clone(low)
		for i := len(high) - 1; i >= 0; i-- {
			band = append(band, high[i])
		}
		out = append(out,
			Series{Name: string(arch) + " low–high", Kind: SeriesBand, Architecture: arch, XYs: band},
			Series{Name: string(arch) + " expected", Kind: SeriesExpected, Architecture: arch, XYs: exp})
	}
	if math.IsInf(lo, 1) {
		return out
	}
	if c.Breakeven != nil {
		x := float64(*c.Breakeven)
		out = append(out, Series{Name: fmt.Sprintf("breakeven: %s developers", units.Count(x)), Kind: SeriesMarker,
			XYs: plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}}})
	}
	if c.Current.High > 0 {
		x := c.Current.Mid()
		out = append(out, Series{Name: "team today: " + rangeText(c.Current.Low, c.Current.High) + " developers", Kind: SeriesMarker,
			XYs: plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}}})
	}
	return out
}

// Chart draws the breakeven chart as SVG or PNG: team size (developers)
// against monthly cost (USD/month), both on log scales when every cost is
// positive, a line and a low–high band per option, and dashed markers at
// the breakeven and the team today.
func Chart(w io.Writer, format string, c ChartData) error {
	if format != ChartSVG && format != ChartPNG {
		return fmt.Errorf("draw chart: unknown format %q (want svg or png)", format)
	}
	series := ChartSeries(c)
	if len(series) == 0 {
		return fmt.Errorf("draw chart: no option was priced")
	}
	p, positive := chartAxes(c, series)
	if err := drawSeries(p, series); err != nil {
		return err
	}
	// Headroom above the data for the legend, so it covers no line.
	if positive {
		p.Y.Max *= 12
	} else {
		p.Y.Max += 0.4 * (p.Y.Max - p.Y.Min)
	}
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, format)
	if err != nil {
		return fmt.Errorf("draw chart: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	return nil
}

// chartAxes sets up the plot: title, labels, log scales (the cost axis
// only when every cost is positive), grid and legend.
func chartAxes(c ChartData, series []Series) (*plot.Plot, bool) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: monthly cost by team size (priced for %s)", c.Team, c.AsOf)
	p.X.Label.Text = "team size (developers)"
	p.Y.Label.Text = "monthly cost (USD/month)"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, relabel(plot.LogTicks{Prec: -1}, units.Count)
	positive := true
	for _, s := range series {
		for _, xy := range s.XYs {
			positive = positive && xy.Y > 0
		}
	}
	if positive {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, relabel(plot.LogTicks{Prec: -1}, dollars)
	} else {
		p.Y.Tick.Marker = relabel(plot.DefaultTicks{}, dollars)
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.ThumbnailWidth = vg.Points(24)
	return p, positive
}

// drawSeries adds the low–high bands first, so that every line is drawn
// over them, then the expected lines and the dashed markers.
func drawSeries(p *plot.Plot, series []Series) error {
	bands := map[architecture.Name]*plotter.Polygon{}
	for _, s := range series {
		if s.Kind != SeriesBand {
			continue
		}
		poly, err := plotter.NewPolygon(s.XYs)
		if err != nil {
			return fmt.Errorf("draw chart: %w", err)
		}
		col := optionStyle[s.Architecture]
		poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 0x40}
		poly.LineStyle.Width = 0
		p.Add(poly)
		bands[s.Architecture] = poly
	}
	markerDashes := [][]vg.Length{{vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}}
	markers := 0
	for _, s := range series {
		switch s.Kind {
		case SeriesExpected:
			line, err := plotter.NewLine(s.XYs)
			if err != nil {
				return fmt.Errorf("draw chart: %w", err)
			}
			line.Color, line.Width = optionStyle[s.Architecture], vg.Points(2)
			p.Add(line)
			p.Legend.Add(string(s.Architecture)+": expected, low–high band", bands[s.Architecture], line)
		case SeriesMarker:
			line, err := plotter.NewLine(s.XYs)
			if err != nil {
				return fmt.Errorf("draw chart: %w", err)
			}
			line.Color, line.Width = color.Gray{Y: 0x30}, vg.Points(1.2)
			line.Dashes = markerDashes[markers%len(markerDashes)]
			markers++
			p.Add(line)
			p.Legend.Add(s.Name, line)
		}
	}
	return nil
}

func dollars(v float64) string { return units.USD(v).Whole() }

// relabel keeps a ticker's ticks within the axis and writes each labelled one with format,
// so that axes read 1,000 and $10,000 rather than 1000 and 1e+04.
func relabel(t plot.Ticker, format func(float64) string) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var out []plot.Tick
		for _, tk := range t.Ticks(lo, hi) {
			// Log ticks run to the next power of ten; a label past the
			// axis would only push the plot inwards.
			if tk.Value < lo || tk.Value > hi {
				continue
			}
			if tk.Label != "" {
				tk.Label = format(tk.Value)
			}
			out = append(out, tk)
		}
		return out
	})
}
