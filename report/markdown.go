package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/units"
)

// FormatMarkdown renders GitHub-flavoured Markdown, for pull-request
// comments and job summaries.
const FormatMarkdown = "markdown"

// CommentMarker is the hidden first line of a diff comment, by which a CI
// bot finds its own comment and updates it instead of adding another.
const CommentMarker = "<!-- costgate -->"

// Markdown writes a plan as Markdown: the decision and the options table
// in view, the details folded. The output has no timestamps, so the same
// plan gives the same bytes.
func Markdown(w io.Writer, p *plan.Plan) error {
	b := &strings.Builder{}
	planMarkdown(b, p, "###")
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownPlans writes several plans, separated by a rule, within
// CommentBudget bytes: the plans past it are summarised, one line each.
func MarkdownPlans(w io.Writer, plans []*plan.Plan) error {
	b := &strings.Builder{}
	sections := make([]section, len(plans))
	for i, p := range plans {
		sections[i] = section{
			full:  func(sb *strings.Builder) { planMarkdown(sb, p, "###") },
			short: planShort(p),
			alert: p.Decision.Architecture == architecture.Blocked || len(p.Loosened) > 0,
		}
	}
	writeWithin(b, sections, CommentBudget)
	_, err := io.WriteString(w, b.String())
	return err
}

// planShort is a plan in one line, for the summary past the budget; a
// blocked plan names what denies it.
func planShort(p *plan.Plan) string {
	what := "BLOCKED"
	if c := p.Chosen(); c != nil {
		what = fmt.Sprintf("%s at $%s/month expected", p.Decision.Architecture, units.Count(c.MonthlyUSD.Expected))
	} else {
		var ids []string
		for _, o := range p.Options {
			for _, v := range o.Violations {
				ids = append(ids, v.Policy)
			}
		}
		what += shortList("Denied", ids)
	}
	return fmt.Sprintf("%s (team %s): %s", mdCode(p.Spec), mdCode(p.Team), what)
}

// diffShort is a diff in one line, for the summary past the budget: its
// headline, what the change loosens and, when the head is blocked, what
// denies it.
func diffShort(d *review.Diff) string {
	s := mdCode(d.Spec) + ": " + Headline(d)
	attrs := make([]string, len(d.Loosened))
	for i, l := range d.Loosened {
		attrs[i] = l.Attribute
	}
	s += shortList("Loosened", attrs)
	if d.Decision.Head == architecture.Blocked {
		var ids []string
		for _, o := range d.Options {
			ids = append(ids, o.HeadDenials...)
		}
		s += shortList("Denied", ids)
	}
	return s
}

// shortList is " **label:** a, b." of the distinct non-empty items, cut
// as one text (mdText); empty when there are none.
func shortList(label string, items []string) string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		if it != "" && !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " **" + label + ":** " + mdText(strings.Join(out, ", ")) + "."
}

func planMarkdown(b *strings.Builder, p *plan.Plan, h string) {
	mdDecision(b, p, h)
	mdRoutes(b, p)
	mdFindings(b, p)
	usageMarkdown(b, p)
	mdFleets(b, p)
	mdSearch(b, p)
	mdLineItemsAndChecklist(b, p)
	mdOverrides(b, p)
	mdResources(b, p)
}

// mdDecision writes the heading, the reasons, the options table and the
// verdict line.
func mdDecision(b *strings.Builder, p *plan.Plan, h string) {
	if c := p.Chosen(); c != nil {
		fmt.Fprintf(b, "%s costgate plan: %s — %s at $%s/month expected\n\n", h, mdCode(p.Team), p.Decision.Architecture, units.Count(c.MonthlyUSD.Expected))
	} else {
		fmt.Fprintf(b, "%s costgate plan: %s — BLOCKED\n\n", h, mdCode(p.Team))
	}
	fmt.Fprintf(b, "Spec %s, priced for %s with the catalog of %s.\n\n", mdCode(p.Spec), p.AsOf, p.CatalogAsOf)
	for _, r := range p.Decision.Reasons {
		fmt.Fprintf(b, "- %s\n", cell(r))
	}
	b.WriteString("\n| Option | Low | Expected | High | Quality gap | Status |\n|---|--:|--:|--:|--:|---|\n")
	for _, o := range p.Options {
		name, status := o.Architecture, "allowed"
		if !o.Allowed {
			status = "denied: " + cell(policyIDs(o.Violations))
		}
		if o.Architecture == p.Decision.Architecture {
			name, status = "**"+name+"**", status+", **chosen**"
		}
		gap := "-"
		if o.QualityGapUSD.High > 0 {
			gap = units.USD(o.QualityGapUSD.Expected).Whole()
			if !o.QualityIncluded {
				gap += " (not in total)"
			}
		}
		fmt.Fprintf(b, "| %s | $%s | $%s | $%s | %s | %s |\n", name, units.Count(o.MonthlyUSD.Low), units.Count(o.MonthlyUSD.Expected), units.Count(o.MonthlyUSD.High), gap, status)
	}
	b.WriteString("\nUSD per month.\n\n")

	be := "none up to 100,000 developers"
	if p.Breakeven.Developers != nil {
		be = units.Count(float64(*p.Breakeven.Developers)) + " developers"
	}
	fmt.Fprintf(b, "**Verdict** %s · **Breakeven** %s (team today: %s) · **Checklist** %d/5 met: %s\n\n",
		p.VerdictText(), be, rangeText(p.Inputs.Developers.Low, p.Inputs.Developers.High), p.Checklist.Met, p.Checklist.Verdict)
}

