package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/spf13/cobra"
)

var breakevenFormats = report.FormatsOf[report.BreakevenOutputter]()

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

Every row prices each option's cheapest assignment, policies aside, but
the team today's: that row is priced as costgate plan prices it under the
built-in policies, and a note says where they move an option to a dearer
assignment (a spend.approval threshold, say). A fixed fleet (gpus) that
cannot carry a row's load is compared in that row as the fleet that would
(the plan's sizing.required_monthly_usd, which its verdict compares too),
the team today's row included. Another note names the options that plan
denies at the team's size and the policies that deny them: the rows and
the breakeven compare costs, and an option denied whatever it costs
(managed APIs under compliance.external_api) is no choice at any size.
Where self-hosting costs more again at a larger team the table prices (a
fixed fleet that carries the load up to a size, compared beyond it as the
dearer fleet that would), a note says the breakeven opens a window.

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
	chartFormat, err := chartFormatOf(f.plotPath)
	if err != nil {
		return err
	}
	if cmd.Flags().Changed("max-developers") && (f.maxDevelopers < 1 || f.maxDevelopers > costmodel.MaxDevelopers) {
		return invalid(fmt.Errorf("--max-developers %d: want 1 to %d", f.maxDevelopers, costmodel.MaxDevelopers))
	}
	cat, asOf, err := catalogAndDate(f.catalog, f.asOf)
	if err != nil {
		return err
	}
	date := asOf.Format(time.DateOnly)
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
	// Priced as plan prices it without a stack configuration, so that the
	// two agree to the cent at the team's size.
	perDecade := 3
	if chartFormat != "" {
		perDecade = 24
	}
	ch, err := costmodel.BreakevenChart(s, cat.ForDeployment(modelcatalog.Deployment{}), date, f.maxDevelopers, perDecade)
	if err != nil {
		return invalid(fmt.Errorf("price %s: %w", path, err))
	}
	notes, err := gatedToday(cmd.Context(), s, cat, asOf, ch)
	if err != nil {
		return invalid(fmt.Errorf("price %s: %w", path, err))
	}
	if n := windowNote(ch); n != "" {
		notes = append(notes, n)
	}
	data := report.ChartData{Spec: path, Team: s.Team.Name, AsOf: date, Points: ch.Points, Breakeven: ch.Breakeven, Current: s.Team.Developers, TeamToday: ch.TeamToday, Notes: notes}
	out := cmd.OutOrStdout()
	if chartFormat != "" {
		if err := writeOutputFile(f.plotPath, func(w io.Writer) error { return report.Chart(w, chartFormat, data) }); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "wrote %s: %s\n", f.plotPath, report.PlotSummary(data, ch.MaxDevelopers)); err != nil {
			return err
		}
		for _, n := range notes {
			if _, err := fmt.Fprintf(out, "note: %s\n", n); err != nil {
				return err
			}
		}
		return nil
	}
	o, err := report.Lookup[report.BreakevenOutputter](f.format)
	if err != nil {
		return invalid(err)
	}
	return o.Breakeven(out, data)
}

