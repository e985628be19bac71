package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// BreakevenOutputter renders costgate breakeven's table.
type BreakevenOutputter interface {
	Outputter
	Breakeven(w io.Writer, d ChartData) error
}

func (textFormat) Breakeven(w io.Writer, d ChartData) error { return breakevenTable(w, d) }
func (jsonFormat) Breakeven(w io.Writer, d ChartData) error { return breakevenJSON(w, d) }

// PlotSummary is the line costgate breakeven --plot prints.
func PlotSummary(d ChartData, maxDevelopers int) string {
	return fmt.Sprintf("%s over 1–%s developers, breakeven %s, team today %s",
		strings.Join(names(optionNames(d.Points)), ", "), units.Count(float64(maxDevelopers)), breakevenSummary(d.Breakeven), teamText(d.Current))
}

func optionNames(points []costmodel.Point) []architecture.Name {
	var out []architecture.Name
	for _, a := range architecture.All {
		for _, p := range points {
			if _, ok := p.Options[a]; ok {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

func breakevenSummary(be *int) string {
	if be == nil {
		return "none up to 100,000 developers"
	}
	return units.Count(float64(*be)) + " developers"
}

func teamText(r spec.Range) string {
	if r.IsScalar() {
		return units.Count(r.Low)
	}
	return units.Count(r.Low) + "–" + units.Count(r.High)
}

func breakevenTable(w io.Writer, d ChartData) error {
	path, team := d.Spec, d.TeamToday
	b := &strings.Builder{}
	fmt.Fprintf(b, "costgate breakeven: team %s (%s), priced for %s\n", plain(d.Team), plain(path), d.AsOf)
	fmt.Fprintf(b, "BREAKEVEN  %s (self-hosted expected ≤ managed expected)\nTEAM       %s developers today\n\n", breakevenSummary(d.Breakeven), teamText(d.Current))
	archs := optionNames(d.Points)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "DEVELOPERS\t")
	for _, a := range archs {
		fmt.Fprintf(tw, "%s\t%s LOW–HIGH\t", strings.ToUpper(string(a)), strings.ToUpper(string(a)))
	}
	fmt.Fprintln(tw, "\t")
	for _, p := range d.Points {
		fmt.Fprintf(tw, "%s\t", units.Count(float64(p.Developers)))
		for _, a := range archs {
			m, ok := p.Options[a]
			if !ok {
				fmt.Fprint(tw, "-\t-\t")
				continue
			}
			fmt.Fprintf(tw, "$%s\t$%s–$%s\t", units.Count(m.Expected), units.Count(m.Low), units.Count(m.High))
		}
		var marks []string
		if p.Developers == team {
			marks = append(marks, "team today")
		}
		if d.Breakeven != nil && p.Developers == *d.Breakeven {
			marks = append(marks, "breakeven")
		}
		mark := ""
		if len(marks) > 0 {
			mark = "<- " + strings.Join(marks, ", ")
		}
		fmt.Fprintf(tw, "%s\t\n", mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("(USD per month; every input but the team size as in the spec)\n")
	for _, n := range d.Notes {
		fmt.Fprintf(b, "note: %s\n", plain(n))
	}
	// tabwriter pads the last column even when a row has no marker.
	lines := strings.Split(b.String(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// breakevenJSONOut is the breakeven command's JSON.
type breakevenJSONOut struct {
	Spec       string      `json:"spec"`
	Team       string      `json:"team"`
	AsOf       string      `json:"as_of"`
	Breakeven  *int        `json:"breakeven_developers"`
	Developers spec.Range  `json:"developers"`
	Points     []pointJSON `json:"points"`
	Notes      []string    `json:"notes"`
}

// pointJSON is one team size's costs, in the plan's money shape.
type pointJSON struct {
	Developers int                              `json:"developers"`
	Options    map[architecture.Name]plan.Money `json:"monthly_usd"`
}

func breakevenJSON(w io.Writer, d ChartData) error {
	path := d.Spec
	points := make([]pointJSON, 0, len(d.Points))
	for _, p := range d.Points {
		pj := pointJSON{Developers: p.Developers, Options: map[architecture.Name]plan.Money{}}
		for a, m := range p.Options {
			pj.Options[a] = plan.Money{Low: units.RoundCents(m.Low), Expected: units.RoundCents(m.Expected), High: units.RoundCents(m.High)}
		}
		points = append(points, pj)
	}
	notes := append([]string{}, d.Notes...)
	return writeJSON(w, breakevenJSONOut{Spec: path, Team: d.Team, AsOf: d.AsOf, Breakeven: d.Breakeven, Developers: d.Current, Points: points, Notes: notes})
}

// names are the architectures' names as strings.
func names(archs []architecture.Name) []string {
	out := make([]string, len(archs))
	for i, a := range archs {
		out[i] = string(a)
	}
	return out
}
