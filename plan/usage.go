package plan

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/costgate/costgate/usage"
)

// Measured is usage imported from a team's own exports: a token format's
// figures, a vLLM fleet's, or both.
type Measured struct {
	Tokens *usage.Result
	Fleet  *usage.Result
}

// Usage is the plan's usage section: what was measured, and what each
// option costs at the measured usage.
type Usage struct {
	// Tokens and Fleet are the imports, as `costgate usage import` prints
	// them.
	Tokens *usage.Result `json:"tokens,omitempty"`
	Fleet  *usage.Result `json:"fleet,omitempty"`
	// Options are each architecture's monthly cost at the spec's figures
	// (planned) and at the measured ones; empty without token usage.
	Options []UsageOption `json:"options"`
	// Decision is the cheapest option the plan allows at the measured
	// usage; empty when the plan is blocked or nothing was priced.
	Decision architecture.Name `json:"decision,omitempty"`
	// Notes say what the measurement could not settle.
	Notes []string `json:"notes"`
}

// UsageOption is one architecture's cost at the planned and the measured
// usage.
type UsageOption struct {
	Architecture architecture.Name `json:"architecture"`
	Planned      Money             `json:"planned_usd"`
	Measured     Money             `json:"measured_usd"`
	// byModel is the measured models' share of the managed token cost.
	byModel []modelCost
}

// Warning ids of measured usage.
const (
	UsageDrift       = "usage.drift"
	UsageBreakeven   = "usage.breakeven"
	CapacityMeasured = "capacity.measured"
	UsageGaps        = "usage.gaps"
)

// addUsage fills the plan's usage section and warns of drift and of a
// fleet loaded outside its target, before the policies run, so that a
// team's policy can read both.
func addUsage(p *Plan, s *spec.Spec, res *costmodel.Result, cat *modelcatalog.Catalog, date string, m *Measured) error {
	if m == nil || (m.Tokens == nil && m.Fleet == nil) {
		return nil
	}
	u := &Usage{Tokens: m.Tokens, Fleet: m.Fleet, Options: []UsageOption{}, Notes: []string{}}
	p.Usage = u
	for _, r := range []*usage.Result{m.Tokens, m.Fleet} {
		if r != nil && len(r.Gaps) > 0 {
			p.Warnings = append(p.Warnings, Finding{Policy: UsageGaps, Message: fmt.Sprintf(
				"the measured usage leaves out what its exports are missing (read on with --usage-allow-gaps): %s", strings.Join(r.Gaps, "; "))})
		}
	}
	if m.Tokens != nil && m.Tokens.Tokens != nil {
		ms, notes := MeasuredSpec(s, m.Tokens.Tokens)
		u.Notes = append(u.Notes, notes...)
		mres, err := costmodel.Evaluate(ms, cat, date)
		if err != nil {
			return fmt.Errorf("price the measured usage: %w", err)
		}
		seen := map[string]bool{}
		for i, o := range p.Options {
			for _, mo := range mres.Options {
				if mo.Architecture != o.Architecture {
					continue
				}
				pm, err := measuredByModel(ms, m.Tokens.Tokens, mo, cat, date)
				if err != nil {
					return err
				}
				measured := money(costmodel.Money{Low: mo.MonthlyUSD.Low + pm.delta, Expected: mo.MonthlyUSD.Expected + pm.delta, High: mo.MonthlyUSD.High + pm.delta})
				u.Options = append(u.Options, UsageOption{Architecture: o.Architecture, Planned: p.Options[i].MonthlyUSD, Measured: measured, byModel: pm.models})
				for _, n := range pm.notes {
					if !seen[n] {
						seen[n] = true
						u.Notes = append(u.Notes, n)
					}
				}
			}
		}
		warnDrift(p, s, ms, u)
	}
	if m.Fleet != nil && m.Fleet.FleetMetrics != nil {
		warnCapacity(p, res, m.Fleet.FleetMetrics)
	}
	return nil
}

