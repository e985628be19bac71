package report

import (
	"fmt"
	"github.com/costgate/costgate/architecture"
	"image/color"
	"io"
	"strings"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/units"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ParetoOutputter renders costgate plan --pareto: each plan's cost–quality
// frontier.
type ParetoOutputter interface {
	Outputter
	Pareto(w io.Writer, fs []*plan.Frontier) error
}

func (textFormat) Pareto(w io.Writer, fs []*plan.Frontier) error { return paretoTexts(w, fs) }
func (jsonFormat) Pareto(w io.Writer, fs []*plan.Frontier) error { return writeJSONList(w, fs) }

// paretoTexts writes frontiers (costgate plan --pareto) for a person.
func paretoTexts(w io.Writer, fs []*plan.Frontier) error {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString("\n")
		}
		paretoText(&b, f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// paretoText lists a frontier, cheapest first, one assignment a line.
func paretoText(b *strings.Builder, f *plan.Frontier) {
	fmt.Fprintf(b, "costgate plan --pareto: team %s (%s), priced for %s; decision %s\n", f.Team, f.Spec, f.AsOf, strings.ToUpper(string(f.Decision)))
	denied := len(f.Points) - f.Allowed()
	fmt.Fprintf(b, "%s the policies allow that no other allowed one beats on both expected monthly cost and token-weighted quality", units.Plural(f.Allowed(), "assignment"))
	if denied > 0 {
		fmt.Fprintf(b, ", and %s that would, marked", units.Plural(denied, "denied one"))
	}
	b.WriteString(":\n\n")
	fmt.Fprintf(b, "  %-11s  %-8s  %-12s  %s\n", "MONTHLY", "QUALITY", "OPTION", "ROUTES")
	for _, p := range f.Points {
		mark := ""
		if p.Chosen {
			mark = "  <- chosen"
		}
		if len(p.DeniedBy) > 0 {
			mark += "  denied by " + strings.Join(p.DeniedBy, ", ")
		}
		fmt.Fprintf(b, "  %-11s  %-8.3f  %-12s  %s%s\n", units.USD(p.MonthlyUSD).Whole(), p.Quality, p.Option, pointLine(p), mark)
	}
}

// pointLine is a frontier point's routes and fleet on one line.
func pointLine(p plan.ParetoPoint) string {
	parts := make([]string, len(p.Routes))
	for i, r := range p.Routes {
		parts[i] = r.Workload + " → " + routeText(r.ServedBy, r.Model, "")
	}
	s := strings.Join(parts, " · ")
	if p.Fleet != "" {
		s += " (fleet: " + p.Fleet + ")"
	}
	return s
}

// ParetoChart draws a frontier as SVG or PNG: monthly cost against
// token-weighted quality, the allowed frontier as a step line through its
// points, the denied points that would beat it as crosses, the chosen
// assignment ringed.
func ParetoChart(w io.Writer, format string, f *plan.Frontier) error {
	if format != ChartSVG && format != ChartPNG {
		return fmt.Errorf("draw pareto chart: unknown format %q (want svg or png)", format)
	}
	if len(f.Points) == 0 {
		return fmt.Errorf("draw pareto chart: no assignment was priced")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: cost against quality (%s)", f.Team, f.AsOf)
	p.X.Label.Text = "expected monthly cost (USD)"
	p.Y.Label.Text = "token-weighted quality score"
	p.X.Tick.Marker = relabel(plot.DefaultTicks{}, dollars)
	p.Add(plotter.NewGrid())
	var xys, denied, chosen plotter.XYs
	for _, pt := range f.Points {
		xy := plotter.XY{X: pt.MonthlyUSD, Y: pt.Quality}
		if len(pt.DeniedBy) > 0 {
			denied = append(denied, xy)
			continue
		}
		xys = append(xys, xy)
		if pt.Chosen {
			chosen = append(chosen, xy)
		}
	}
	if len(xys) > 0 {
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("draw pareto chart: %w", err)
		}
		line.StepStyle = plotter.PostStep
		line.Color = optionStyle[architecture.Hybrid]
		points.Shape, points.Color = draw.CircleGlyph{}, line.Color
		p.Add(line, points)
		p.Legend.Add("allowed, non-dominated", line, points)
	}
	if len(denied) > 0 {
		cross, err := plotter.NewScatter(denied)
		if err != nil {
			return fmt.Errorf("draw pareto chart: %w", err)
		}
		cross.Shape, cross.Radius, cross.Color = draw.CrossGlyph{}, vg.Points(4), color.Gray{Y: 128}
		p.Add(cross)
		p.Legend.Add("denied by a policy", cross)
	}
	if len(chosen) > 0 {
		ring, err := plotter.NewScatter(chosen)
		if err != nil {
			return fmt.Errorf("draw pareto chart: %w", err)
		}
		ring.Shape, ring.Radius, ring.Color = draw.RingGlyph{}, vg.Points(7), color.Black
		p.Add(ring)
		p.Legend.Add("chosen", ring)
	}
	p.Legend.Top, p.Legend.Left = false, false
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, format)
	if err != nil {
		return fmt.Errorf("draw pareto chart: %w", err)
	}
	_, err = wt.WriteTo(w)
	return err
}
