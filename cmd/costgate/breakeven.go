package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/costgate/costgate/breakeven"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/spf13/cobra"
)

var breakevenFormats = []string{"text", "json"}

// breakevenFlags are the breakeven command's flags.
type breakevenFlags struct {
	format, catalog, asOf, plotPath string
	maxDevelopers                   int
}

func newBreakevenCmd() *cobra.Command {
	var f breakevenFlags
	cmd := &cobra.Command{
		Use:   "breakeven SPEC",
		Short: "Show how each option's monthly cost moves with team size",
		Long: `breakeven re-prices the spec at a range of team sizes, everything else as
written (tokens per developer, shares, models, prices and their ranges), with
the self-hosted fleet re-sized at each size. It shows managed, self-hosted and
hybrid monthly cost (low, expected, high), the breakeven team size — the
smallest team at which self-hosting's expected cost is no more than managed
APIs' — and the team today.

Without --plot it prints a table at log-spaced team sizes (1, 2, 5, 10, 20,
50, …) plus the team today and the breakeven. With --plot it draws a chart:
team size (developers) against monthly cost (USD/month), a line and a
low–high band per option, and markers at the breakeven and the team today;
the file's extension (.svg or .png) picks the format.

--max-developers sets the largest team size; by default it is the first
power of ten at or above four times the team (and twice the breakeven),
at least 100. Exit code 2 when the spec or a flag is invalid.`,
		Example: `  costgate breakeven examples/acme-platform.hcl
  costgate breakeven teams/acme.hcl --plot breakeven.svg --max-developers 5000
  costgate breakeven teams/acme.hcl --format json --as-of 2026-11-26`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBreakeven(cmd, &f, args[0])
		},
	}
	cmd.Flags().StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(breakevenFormats, "|"))
	cmd.Flags().StringVar(&f.catalog, "catalog", "", "price book (JSON) that overrides or extends the embedded catalog")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "date to price the plan for, YYYY-MM-DD (default today, UTC)")
	cmd.Flags().StringVar(&f.plotPath, "plot", "", "draw the chart to this file (.svg or .png) instead of printing the table")
	cmd.Flags().IntVar(&f.maxDevelopers, "max-developers", 0, "largest team size to price (default: from the team and the breakeven)")
	return cmd
}

func runBreakeven(cmd *cobra.Command, f *breakevenFlags, path string) error {
	if err := checkFormat(f.format, breakevenFormats); err != nil {
		return err
	}
	chartFormat := ""
	if f.plotPath != "" {
		chartFormat = strings.TrimPrefix(strings.ToLower(filepath.Ext(f.plotPath)), ".")
		if chartFormat != report.ChartSVG && chartFormat != report.ChartPNG {
			return invalid(fmt.Errorf("--plot %q: want a file ending in .svg or .png", f.plotPath))
		}
	}
	if cmd.Flags().Changed("max-developers") && (f.maxDevelopers < 1 || f.maxDevelopers > breakeven.MaxDevelopers) {
		return invalid(fmt.Errorf("--max-developers %d: want 1 to %d", f.maxDevelopers, breakeven.MaxDevelopers))
	}
	cat, asOf, err := catalogAndDate(f.catalog, f.asOf)
	if err != nil {
		return err
	}
	date := asOf.Format(plan.DateLayout)
	if asOf.IsZero() {
		date = todayUTC()
	}
	parser := spec.NewParser(cat)
	s, diags := parser.ParseFile(path)
	if len(diags) > 0 {
		if err := parser.WriteDiagnostics(cmd.ErrOrStderr(), diags); err != nil {
			return err
		}
	}
	if diags.HasErrors() {
		return errReported
	}
	res, err := breakeven.Evaluate(s, cat, date)
	if err != nil {
		return invalid(fmt.Errorf("price %s: %w", path, err))
	}
	maxDevs := f.maxDevelopers
	if maxDevs == 0 {
		maxDevs = defaultMaxDevelopers(s.Team.Developers, res.Breakeven)
	}
	perDecade := 3
	if chartFormat != "" {
		perDecade = 24
	}
	team := int(math.Round(s.Team.Developers.Mid()))
	extra := []int{}
	if team <= maxDevs {
		extra = append(extra, team)
	}
	if be := res.Breakeven; be != nil && *be <= maxDevs {
		extra = append(extra, *be)
	}
	sizes := breakeven.WithSizes(breakeven.LogSizes(maxDevs, perDecade), extra...)
	points, err := breakeven.Sweep(s, cat, date, sizes)
	if err != nil {
		return invalid(fmt.Errorf("price %s: %w", path, err))
	}
	data := report.ChartData{Team: s.Team.Name, AsOf: date, Points: points, Breakeven: res.Breakeven, Current: s.Team.Developers}
	out := cmd.OutOrStdout()
	if chartFormat != "" {
		if err := writeChart(f.plotPath, chartFormat, data); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, "wrote %s: %s over 1–%s developers, breakeven %s, team today %s\n", f.plotPath,
			strings.Join(optionNames(points), ", "), plan.USD(float64(maxDevs)), breakevenSummary(res.Breakeven), teamText(s.Team.Developers))
		return err
	}
	if f.format == "json" {
		return breakevenJSON(out, path, data)
	}
	return breakevenText(out, path, data, team)
}

