package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot/plotter"
)

func chartData() ChartData {
	be := 58
	m := func(lo, exp, hi float64) costmodel.Money { return costmodel.Money{Low: lo, Expected: exp, High: hi} }
	return ChartData{
		Team: "seed", AsOf: "2026-11-26", Breakeven: &be, Current: spec.Range{Low: 40, High: 60},
		Points: []costmodel.Point{
			{Developers: 1, Options: map[architecture.Name]costmodel.Money{"managed": m(100, 200, 300), "self_hosted": m(10000, 11000, 12000)}},
			{Developers: 10, Options: map[architecture.Name]costmodel.Money{"managed": m(1000, 2000, 3000), "self_hosted": m(10000, 11000, 12000)}},
			{Developers: 100, Options: map[architecture.Name]costmodel.Money{"managed": m(10000, 20000, 30000), "self_hosted": m(10500, 11500, 12500)}},
		},
	}
}

// TestChartSeries: the chart draws each priced option's expected costs as
// a line, its lows and highs as one band, and markers at the breakeven and
// the team today spanning every cost.
func TestChartSeries(t *testing.T) {
	got := ChartSeries(chartData())
	want := []Series{
		{Name: "managed low–high", Kind: SeriesBand, Architecture: "managed",
			XYs: plotter.XYs{{X: 1, Y: 100}, {X: 10, Y: 1000}, {X: 100, Y: 10000}, {X: 100, Y: 30000}, {X: 10, Y: 3000}, {X: 1, Y: 300}}},
		{Name: "managed expected", Kind: SeriesExpected, Architecture: "managed",
			XYs: plotter.XYs{{X: 1, Y: 200}, {X: 10, Y: 2000}, {X: 100, Y: 20000}}},
		{Name: "self_hosted low–high", Kind: SeriesBand, Architecture: "self_hosted",
			XYs: plotter.XYs{{X: 1, Y: 10000}, {X: 10, Y: 10000}, {X: 100, Y: 10500}, {X: 100, Y: 12500}, {X: 10, Y: 12000}, {X: 1, Y: 12000}}},
		{Name: "self_hosted expected", Kind: SeriesExpected, Architecture: "self_hosted",
			XYs: plotter.XYs{{X: 1, Y: 11000}, {X: 10, Y: 11000}, {X: 100, Y: 11500}}},
		{Name: "breakeven: 58 developers", Kind: SeriesMarker, XYs: plotter.XYs{{X: 58, Y: 100}, {X: 58, Y: 30000}}},
		{Name: "team today: 40–60 developers", Kind: SeriesMarker, XYs: plotter.XYs{{X: 50, Y: 100}, {X: 50, Y: 30000}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}

	noBreakeven := chartData()
	noBreakeven.Breakeven = nil
	for _, s := range ChartSeries(noBreakeven) {
		if strings.HasPrefix(s.Name, "breakeven") {
			t.Errorf("a breakeven marker without a breakeven: %+v", s)
		}
	}
}

// TestChartFiles: the PNG decodes to an image of the chart's size and the
// SVG is well-formed XML whose text carries the axis labels with units and
// the legend of each series.
func TestChartFiles(t *testing.T) {
	t.Run("png", func(t *testing.T) {
		var b bytes.Buffer
		if err := Chart(&b, ChartPNG, chartData()); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if r := img.Bounds(); r.Dx() < 500 || r.Dy() < 300 {
			t.Errorf("image is %v, want about 8×5 inches", r)
		}
	})
	t.Run("svg", func(t *testing.T) {
		var b bytes.Buffer
		if err := Chart(&b, ChartSVG, chartData()); err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(&b)
		var root string
		var text strings.Builder
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if root == "" {
					root = el.Name.Local
				}
			case xml.CharData:
				text.Write(el)
				text.WriteString("\n")
			}
		}
		if root != "svg" {
			t.Fatalf("root element %q, want svg", root)
		}
		for _, want := range []string{"team size (developers)", "monthly cost (USD/month)", "managed: expected, low–high band",
			"self_hosted: expected, low–high band", "breakeven: 58 developers", "team today: 40–60 developers", "$10,000"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("SVG text lacks %q", want)
			}
		}
		if strings.Contains(text.String(), "hybrid") {
			t.Error("SVG shows hybrid, which the data does not price")
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if err := Chart(io.Discard, "gif", chartData()); err == nil {
			t.Error("gif accepted")
		}
	})
	t.Run("no data", func(t *testing.T) {
		if err := Chart(io.Discard, ChartSVG, ChartData{Team: "x"}); err == nil {
			t.Error("an empty chart drawn")
		}
	})
}
