package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/units"
)

// RuleChangeLines renders rule changes one line each, a price book's
// changed entries folded in (the first few, then a count).
func RuleChangeLines(changes []review.RuleChange) []string {
	const shown = 8
	var out []string
	for _, c := range changes {
		line := fmt.Sprintf("%s %s %s", c.Kind, c.File, c.Change)
		if n := len(c.Details); n > 0 {
			d := c.Details[:min(n, shown)]
			line += ": " + strings.Join(d, "; ")
			if n > shown {
				line += fmt.Sprintf("; and %d more", n-shown)
			}
		}
		out = append(out, line)
	}
	return out
}

// DiffJSON writes the diffs as indented JSON: one object for one diff, an
// array for several.
func DiffJSON(w io.Writer, diffs []*review.Diff) error { return writeJSONList(w, diffs) }

// DiffText writes the diffs for a terminal.
func DiffText(w io.Writer, diffs []*review.Diff) error {
	b := &strings.Builder{}
	if len(diffs) > 0 && len(diffs[0].RuleChanges) > 0 {
		b.WriteString("PRICE BOOKS AND POLICIES CHANGED (base priced and gated with the base's, head with the head's)\n")
		for _, line := range RuleChangeLines(diffs[0].RuleChanges) {
			fmt.Fprintf(b, "  %s\n", plain(line))
		}
		b.WriteString("\n")
	}
	for i, d := range diffs {
		if i > 0 {
			b.WriteString("\n")
		}
		diffText(b, d)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func diffText(b *strings.Builder, d *review.Diff) {
	if d.New {
		fmt.Fprintf(b, "costgate diff: team %s (%s), new spec, priced for %s\n\n", plain(d.Team), plain(d.Spec), d.AsOf)
	} else {
		fmt.Fprintf(b, "costgate diff: team %s, %s → %s, priced for %s\n\n", plain(d.Team), plain(d.BaseSpec), plain(d.Spec), d.AsOf)
	}
	fmt.Fprintf(b, "%s\n", Headline(d))
	fmt.Fprintf(b, "DECISION   %s\n", decisionLine(d.Decision))
	for _, l := range d.Loosened {
		fmt.Fprintf(b, "LOOSENED   %s (line %d): %s\n", plain(l.Attribute), l.Line, plain(l.Message))
	}
	if !d.New {
		fmt.Fprintf(b, "VERDICT    %s\n", verdictChange(d))
		fmt.Fprintf(b, "BREAKEVEN  %s\n", change(breakevenText(d.Breakeven[0]), breakevenText(d.Breakeven[1])))
	}
	b.WriteString("\n")

	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OPTION\tBASE\tHEAD\tΔ EXPECTED\tΔ LOW\tΔ HIGH\tSTATUS")
	for _, o := range d.Options {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Architecture, moneyCell(o.Base), moneyCell(o.Head),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.Expected }),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.Low }),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.High }), plain(optionStatus(d, o)))
	}
	tw.Flush()
	b.WriteString("(expected USD per month)\n")

	b.WriteString("\nPOLICY RESULTS\n")
	if len(d.Policies) == 0 {
		b.WriteString("  no policy result appeared or cleared\n")
	}
	for _, pc := range d.Policies {
		sign := "+"
		if pc.Change == review.Cleared {
			sign = "-"
		}
		fmt.Fprintf(b, "  %s %-6s %-12s %s: %s\n", sign, strings.ToUpper(pc.Kind), plain(pc.Option), plain(pc.Policy), plain(pc.Message))
	}
	textRouteChanges(b, d)

	if d.New {
		return
	}
	b.WriteString("\nWHAT MOVED THE COST\n")
	if len(d.Inputs) == 0 {
		b.WriteString("  no input changed\n")
		return
	}
	archs := attributedArchs(d)
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tINPUT\tBASE\tHEAD\tDECIDED")
	for _, a := range archs {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(string(a)))
	}
	fmt.Fprintln(tw)
	cols := attributionColumns(d)
	for i, in := range d.Inputs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s", in.Step, plain(in.Input), plain(in.Base), plain(in.Head), cellAt(cols["decided"], i))
		for _, a := range archs {
			fmt.Fprintf(tw, "\t%s", cellAt(cols[string(a)], i))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "\ttotal\t\t\t%s", signedPtr(d.Totals.DecisionUSD))
	for _, a := range archs {
		fmt.Fprintf(tw, "\t%s", signed(d.Totals.OptionsUSD[a]))
	}
	fmt.Fprintln(tw)
	tw.Flush()
	fmt.Fprintf(b, "(expected USD per month; %s)\n", d.Order)
}

// Headline is the diff's one-line verdict.
func Headline(d *review.Diff) string {
	dc := d.Decision
	switch {
	case dc.Head == architecture.Blocked:
		if dc.Base == architecture.Blocked {
			return "Still blocked: no architecture is allowed."
		}
		return "Now blocked: no architecture is allowed, so pulumi up would fail."
	case d.New:
		return fmt.Sprintf("New spec: %s at $%s/month expected.", dc.Head, units.Count(*dc.HeadUSD))
	case dc.Base == architecture.Blocked:
		return fmt.Sprintf("Unblocked: %s at $%s/month expected.", dc.Head, units.Count(*dc.HeadUSD))
	}
	delta := *dc.DeltaUSD
	what := "No change in the decided cost"
	switch {
	case math.Round(delta) > 0:
		what = fmt.Sprintf("Decided cost up $%s/month%s", units.Count(delta), pctText(dc.DeltaPct))
	case math.Round(delta) < 0:
		what = fmt.Sprintf("Decided cost down $%s/month%s", units.Count(-delta), pctText(dc.DeltaPct))
	}
	if dc.Changed() {
		return fmt.Sprintf("%s: the decision moves from %s to %s.", what, dc.Base, dc.Head)
	}
	return fmt.Sprintf("%s: %s at $%s/month expected.", what, dc.Head, units.Count(*dc.HeadUSD))
}

