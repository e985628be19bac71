package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/costgate/costgate/units"
)

// Caps on the search's explanations, so that a spec with many workloads
// or candidates keeps a readable plan; what is left out is counted.
const (
	maxCandidates      = 5  // runner-ups, and rejected assignments
	maxCandidateRoutes = 8  // routes shown per runner-up or rejected
	maxAltWorkloads    = 20 // workloads with alternatives
	maxAltsPerWorkload = 6  // alternatives shown per workload
	maxRouteRows       = 30 // workloads in the Markdown routes table
)

// routeText is how one workload is served: "self-hosted MODEL" or "MODEL
// via PROVIDER".
func routeText(servedBy architecture.Name, model, provider string) string {
	if servedBy == architecture.SelfHosted {
		if model == "" {
			return "self-hosted"
		}
		return "self-hosted " + model
	}
	switch {
	case model == "":
		return "managed"
	case provider == "":
		return model
	}
	return model + " via " + provider
}

// chosenFirst is the plan's options, the chosen one first.
func chosenFirst(p *plan.Plan) []plan.Option {
	out := make([]plan.Option, 0, len(p.Options))
	for _, o := range p.Options {
		if o.Architecture == p.Decision.Architecture {
			out = append(out, o)
		}
	}
	for _, o := range p.Options {
		if o.Architecture != p.Decision.Architecture {
			out = append(out, o)
		}
	}
	return out
}

// routesLine is an option's routes on one line.
func routesLine(rs []plan.Route) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Workload + " → " + routeText(r.ServedBy, r.Model, r.Provider)
	}
	return strings.Join(parts, " · ")
}

// searchView is the plan's search in lines of plain text, for the text
// and Markdown outputs to escape and lay out.
type searchView struct {
	stats string
	// vsChosen says the candidates' routes are those that differ from
	// the chosen option's.
	vsChosen bool
	// over is what the candidates' "+$X" is over.
	over                        string
	runnerUps, rejected, alts   []string
	moreRunnerUps, moreRejected int
	moreAltWorkloads            int
}

// newSearchView formats p.Search; nil when the plan has none.
func newSearchView(p *plan.Plan) *searchView {
	s := p.Search
	if s == nil {
		return nil
	}
	v := &searchView{stats: searchStats(s)}
	var chosen map[string]string
	v.over = "the cheapest assignment, all denied"
	if c := p.Chosen(); c != nil {
		v.over = "the cheapest allowed"
		v.vsChosen = true
		chosen = map[string]string{}
		for _, r := range c.Routes {
			chosen[r.Workload] = string(r.ServedBy) + ":" + r.Model
		}
	}
	candidate := func(c plan.Candidate, denied bool) string {
		var parts []string
		for _, r := range c.Routes {
			if chosen != nil && chosen[r.Workload] == string(r.ServedBy)+":"+r.Model {
				continue
			}
			parts = append(parts, r.Workload+" → "+routeText(r.ServedBy, r.Model, ""))
		}
		routes := capJoin(parts, maxCandidateRoutes, " · ")
		if routes == "" {
			routes = "the chosen routes on another fleet"
		}
		line := fmt.Sprintf("%s $%s (%s)", c.Option, units.Count(c.MonthlyUSD), signed(c.MoreUSD))
		if denied {
			line += ", denied by " + strings.Join(c.DeniedBy, ", ")
		}
		return line + ": " + routes
	}
	for i, c := range s.RunnerUps {
		if i == maxCandidates {
			v.moreRunnerUps = len(s.RunnerUps) - i
			break
		}
		v.runnerUps = append(v.runnerUps, candidate(c, false))
	}
	for i, c := range s.Rejected {
		if i == maxCandidates {
			v.moreRejected = len(s.Rejected) - i
			break
		}
		v.rejected = append(v.rejected, candidate(c, true))
	}
	v.alternatives(s)
	return v
}

// searchStats is the search's statistics on one line.
func searchStats(s *plan.Search) string {
	how := "exact"
	if !s.Exact {
		how = "heuristic"
		if s.GapBoundUSD != nil {
			how += fmt.Sprintf(", the optimum is at most $%s/month cheaper", units.Count(*s.GapBoundUSD))
		}
	}
	line := fmt.Sprintf("%s auto workload(s), %s assignments: %s evaluated, %s sized, %s pruned, %s gated; %s",
		units.Count(float64(s.AutoWorkloads)), countText(s.Assignments), units.Count(float64(s.Evaluated)),
		units.Count(float64(s.Sized)), units.Count(float64(s.Pruned)), units.Count(float64(s.Gated)), how)
	if s.TimeMS != nil {
		line += fmt.Sprintf("; %.0f ms", *s.TimeMS)
	}
	return line
}