// mdFindings lists the policy results, at most MaxFindings.
func mdFindings(b *strings.Builder, p *plan.Plan) {
	findings, total := planFindings(p)
	if len(findings) > 0 {
		b.WriteString("**Policy results**\n\n")
		for _, f := range findings {
			b.WriteString(f + "\n")
		}
		if more := total - len(findings); more > 0 {
			fmt.Fprintf(b, "- … and %d more, not shown (the first %d are): `costgate plan` lists them all\n", more, MaxFindings)
		}
		b.WriteString("\n")
	}
}

// mdFleets folds the self-hosted fleets into a details block.
func mdFleets(b *strings.Builder, p *plan.Plan) {
	var fleets []plan.Option
	for _, o := range p.Options {
		if o.Sizing != nil {
			fleets = append(fleets, o)
		}
	}
	if len(fleets) > 0 {
		b.WriteString("<details><summary>Self-hosted fleets</summary>\n\n")
		b.WriteString("| Option | Model | Instances | GPUs billed | TP | Replicas | Peak utilization | p95 TTFT |\n|---|---|---|--:|--:|--:|--:|--:|\n")
		for _, o := range fleets {
			s := o.Sizing
			ttft := "unknown"
			if s.TTFTMs != nil {
				ttft = units.Millis(*s.TTFTMs)
			}
			fmt.Fprintf(b, "| %s | %s | %d × %s | %d × %s | %d | %d | %.0f%% (target %.0f%%) | %s |\n", o.Architecture, mdCode(s.Model), s.Instances, cell(s.InstanceType),
				s.GPUs, cell(s.GPU), s.TensorParallel, s.Replicas, s.PeakUtilization*100, s.TargetUtilization*100, ttft)
		}
		for _, o := range fleets {
			for _, n := range o.Sizing.Notes {
				fmt.Fprintf(b, "\n- %s: %s", o.Architecture, cell(n))
			}
		}
		b.WriteString("\n\n</details>\n\n")
	}
}

// mdLineItemsAndChecklist folds the line items and the checklist.
func mdLineItemsAndChecklist(b *strings.Builder, p *plan.Plan) {
	b.WriteString("<details><summary>Line items</summary>\n\n| Option | Item | Low | Expected | High | Note |\n|---|---|--:|--:|--:|---|\n")
	for _, o := range p.Options {
		for _, it := range o.LineItems {
			fmt.Fprintf(b, "| %s | %s | $%s | $%s | $%s | %s |\n", o.Architecture, cell(it.Name), units.Count(it.MonthlyUSD.Low), units.Count(it.MonthlyUSD.Expected), units.Count(it.MonthlyUSD.High), cell(it.Note))
		}
	}
	b.WriteString("\n</details>\n\n")

	fmt.Fprintf(b, "<details><summary>Checklist: %d/5 met</summary>\n\n", p.Checklist.Met)
	for _, it := range p.Checklist.Items {
		mark := " "
		if it.Met {
			mark = "x"
		}
		fmt.Fprintf(b, "- [%s] %s (%s)\n", mark, cell(it.Text), cell(it.Detail))
	}
	b.WriteString("\n</details>\n")
}

// mdOverrides folds the overrides with their state.
func mdOverrides(b *strings.Builder, p *plan.Plan) {
	if len(p.Waivers) > 0 {
		b.WriteString("\n<details><summary>Overrides</summary>\n\n")
		for _, w := range p.Waivers {
			state := w.State()
			if !w.Active() && !w.Review {
				state = "**" + state + "**"
			}
			fmt.Fprintf(b, "- %s (%s): waives %s until %s, approved by %s: %s\n", mdCode(w.Name), state, mdCode(w.Policy), cell(w.Expires), cell(w.Approver), cell(w.Reason))
		}
		b.WriteString("\n</details>\n")
	}
}