func pctText(p *float64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(" (%+.1f%%)", *p)
}

func decisionLine(dc review.DecisionChange) string {
	side := func(arch architecture.Name, usd *float64) string {
		if usd == nil {
			return string(arch)
		}
		return fmt.Sprintf("%s $%s", arch, units.Count(*usd))
	}
	if dc.Base == "" {
		return side(dc.Head, dc.HeadUSD)
	}
	s := side(dc.Base, dc.BaseUSD) + " → " + side(dc.Head, dc.HeadUSD)
	if dc.DeltaUSD != nil {
		s += " (" + signed(*dc.DeltaUSD)
		if dc.DeltaPct != nil {
			s += fmt.Sprintf(", %+.1f%%", *dc.DeltaPct)
		}
		s += ")"
	}
	return s
}

// verdictChange is the verdict on each side in words, saying where the
// option it favours is denied there (Plan.VerdictText).
func verdictChange(d *review.Diff) string {
	side := func(v string, p *plan.Plan) string {
		if p != nil && string(p.Verdict) == v {
			return p.VerdictText()
		}
		return architecture.Verdict(v).Text()
	}
	return change(side(d.Verdict[0], d.Base), side(d.Verdict[1], d.Head))
}

func change(a, b string) string {
	if a == b {
		return a + " (unchanged)"
	}
	return a + " → " + b
}

func breakevenText(n *int) string {
	if n == nil {
		return "none"
	}
	return units.Count(float64(*n)) + " developers"
}

func moneyCell(m *plan.Money) string {
	if m == nil {
		return "-"
	}
	return units.USD(m.Expected).Whole()
}

func deltaCell(m *plan.Money, get func(plan.Money) float64) string {
	if m == nil {
		return "-"
	}
	return signed(get(*m))
}

// signed writes a dollar change with its sign: +$1,234, -$56, $0.
func signed(v float64) string { return units.USD(v).Signed() }

func signedPtr(v *float64) string {
	if v == nil {
		return "-"
	}
	return signed(*v)
}

func optionStatus(d *review.Diff, o review.OptionChange) string {
	status := func(priced, allowed bool) string {
		switch {
		case !priced:
			return "absent"
		case allowed:
			return "allowed"
		}
		return "denied"
	}
	head := status(o.Head != nil, o.HeadAllowed)
	if o.Head != nil && !o.HeadAllowed {
		head += ": " + strings.Join(o.HeadDenials, ", ")
	}
	s := head
	if !d.New {
		if base := status(o.Base != nil, o.BaseAllowed); base != status(o.Head != nil, o.HeadAllowed) {
			s += " (was " + base + ")"
		}
	}
	if o.Architecture == d.Decision.Head {
		s += "  <- chosen"
	}
	return s
}

// attributedArchs lists the options with an attribution, in order.
func attributedArchs(d *review.Diff) []architecture.Name {
	var out []architecture.Name
	for _, a := range architecture.All {
		if _, ok := d.Totals.OptionsUSD[a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// attributionColumns rounds each attribution column to whole dollars so
// that the shown rows add up to the shown total (largest remainder), as
// the exact figures do: rounding each row on its own could leave the
// column a dollar off its total. Keys are "decided" and each architecture.
func attributionColumns(d *review.Diff) map[string][]string {
	out := map[string][]string{}
	col := func(key string, vals []float64, total float64) {
		rounded := wholeDollars(vals, total)
		cells := make([]string, len(rounded))
		for i, v := range rounded {
			cells[i] = signed(v)
		}
		out[key] = cells
	}
	if d.Totals.DecisionUSD != nil {
		vals := make([]float64, len(d.Inputs))
		for i, in := range d.Inputs {
			vals[i] = *in.DecisionUSD
		}
		col("decided", vals, *d.Totals.DecisionUSD)
	}
	for _, a := range attributedArchs(d) {
		vals := make([]float64, len(d.Inputs))
		for i, in := range d.Inputs {
			vals[i] = in.OptionsUSD[a]
		}
		col(string(a), vals, d.Totals.OptionsUSD[a])
	}
	return out
}

// wholeDollars rounds vals to whole numbers summing to round(total):
// each is floored, then the units left go to the largest remainders.
func wholeDollars(vals []float64, total float64) []float64 {
	out := make([]float64, len(vals))
	rem := make([]int, len(vals))
	sum := 0.0
	for i, v := range vals {
		out[i] = math.Floor(v + 1e-9)
		sum += out[i]
		rem[i] = i
	}
	slices.SortStableFunc(rem, func(a, b int) int {
		ra, rb := vals[a]-out[a], vals[b]-out[b]
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	left := int(math.Round(total) - sum)
	for i := 0; i < left && i < len(rem); i++ {
		out[rem[i]]++
	}
	return out
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return "-"
}