// alternatives lays out the search's alternatives, one line per workload
// in the order the search gives.
func (v *searchView) alternatives(s *plan.Search) {
	var order []string
	byWorkload := map[string][]string{}
	for _, a := range s.Alternatives {
		if _, ok := byWorkload[a.Workload]; !ok {
			order = append(order, a.Workload)
		}
		why := a.Reason
		if why == "" && a.MoreUSD != nil {
			why = signed(*a.MoreUSD) + " a month"
			if len(a.DeniedBy) > 0 {
				why += ", denied by " + strings.Join(a.DeniedBy, ", ")
			}
		}
		byWorkload[a.Workload] = append(byWorkload[a.Workload], routeText(a.ServedBy, a.Model, "")+" → "+why)
	}
	for i, w := range order {
		if i == maxAltWorkloads {
			v.moreAltWorkloads = len(order) - i
			break
		}
		v.alts = append(v.alts, w+": "+capJoin(byWorkload[w], maxAltsPerWorkload, " · "))
	}
}

// capJoin joins the first n parts and counts the rest.
func capJoin(parts []string, n int, sep string) string {
	if len(parts) <= n {
		return strings.Join(parts, sep)
	}
	return strings.Join(parts[:n], sep) + fmt.Sprintf("%sand %d more", sep, len(parts)-n)
}

// countText writes a count with thousands separators, or in scientific
// notation when too large to read.
func countText(v float64) string {
	if v < 1e15 && v == math.Trunc(v) {
		return units.Count(v)
	}
	return fmt.Sprintf("%.3g", v)
}

// textRoutes writes each option's routes, the chosen option first.
func textRoutes(b *strings.Builder, p *plan.Plan) {
	var lines []string
	for _, o := range chosenFirst(p) {
		if len(o.Routes) == 0 {
			continue
		}
		name := o.Architecture
		if o.Architecture == p.Decision.Architecture {
			name += " (chosen)"
		}
		lines = append(lines, fmt.Sprintf("  %s: %s\n", name, plain(routesLine(o.Routes))))
	}
	if len(lines) > 0 {
		b.WriteString("\nROUTES\n")
		b.WriteString(strings.Join(lines, ""))
	}
}

// textSearch writes what the search did and why it chose what it chose.
func textSearch(b *strings.Builder, p *plan.Plan) {
	v := newSearchView(p)
	if v == nil {
		return
	}
	fmt.Fprintf(b, "\nSEARCH     %s\n", plain(v.stats))
	list := func(title string, lines []string, more int, what string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(b, "  %s\n", title)
		for _, l := range lines {
			fmt.Fprintf(b, "    %s\n", plain(l))
		}
		if more > 0 {
			fmt.Fprintf(b, "    and %d more %s, not shown\n", more, what)
		}
	}
	diff := ""
	if v.vsChosen {
		diff = "; the routes that differ from the chosen"
	}
	list("runner-ups (+$ over "+v.over+diff+"):", v.runnerUps, v.moreRunnerUps, "runner-up(s)")
	list("rejected by the policies (+$ over "+v.over+diff+"):", v.rejected, v.moreRejected, "rejected")
	list("alternatives (why each other backend does not serve a workload):", v.alts, v.moreAltWorkloads, "workload(s)")
}