// gatedToday prices the team-today row as `costgate plan SPEC` does,
// under the built-in policies: an option whose cheapest assignments they
// deny (a spend.approval threshold) is the plan's dearer one there, and
// a note says so; the other rows price each option's cheapest assignment,
// policies aside. A fixed fleet compared at the fleet that would carry
// its load (sizing.required_monthly_usd) is already the plan's.
func gatedToday(ctx context.Context, s *spec.Spec, cat *modelcatalog.Catalog, asOf time.Time, ch *costmodel.Chart) ([]string, error) {
	row := slices.IndexFunc(ch.Points, func(p costmodel.Point) bool { return p.Developers == ch.TeamToday })
	if row < 0 {
		return []string{}, nil
	}
	ev, err := plan.NewPolicies()
	if err != nil {
		return nil, err
	}
	// The row is the team's midpoint alone, as the sweep prices it: a
	// range of developers would widen the plan's low and high past the
	// row's other options'.
	mid := s.Team.Developers.Mid()
	at := *s
	at.Team.Developers = spec.Scalar(mid)
	p, err := plan.Build(ctx, &at, plan.Options{Catalog: cat, AsOf: asOf, Policies: ev})
	if err != nil {
		return nil, fmt.Errorf("plan at the team's size: %w", err)
	}
	notes := []string{}
	for _, o := range p.Options {
		m, ok := ch.Points[row].Options[o.Architecture]
		if !ok || math.Abs(m.Expected-o.MonthlyUSD.Expected) < 0.005 ||
			o.Sizing != nil && o.Sizing.RequiredMonthlyUSD != nil && math.Abs(m.Expected-*o.Sizing.RequiredMonthlyUSD) < 0.005 {
			continue
		}
		var by []string
		for _, c := range p.Search.Rejected {
			if c.Option == o.Architecture && c.MonthlyUSD < o.MonthlyUSD.Expected {
				for _, id := range c.DeniedBy {
					by = plan.AppendUnique(by, id)
				}
			}
		}
		why := "its policies deny the cheaper assignment"
		if len(by) > 0 {
			why += " (" + strings.Join(by, ", ") + ")"
		}
		notes = append(notes, fmt.Sprintf("at %s developers %s is %s as the plan prices it: %s that this row had priced at %s; the other rows price each option's cheapest assignment, policies aside",
			strconv.FormatFloat(mid, 'f', -1, 64), o.Architecture, units.USD(o.MonthlyUSD.Expected).Whole(), why, units.USD(m.Expected).Whole()))
		ch.Points[row].Options[o.Architecture] = costmodel.Money{Low: o.MonthlyUSD.Low, Expected: o.MonthlyUSD.Expected, High: o.MonthlyUSD.High}
	}
	if n := deniedToday(p, mid); n != "" {
		notes = append(notes, n)
	}
	return notes, nil
}

// windowNote says where self-hosting costs no more than managed APIs at
// the breakeven but more again at a larger team the chart prices (a fixed
// fleet that carries the load up to a size and is compared beyond it as
// the dearer fleet that would): the breakeven is then where a window
// opens, not a threshold; "" when no row past it is dearer.
func windowNote(ch *costmodel.Chart) string {
	if ch.Breakeven == nil {
		return ""
	}
	for _, p := range ch.Points {
		m, okm := p.Options[architecture.Managed]
		sh, oks := p.Options[architecture.SelfHosted]
		if p.Developers > *ch.Breakeven && okm && oks && sh.Expected > m.Expected {
			return fmt.Sprintf("self-hosted costs no more than managed from %s developers, but more again at %s (%s against %s): the breakeven opens a window, not a threshold",
				units.Count(float64(*ch.Breakeven)), units.Count(float64(p.Developers)), units.USD(sh.Expected).Whole(), units.USD(m.Expected).Whole())
		}
	}
	return ""
}

// deniedToday names the options the plan at the team's size (mid
// developers) denies, with the policies that deny them: the rows and the
// breakeven compare costs, and an option a policy denies whatever it
// costs (compliance.external_api) is no choice at any size; "" when the
// plan denies none.
func deniedToday(p *plan.Plan, mid float64) string {
	var denied []string
	for _, o := range p.Options {
		if o.Allowed {
			continue
		}
		var by []string
		for _, v := range o.Violations {
			by = plan.AppendUnique(by, v.Policy)
		}
		why := strings.Join(by, ", ")
		if len(by) == 1 && by[0] == "capacity.exceeded" {
			// The row prices the fleet that would carry the load
			// (sizing.required_monthly_usd), not the fixed one denied.
			why += "; the row prices the fleet that would carry the load"
		}
		denied = append(denied, fmt.Sprintf("%s (%s)", o.Architecture, why))
	}
	if len(denied) == 0 {
		return ""
	}
	return fmt.Sprintf("at %s developers the plan denies %s: the rows and the breakeven compare costs, the policies aside (costgate plan says why)",
		strconv.FormatFloat(mid, 'f', -1, 64), strings.Join(denied, " and "))
}

// chartFormatOf is the chart format --plot's file name asks for: "" with
// no file, svg or png by its extension, anything else invalid.
func chartFormatOf(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != report.ChartSVG && format != report.ChartPNG {
		return "", invalid(fmt.Errorf("--plot %q: want a file ending in .svg or .png", path))
	}
	return format, nil
}

// writeOutputFile creates path and writes it with write; a failed write
// leaves no partial chart behind.
func writeOutputFile(path string, write func(io.Writer) error) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return invalid(fmt.Errorf("create chart: %w", err))
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write chart: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	return write(file)
}

func todayUTC() string {
	return time.Now().UTC().Format(time.DateOnly)
}