// MeasuredSpec is the spec with its team figures replaced by the measured
// ones — developers, the mean tokens per developer-month, the shares, the
// peak when known, and the workload shares when the models tell them —
// as scalars, so that pricing it gives each option's cost at the measured
// usage.
func MeasuredSpec(s *spec.Spec, t *usage.Tokens) (*spec.Spec, []string) {
	ms := *s
	team := s.Team
	team.Developers = spec.Scalar(float64(t.Developers))
	team.TokensPerDeveloper = spec.Scalar(t.TokensPerDeveloperMonth.Mean)
	team.InputShare = spec.Scalar(t.InputShare)
	team.CachedInputShare = spec.Scalar(t.CachedInputShare)
	team.CacheWriteShare = spec.Scalar(math.Min(t.CacheWriteShare, 1-t.CachedInputShare))
	var notes []string
	if t.PeakToAverage != nil {
		team.PeakToAverage = spec.Scalar(math.Max(1, *t.PeakToAverage))
	} else {
		notes = append(notes, "the peak-to-average ratio is not measured (the export has no hourly records): the spec's is used")
	}
	ms.Team = team
	shares, _, reports := usage.WorkloadShares(s, t)
	notes = append(notes, reports...)
	if shares != nil {
		ms.Workloads = append([]spec.Workload(nil), s.Workloads...)
		for i := range ms.Workloads {
			ms.Workloads[i].Share = shares[i]
		}
	}
	return &ms, notes
}

// driftTolerance is how far outside its range a measured input may be
// before it is named as one that moved.
const driftTolerance = 0.01

// warnDrift warns when the managed option's cost at the measured usage is
// outside the plan's low–high range, naming the inputs that moved.
func warnDrift(p *Plan, s, ms *spec.Spec, u *Usage) {
	var o *UsageOption
	for i := range u.Options {
		if u.Options[i].Architecture == architecture.Managed {
			o = &u.Options[i]
		}
	}
	if o == nil {
		return
	}
	got, lo, hi := o.Measured.Expected, o.Planned.Low, o.Planned.High
	var how string
	switch {
	case got > hi:
		how = fmt.Sprintf("%s above the plan's high of %s", pct(got, hi), units.USD(hi).Whole())
	case got < lo:
		how = fmt.Sprintf("%s below the plan's low of %s", pct(got, lo), units.USD(lo).Whole())
	default:
		return
	}
	moved := movedInputs(s, ms)
	msg := fmt.Sprintf("at the measured usage the managed option costs %s/month, %s (planned %s–%s)%s", units.USD(got).Whole(), how, units.USD(lo).Whole(), units.USD(hi).Whole(), driftModels(u))
	if len(moved) > 0 {
		msg += "; measured outside the spec: " + strings.Join(moved, "; ")
	}
	p.Warnings = append(p.Warnings, Finding{Policy: UsageDrift, Message: msg})
}

// pct is how far got is from ref, as a percentage of ref.
func pct(got, ref float64) string {
	if ref == 0 {
		return "above zero"
	}
	return fmt.Sprintf("%.0f %%", math.Abs(got-ref)/ref*100)
}

// movedInputs names the team inputs whose measured value is outside the
// spec's range, and the workload shares that moved.
func movedInputs(s, ms *spec.Spec) []string {
	var out []string
	check := func(name string, planned, measured spec.Range, format func(float64) string) {
		v := measured.Low
		tol := driftTolerance * math.Max(math.Abs(planned.High), 1e-9)
		if v < planned.Low-tol || v > planned.High+tol {
			out = append(out, fmt.Sprintf("%s %s (spec %s)", name, format(v), rangeOf(planned, format)))
		}
	}
	whole := units.Count
	share := func(v float64) string { return fmt.Sprintf("%.3g", v) }
	check("team.developers", s.Team.Developers, ms.Team.Developers, whole)
	check("team.tokens_per_developer", s.Team.TokensPerDeveloper, ms.Team.TokensPerDeveloper, tokensText)
	check("team.input_share", s.Team.InputShare, ms.Team.InputShare, share)
	check("team.cached_input_share", s.Team.CachedInputShare, ms.Team.CachedInputShare, share)
	check("team.cache_write_share", s.Team.CacheWriteShare, ms.Team.CacheWriteShare, share)
	check("team.peak_to_average", s.Team.PeakToAverage, ms.Team.PeakToAverage, share)
	for i, w := range s.Workloads {
		if i < len(ms.Workloads) && math.Abs(ms.Workloads[i].Share-w.Share) > 0.05 {
			out = append(out, fmt.Sprintf("workload.%s.share %.3g (spec %.3g)", w.Name, ms.Workloads[i].Share, w.Share))
		}
	}
	return out
}