// mdRoutes writes a table of each workload's route under each option,
// the chosen option first.
func mdRoutes(b *strings.Builder, p *plan.Plan) {
	var opts []plan.Option
	for _, o := range chosenFirst(p) {
		if len(o.Routes) > 0 {
			opts = append(opts, o)
		}
	}
	if len(opts) == 0 {
		return
	}
	var workloads []string
	cells := map[architecture.Name]map[string]string{}
	for _, o := range opts {
		cells[o.Architecture] = map[string]string{}
		for _, r := range o.Routes {
			if !containsString(workloads, r.Workload) {
				workloads = append(workloads, r.Workload)
			}
			cells[o.Architecture][r.Workload] = routeText(r.ServedBy, r.Model, r.Provider)
		}
	}
	b.WriteString("**Routes**\n\n| Workload")
	for _, o := range opts {
		if o.Architecture == p.Decision.Architecture {
			fmt.Fprintf(b, " | **%s** (chosen)", o.Architecture)
		} else {
			b.WriteString(" | " + string(o.Architecture))
		}
	}
	b.WriteString(" |\n|---" + strings.Repeat("|---", len(opts)) + "|\n")
	for i, w := range workloads {
		if i == maxRouteRows {
			fmt.Fprintf(b, "\n… and %d more workloads, not shown: `costgate plan --format json` lists every route.\n", len(workloads)-i)
			break
		}
		b.WriteString("| " + cell(w))
		for _, o := range opts {
			c, ok := cells[o.Architecture][w]
			if !ok {
				c = "-"
			}
			b.WriteString(" | " + cell(c))
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
}

// mdSearch folds the search's statistics and explanations.
func mdSearch(b *strings.Builder, p *plan.Plan) {
	v := newSearchView(p)
	if v == nil {
		return
	}
	fmt.Fprintf(b, "<details><summary>Search: %s</summary>\n\n", cell(v.stats))
	diff := ""
	if v.vsChosen {
		diff = "; the routes that differ from the chosen"
	}
	list := func(title string, lines []string, more int, what string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(b, "%s\n\n", title)
		for _, l := range lines {
			fmt.Fprintf(b, "- %s\n", cell(l))
		}
		if more > 0 {
			fmt.Fprintf(b, "- … and %d more %s, not shown\n", more, what)
		}
		b.WriteString("\n")
	}
	list("**Runner-ups** (+\\$ over "+v.over+diff+"):", v.runnerUps, v.moreRunnerUps, "runner-up(s)")
	list("**Rejected by the policies** (+\\$ over "+v.over+diff+"):", v.rejected, v.moreRejected, "rejected")
	list("**Alternatives** (why each other backend does not serve a workload):", v.alts, v.moreAltWorkloads, "workload(s)")
	b.WriteString("</details>\n\n")
}

// maxRouteChanges bounds the route changes listed per spec in a diff.
const maxRouteChanges = 30

// routeChangeLines are a diff's route changes, one line each, at most
// maxRouteChanges, and how many were left out.
func routeChangeLines(d *review.Diff) (lines []string, more int) {
	side := func(s *string, decision architecture.Name) string {
		if s == nil {
			if decision == architecture.Blocked {
				return "none (blocked)"
			}
			return "absent"
		}
		servedBy, model, _ := strings.Cut(*s, ":")
		return routeText(architecture.Name(servedBy), model, "")
	}
	for i, rc := range d.Routes {
		if i == maxRouteChanges {
			return lines, len(d.Routes) - i
		}
		lines = append(lines, rc.Workload+": "+side(rc.Base, d.Decision.Base)+" → "+side(rc.Head, d.Decision.Head))
	}
	return lines, 0
}

// decidedMove names the decided options when the decision moved.
func decidedMove(d *review.Diff) string {
	if d.New || !d.Decision.Changed() {
		return ""
	}
	return ", " + string(d.Decision.Base) + " → " + string(d.Decision.Head)
}

// textRouteChanges writes the workloads whose route under the decided
// option changed.
func textRouteChanges(b *strings.Builder, d *review.Diff) {
	fmt.Fprintf(b, "\nROUTE CHANGES (under the decided option%s)\n", decidedMove(d))
	lines, more := routeChangeLines(d)
	if len(lines) == 0 {
		b.WriteString("  no route changed\n")
	}
	for _, l := range lines {
		fmt.Fprintf(b, "  %s\n", plain(l))
	}
	if more > 0 {
		fmt.Fprintf(b, "  and %d more, not shown: `costgate diff --format json` lists them all\n", more)
	}
}

// mdRouteChanges lists the workloads whose route under the decided
// option changed.
func mdRouteChanges(b *strings.Builder, d *review.Diff) {
	lines, more := routeChangeLines(d)
	if len(lines) == 0 {
		b.WriteString("No route changed under the decided option.\n\n")
		return
	}
	fmt.Fprintf(b, "**Route changes** (under the decided option%s)\n\n", decidedMove(d))
	for _, l := range lines {
		fmt.Fprintf(b, "- %s\n", cell(l))
	}
	if more > 0 {
		fmt.Fprintf(b, "- … and %d more, not shown: `costgate diff --format json` lists them all\n", more)
	}
	b.WriteString("\n")
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