func writeChart(path, format string, data report.ChartData) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return invalid(fmt.Errorf("create chart: %w", err))
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write chart: %w", cerr)
		}
	}()
	return report.Chart(file, format, data)
}

// defaultMaxDevelopers is the first power of ten at or above four times the
// team and twice the breakeven, so both sit well inside the sweep.
func defaultMaxDevelopers(team spec.Range, be *int) int {
	want := 4 * team.High
	if be != nil {
		want = math.Max(want, 2*float64(*be))
	}
	n := int(math.Pow(10, math.Ceil(math.Log10(math.Max(want, 100)))))
	return min(n, breakeven.MaxDevelopers)
}

func optionNames(points []breakeven.Point) []string {
	var out []string
	for _, a := range []string{plan.Managed, plan.SelfHosted, plan.Hybrid} {
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
	return plan.USD(float64(*be)) + " developers"
}

func teamText(r spec.Range) string {
	if r.IsScalar() {
		return plan.USD(r.Low)
	}
	return plan.USD(r.Low) + "–" + plan.USD(r.High)
}

func breakevenText(w io.Writer, path string, d report.ChartData, team int) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "costgate breakeven: team %s (%s), priced for %s\n", d.Team, path, d.AsOf)
	fmt.Fprintf(b, "BREAKEVEN  %s (self-hosted expected ≤ managed expected)\nTEAM       %s developers today\n\n", breakevenSummary(d.Breakeven), teamText(d.Current))
	archs := optionNames(d.Points)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "DEVELOPERS\t")
	for _, a := range archs {
		fmt.Fprintf(tw, "%s\t%s LOW–HIGH\t", strings.ToUpper(a), strings.ToUpper(a))
	}
	fmt.Fprintln(tw, "\t")
	for _, p := range d.Points {
		fmt.Fprintf(tw, "%s\t", plan.USD(float64(p.Developers)))
		for _, a := range archs {
			m, ok := p.Options[a]
			if !ok {
				fmt.Fprint(tw, "-\t-\t")
				continue
			}
			fmt.Fprintf(tw, "$%s\t$%s–$%s\t", plan.USD(m.Expected), plan.USD(m.Low), plan.USD(m.High))
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
}

// pointJSON is one team size's costs, in the plan's money shape.
type pointJSON struct {
	Developers int                   `json:"developers"`
	Options    map[string]plan.Money `json:"monthly_usd"`
}

func breakevenJSON(w io.Writer, path string, d report.ChartData) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	points := make([]pointJSON, 0, len(d.Points))
	for _, p := range d.Points {
		pj := pointJSON{Developers: p.Developers, Options: map[string]plan.Money{}}
		for a, m := range p.Options {
			pj.Options[a] = plan.Money{Low: cents(m.Low), Expected: cents(m.Expected), High: cents(m.High)}
		}
		points = append(points, pj)
	}
	return enc.Encode(breakevenJSONOut{Spec: path, Team: d.Team, AsOf: d.AsOf, Breakeven: d.Breakeven, Developers: d.Current, Points: points})
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

func todayUTC() string {
	return time.Now().UTC().Format(plan.DateLayout)
}