// rangeOf writes a figure or range with format: "2.50" or "2.50–3.50".
func rangeOf(r spec.Range, format func(float64) string) string {
	if r.IsScalar() {
		return format(r.Low)
	}
	return format(r.Low) + "–" + format(r.High)
}

// warnBreakeven records the cheapest option the plan allows at the
// measured usage and warns when it is not the decision: the article's
// question, answered from data. It runs after the decision, resource gate
// included.
func warnBreakeven(p *Plan) {
	u := p.Usage
	if u == nil || len(u.Options) == 0 || p.Decision.Architecture == architecture.Blocked {
		return
	}
	var best *UsageOption
	for i := range u.Options {
		o := &u.Options[i]
		if opt := p.findOption(o.Architecture); opt == nil || !opt.Allowed {
			continue
		}
		if best == nil || o.Measured.Expected < best.Measured.Expected {
			best = o
		}
	}
	if best == nil {
		return
	}
	u.Decision = best.Architecture
	if best.Architecture == p.Decision.Architecture {
		return
	}
	cur := 0.0
	for _, o := range u.Options {
		if o.Architecture == p.Decision.Architecture {
			cur = o.Measured.Expected
		}
	}
	t := u.Tokens.Tokens
	p.Warnings = append(p.Warnings, Finding{Policy: UsageBreakeven, Message: fmt.Sprintf(
		"at the measured usage (%d developers, %s tokens each a month, %s to %s) the decision would change: %s would cost %s/month expected, %s %s",
		t.Developers, tokensText(t.TokensPerDeveloperMonth.Mean), u.Tokens.Period.Since, u.Tokens.Period.Until,
		best.Architecture, units.USD(best.Measured.Expected).Whole(), p.Decision.Architecture, units.USD(cur).Whole())})
}

func (p *Plan) findOption(arch architecture.Name) *Option {
	for i := range p.Options {
		if p.Options[i].Architecture == arch {
			return &p.Options[i]
		}
	}
	return nil
}

// warnCapacity compares the fleet's measured busiest load with the sizing:
// the replicas the load keeps busy (prompt tokens at the replica's prefill
// rate or generation tokens at its decode rate, whichever is more) over
// the sized replicas, against the target utilization.
func warnCapacity(p *Plan, res *costmodel.Result, fl *usage.FleetMetrics) {
	arch := p.Decision.Architecture
	var sized *costmodel.Option
	for i := range res.Options {
		o := &res.Options[i]
		if o.Sizing == nil {
			continue
		}
		if sized == nil || o.Architecture == architecture.SelfHosted || o.Architecture == arch {
			sized = o
		}
	}
	if sized == nil {
		p.Warnings = append(p.Warnings, Finding{Policy: CapacityMeasured, Message: "the vLLM metrics cannot be compared with a fleet: no option of this plan sizes one"})
		return
	}
	f := sized.Sized
	t := f.Throughput
	if t.PrefillTokS <= 0 || t.DecodeTokS <= 0 || f.Replicas <= 0 {
		return
	}
	busy := math.Max(fl.PeakPromptTokS/t.PrefillTokS, fl.PeakGenerationTokS/t.DecodeTokS)
	util := busy / float64(f.Replicas)
	target := sized.Sizing.TargetUtilization
	var msg string
	switch {
	case util > target:
		msg = fmt.Sprintf("the fleet's measured busiest load (%.0f prompt and %.0f generation tok/s) keeps %.0f %% of the %s option's %d replicas busy, above the %.0f %% target: add replicas or lower the load",
			fl.PeakPromptTokS, fl.PeakGenerationTokS, util*100, sized.Architecture, f.Replicas, target*100)
	case util < target/2:
		msg = fmt.Sprintf("the fleet's measured busiest load (%.0f prompt and %.0f generation tok/s) keeps %.0f %% of the %s option's %d replicas busy, under half the %.0f %% target: the fleet is oversized",
			fl.PeakPromptTokS, fl.PeakGenerationTokS, util*100, sized.Architecture, f.Replicas, target*100)
	default:
		return
	}
	p.Warnings = append(p.Warnings, Finding{Policy: CapacityMeasured, Message: msg})
}

// tokensText writes a token count in millions, or thousands below one.
func tokensText(v float64) string {
	if v < 1e6 {
		return fmt.Sprintf("%.3gk", v/1e3)
	}
	return fmt.Sprintf("%.3gM", v/1e6)
}
