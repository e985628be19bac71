package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/units"
)

// Text writes a plan for a person to take in at a glance: decision first,
// then the options, the fleets, the checklist, policy results and what
// `pulumi up` would create.
func Text(w io.Writer, p *plan.Plan) error {
	b := &strings.Builder{}
	textDecision(b, p)
	textOptions(b, p)
	textRoutes(b, p)
	textSearch(b, p)
	textFleets(b, p)
	usageText(b, p)
	textChecklist(b, p)
	textFindings(b, p)
	textOverrides(b, p)
	textResources(b, p)
	_, err := io.WriteString(w, b.String())
	return err
}

// textDecision writes the header, the decision with its reasons, the
// verdict and the breakeven.
func textDecision(b *strings.Builder, p *plan.Plan) {
	fmt.Fprintf(b, "costgate plan: team %s (%s), priced for %s with the catalog of %s\n\n", plain(p.Team), plain(p.Spec), p.AsOf, p.CatalogAsOf)

	fmt.Fprintf(b, "DECISION   %s\n", strings.ToUpper(string(p.Decision.Architecture)))
	for _, r := range p.Decision.Reasons {
		fmt.Fprintf(b, "           - %s\n", plain(r))
	}
	be := "none up to 100,000 developers"
	if p.Breakeven.Developers != nil {
		be = fmt.Sprintf("%s developers", units.Count(float64(*p.Breakeven.Developers)))
	}
	fmt.Fprintf(b, "VERDICT    %s (managed vs self-hosted)\nBREAKEVEN  %s (team today: %s)\n\n", p.VerdictText(), be, rangeText(p.Inputs.Developers.Low, p.Inputs.Developers.High))
}

// textOptions writes the options table.
func textOptions(b *strings.Builder, p *plan.Plan) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OPTION\tLOW\tEXPECTED\tHIGH\tQUALITY GAP\tSTATUS")
	for _, o := range p.Options {
		status := "allowed"
		if !o.Allowed {
			status = "denied: " + plain(policyIDs(o.Violations))
		}
		if o.Architecture == p.Decision.Architecture {
			status += "  <- chosen"
		}
		gap := "-"
		if o.QualityGapUSD.High > 0 {
			gap = units.USD(o.QualityGapUSD.Expected).Whole()
			if !o.QualityIncluded {
				gap += " (not in total)"
			}
		}
		fmt.Fprintf(tw, "%s\t$%s\t$%s\t$%s\t%s\t%s\n", o.Architecture, units.Count(o.MonthlyUSD.Low), units.Count(o.MonthlyUSD.Expected), units.Count(o.MonthlyUSD.High), gap, status)
	}
	tw.Flush()
	b.WriteString("(USD per month)\n")
}

// textFleets writes each option's self-hosted fleet.
func textFleets(b *strings.Builder, p *plan.Plan) {
	for _, o := range p.Options {
		if s := o.Sizing; s != nil {
			fmt.Fprintf(b, "\nFLEET %s: %s on %d × %s (%d × %s billed), TP %d, %d replica(s) (%d per instance), %s, %s at $%s/GPU-h, %g h/month\n",
				o.Architecture, plain(s.Model), s.Instances, plain(s.InstanceType), s.GPUs, plain(s.GPU), s.TensorParallel, s.Replicas, s.ReplicasPerInstance,
				s.Schedule, s.Pricing, rangeText2(s.GPUHourUSD.Low, s.GPUHourUSD.High), s.BilledHours)
			ttft := "unknown"
			if s.TTFTMs != nil {
				ttft = units.Millis(*s.TTFTMs)
			}
			fmt.Fprintf(b, "  peak utilization %.0f%% (target %.0f%%), p95 TTFT %s, weights %.1f GB, KV cache %.1f GB/replica, max model len %d\n",
				s.PeakUtilization*100, s.TargetUtilization*100, ttft, s.WeightsGB, s.KVCacheGB, s.MaxModelLen)
			for _, n := range s.Notes {
				fmt.Fprintf(b, "  note: %s\n", plain(n))
			}
		}
	}
}

// textChecklist writes the article's checklist.
func textChecklist(b *strings.Builder, p *plan.Plan) {
	fmt.Fprintf(b, "\nCHECKLIST  %d/5 met: %s\n", p.Checklist.Met, p.Checklist.Verdict)
	for _, it := range p.Checklist.Items {
		mark := " "
		if it.Met {
			mark = "x"
		}
		fmt.Fprintf(b, "  [%s] %s (%s)\n", mark, plain(it.Text), plain(it.Detail))
	}
}

// textFindings writes every denial, waiver and warning.
func textFindings(b *strings.Builder, p *plan.Plan) {
	var findings []string
	for _, o := range p.Options {
		for _, v := range o.Violations {
			findings = append(findings, fmt.Sprintf("  DENY   %-12s %s: %s", o.Architecture, plain(v.Policy), plain(v.Message)))
		}
		for _, v := range o.Waived {
			findings = append(findings, fmt.Sprintf("  WAIVED %-12s %s: %s", o.Architecture, plain(v.Policy), plain(v.Message)))
		}
		for _, v := range o.Warnings {
			findings = append(findings, fmt.Sprintf("  WARN   %-12s %s: %s", o.Architecture, plain(v.Policy), plain(v.Message)))
		}
	}
	for _, v := range p.Warnings {
		findings = append(findings, fmt.Sprintf("  WARN   %-12s %s: %s", "plan", plain(v.Policy), plain(v.Message)))
	}
	if len(findings) > 0 {
		b.WriteString("\nPOLICIES AND WARNINGS\n")
		b.WriteString(strings.Join(findings, "\n"))
		b.WriteString("\n")
	}
}

// textOverrides writes each override and what it waived.
func textOverrides(b *strings.Builder, p *plan.Plan) {
	if len(p.Waivers) > 0 {
		b.WriteString("\nOVERRIDES\n")
		for _, w := range p.Waivers {
			state := w.State()
			waived := "nothing"
			if len(w.Waived) > 0 {
				waived = plain(strings.Join(w.Waived, ", "))
			}
			fmt.Fprintf(b, "  %s: %s, waives %s until %s, approved by %s: %s; waived for: %s\n", plain(w.Name), state, plain(w.Policy), plain(w.Expires), plain(w.Approver), plain(w.Reason), waived)
		}
	}
}

// textResources counts what pulumi up would register, by type.
func textResources(b *strings.Builder, p *plan.Plan) {
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
		fmt.Fprintf(b, "\nRESOURCES  pulumi up would register %d for %s:\n", len(p.Resources), p.Decision.Architecture)
		for _, t := range types {
			fmt.Fprintf(b, "  %3d × %s\n", counts[t], plain(t))
		}
	} else if p.Decision.Architecture == architecture.Blocked {
		b.WriteString("\nRESOURCES  none: the plan is blocked, so pulumi up fails before changing anything\n")
	}
}

func policyIDs(fs []plan.Finding) string {
	var ids []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Policy] {
			seen[f.Policy] = true
			ids = append(ids, f.Policy)
		}
	}
	return strings.Join(ids, ", ")
}

func rangeText(lo, hi float64) string {
	if lo == hi {
		return units.Count(lo)
	}
	return units.Count(lo) + "–" + units.Count(hi)
}

func rangeText2(lo, hi float64) string {
	if lo == hi {
		return fmt.Sprintf("%.2f", lo)
	}
	return fmt.Sprintf("%.2f–%.2f", lo, hi)
}