// mdResources folds the count of resources pulumi up would register.
func mdResources(b *strings.Builder, p *plan.Plan) {
	if len(p.Resources) > 0 {
		counts := map[string]int{}
		for _, r := range p.Resources {
			counts[r.Type]++
		}
		types := make([]string, 0, len(counts))
		for t := range counts {
			types = append(types, t)
		}
		sort.Strings(types)
		fmt.Fprintf(b, "\n<details><summary>pulumi up would register %d resources</summary>\n\n", len(p.Resources))
		for _, t := range types {
			fmt.Fprintf(b, "- %d × %s\n", counts[t], mdCode(t))
		}
		b.WriteString("\n</details>\n")
	}
}

// MaxFindings bounds the policy results listed per spec in Markdown: a
// policy that emits thousands would otherwise fill the comment alone.
const MaxFindings = 200

// planFindings formats the plan's first MaxFindings policy results as
// list items and counts them all.
func planFindings(p *plan.Plan) (out []string, total int) {
	add := func(kind string, v plan.Finding, option string) {
		total++
		if len(out) < MaxFindings {
			out = append(out, fmt.Sprintf("- %s %s (%s): %s", kind, mdCode(v.Policy), option, cell(v.Message)))
		}
	}
	for _, o := range p.Options {
		for _, v := range o.Violations {
			add("**deny**", v, string(o.Architecture))
		}
		for _, v := range o.Waived {
			add("**waived**", v, string(o.Architecture))
		}
		for _, v := range o.Warnings {
			add("warn", v, string(o.Architecture))
		}
	}
	for _, v := range p.Warnings {
		add("warn", v, "plan")
	}
	return out, total
}

// maxRuleChangeLines bounds the list of changed price books and policy
// files in a comment, which must stay under GitHub's size limit.
const maxRuleChangeLines = 50

// DiffMarkdown writes diffs as one pull-request comment: the hidden
// marker, then per spec a headline, one compact table and the policy
// results that changed, with the attribution and ranges folded in
// <details>. No timestamps: re-running on the same commits gives the same
// bytes, so a bot that updates the comment only edits it when it changed.
func DiffMarkdown(w io.Writer, diffs []*review.Diff) error {
	b := &strings.Builder{}
	b.WriteString(CommentMarker + "\n")
	fmt.Fprintf(b, "## costgate cost review\n\n")
	if len(diffs) == 0 {
		b.WriteString("No spec to compare.\n")
	}
	if len(diffs) > 0 && len(diffs[0].RuleChanges) > 0 {
		b.WriteString("**Price books and policies changed** (base priced and gated with the base's, head with the head's):\n\n")
		lines := RuleChangeLines(diffs[0].RuleChanges)
		for i, line := range lines {
			if i == maxRuleChangeLines {
				fmt.Fprintf(b, "- and %d more files\n", len(lines)-i)
				break
			}
			fmt.Fprintf(b, "- %s\n", cell(line))
		}
		b.WriteString("\n")
	}
	sections := make([]section, len(diffs))
	for i, d := range diffs {
		sections[i] = section{
			full:  func(sb *strings.Builder) { diffMarkdown(sb, d) },
			short: diffShort(d),
			alert: d.Decision.Head == architecture.Blocked || len(d.Loosened) > 0,
		}
	}
	writeWithin(b, sections, CommentBudget-b.Len())
	_, err := io.WriteString(w, b.String())
	return err
}

func diffMarkdown(b *strings.Builder, d *review.Diff) {
	fmt.Fprintf(b, "### %s — %s\n\n", mdCode(d.Spec), Headline(d))
	fmt.Fprintf(b, "Team %s, priced for %s. **Decision:** %s.\n\n", mdCode(d.Team), d.AsOf, decisionLine(d.Decision))
	mdDiffOptions(b, d)
	mdRouteChanges(b, d)
	mdDiffPolicies(b, d)
	if d.New {
		return
	}
	if top := movers(d); top != "" {
		fmt.Fprintf(b, "\n**What moved the decided cost:** %s.\n", top)
	}
	mdAttribution(b, d)
	mdDiffRanges(b, d)
}

