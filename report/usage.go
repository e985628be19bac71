package report

import (
	"fmt"
	"strings"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/units"
	"github.com/costgate/costgate/usage"
)

// usageText writes the plan's usage section: what was measured and each
// option's cost at it. Nothing without --usage.
func usageText(b *strings.Builder, p *plan.Plan) {
	u := p.Usage
	if u == nil {
		return
	}
	b.WriteString("\nMEASURED USAGE\n")
	if r := u.Tokens; r != nil && r.Tokens != nil {
		fmt.Fprintf(b, "  %s\n", plain(measuredLine(r)))
		if len(u.Options) > 0 {
			b.WriteString("  cost at the measured usage (USD per month, expected; planned range in brackets):\n")
			for _, o := range u.Options {
				mark := ""
				if o.Architecture == u.Decision {
					mark = "  <- cheapest allowed at measured usage"
				}
				fmt.Fprintf(b, "    %-12s $%s  [$%s–$%s]%s\n", o.Architecture, units.Count(o.Measured.Expected), units.Count(o.Planned.Low), units.Count(o.Planned.High), mark)
			}
		}
	}
	if r := u.Fleet; r != nil && r.FleetMetrics != nil {
		fmt.Fprintf(b, "  %s\n", plain(fleetLine(r)))
	}
	for _, n := range u.Notes {
		fmt.Fprintf(b, "  note: %s\n", plain(n))
	}
}

// usageMarkdown writes the usage section folded, for pull requests.
func usageMarkdown(b *strings.Builder, p *plan.Plan) {
	u := p.Usage
	if u == nil {
		return
	}
	b.WriteString("<details><summary>Measured usage</summary>\n\n")
	if r := u.Tokens; r != nil && r.Tokens != nil {
		fmt.Fprintf(b, "%s\n\n", cell(measuredLine(r)))
		if len(u.Options) > 0 {
			b.WriteString("| Option | Planned (low–high) | At measured usage |\n|---|--:|--:|\n")
			for _, o := range u.Options {
				name := o.Architecture
				if o.Architecture == u.Decision {
					name = "**" + name + "** (cheapest allowed)"
				}
				fmt.Fprintf(b, "| %s | $%s–$%s | $%s |\n", name, units.Count(o.Planned.Low), units.Count(o.Planned.High), units.Count(o.Measured.Expected))
			}
			b.WriteString("\nUSD per month.\n\n")
		}
	}
	if r := u.Fleet; r != nil && r.FleetMetrics != nil {
		fmt.Fprintf(b, "%s\n\n", cell(fleetLine(r)))
	}
	for _, n := range u.Notes {
		fmt.Fprintf(b, "- %s\n", cell(n))
	}
	if len(u.Notes) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("</details>\n\n")
}

func measuredLine(r *usage.Result) string {
	t := r.Tokens
	peak := "unknown"
	if t.PeakToAverage != nil {
		peak = fmt.Sprintf("%.2f", *t.PeakToAverage)
	}
	return fmt.Sprintf("%s, %s to %s: %d developers, %s tokens per developer-month (p25 %s, p75 %s), input share %.3f, cached %.3f, cache writes %.3f, peak to average %s",
		r.Format, r.Period.Since, r.Period.Until, t.Developers, millions(t.TokensPerDeveloperMonth.Mean), millions(t.TokensPerDeveloperMonth.P25),
		millions(t.TokensPerDeveloperMonth.P75), t.InputShare, t.CachedInputShare, t.CacheWriteShare, peak)
}

func fleetLine(r *usage.Result) string {
	f := r.FleetMetrics
	return fmt.Sprintf("vllm-metrics, %d scrapes over %.0f s: prompt %.1f tok/s, generation %.1f tok/s, busiest %.1f tok/s, %g running and %g waiting at the last scrape",
		f.Scrapes, f.IntervalSeconds, f.PromptTokS, f.GenerationTokS, f.PeakTokS, f.NumRequestsRunning, f.NumRequestsWaiting)
}

// millions writes a token count in millions, or thousands below one.
func millions(v float64) string {
	if v < 1e6 {
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.1fM", v/1e6)
}