// mdDiffOptions is the table of each option's base, head and change.
func mdDiffOptions(b *strings.Builder, d *review.Diff) {
	b.WriteString("| Option | Base | Head | Change | Head range | Status |\n|---|--:|--:|--:|--:|---|\n")
	for _, o := range d.Options {
		name := o.Architecture
		if o.Architecture == d.Decision.Head {
			name = "**" + name + "**"
		}
		rng := "-"
		if o.Head != nil {
			rng = units.USD(o.Head.Low).Whole() + "–$" + units.Count(o.Head.High)
		}
		status, chosen := strings.CutSuffix(optionStatus(d, o), "  <- chosen")
		status = cell(status)
		if chosen {
			status += ", **chosen**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", name, moneyCell(o.Base), moneyCell(o.Head),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.Expected }), rng, status)
	}
	b.WriteString("\nExpected USD per month.\n\n")
}

// mdDiffPolicies lists the loosenings and the policy results that
// appeared or cleared, at most MaxFindings.
func mdDiffPolicies(b *strings.Builder, d *review.Diff) {
	for _, l := range d.Loosened {
		fmt.Fprintf(b, "**Loosened:** %s (line %d): %s\n\n", mdCode(l.Attribute), l.Line, cell(l.Message))
	}
	if len(d.Policies) == 0 {
		b.WriteString("No policy result appeared or cleared.\n")
	} else {
		b.WriteString("**Policy results**\n\n")
		for i, pc := range d.Policies {
			if i == MaxFindings {
				fmt.Fprintf(b, "- … and %d more, not shown (the first %d are): `costgate diff` lists them all\n", len(d.Policies)-MaxFindings, MaxFindings)
				break
			}
			kind := pc.Kind
			if kind == "deny" {
				kind = "**deny**"
			}
			fmt.Fprintf(b, "- %s: %s %s (%s): %s\n", pc.Change, kind, mdCode(pc.Policy), cell(pc.Option), cell(pc.Message))
		}
	}
}

// mdAttribution folds the attribution table.
func mdAttribution(b *strings.Builder, d *review.Diff) {
	archs := attributedArchs(d)
	fmt.Fprintf(b, "\n<details><summary>Attribution: %d input(s) changed</summary>\n\n", len(d.Inputs))
	if len(d.Inputs) == 0 {
		b.WriteString("No input changed.\n")
	} else {
		b.WriteString("| # | Input | Base | Head | Decided")
		for _, a := range archs {
			b.WriteString(" | " + string(a))
		}
		b.WriteString(" |\n|--:|---|---|---|--:")
		b.WriteString(strings.Repeat("|--:", len(archs)))
		b.WriteString("|\n")
		cols := attributionColumns(d)
		for i, in := range d.Inputs {
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s", in.Step, mdCode(in.Input), code(in.Base), code(in.Head), cellAt(cols["decided"], i))
			for _, a := range archs {
				b.WriteString(" | " + cellAt(cols[string(a)], i))
			}
			b.WriteString(" |\n")
		}
		fmt.Fprintf(b, "| | **Total** | | | **%s**", signedPtr(d.Totals.DecisionUSD))
		for _, a := range archs {
			fmt.Fprintf(b, " | **%s**", signed(d.Totals.OptionsUSD[a]))
		}
		b.WriteString(" |\n\n")
		fmt.Fprintf(b, "Expected USD per month. How: %s.\n", d.Order)
	}
	b.WriteString("\n</details>\n")
}

// mdDiffRanges folds the ranges, the verdict and the breakeven.
func mdDiffRanges(b *strings.Builder, d *review.Diff) {
	b.WriteString("\n<details><summary>Ranges, verdict and breakeven</summary>\n\n| Option | Δ low | Δ expected | Δ high |\n|---|--:|--:|--:|\n")
	for _, o := range d.Options {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", o.Architecture,
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.Low }),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.Expected }),
			deltaCell(o.Delta, func(m plan.Money) float64 { return m.High }))
	}
	fmt.Fprintf(b, "\n- Verdict (managed vs self-hosted): %s\n- Breakeven team size: %s\n\n</details>\n",
		verdictChange(d),
		change(breakevenText(d.Breakeven[0]), breakevenText(d.Breakeven[1])))
}

// movers names the inputs that moved the decided cost, largest first.
func movers(d *review.Diff) string {
	type mover struct {
		input string
		usd   float64
	}
	var ms []mover
	for _, in := range d.Inputs {
		if in.DecisionUSD != nil && signed(*in.DecisionUSD) != "$0" {
			ms = append(ms, mover{in.Input, *in.DecisionUSD})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return abs(ms[i].usd) > abs(ms[j].usd) })
	parts := make([]string, 0, len(ms))
	for i, m := range ms {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ms)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", mdCode(m.input), signed(m.usd)))
	}
	return strings.Join(parts, ", ")
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// cell makes text safe inside a Markdown line or table cell (mdText).
func cell(s string) string { return mdText(s) }

// code shows a value as inline code, or a dash when absent (mdCode).
func code(s string) string { return mdCode(s) }
