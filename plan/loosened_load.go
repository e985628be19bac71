package plan

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// Load figures are measurements of the team's usage that teams update
// often (costgate usage calibrate writes most of them), so a lower figure
// alone is no loosening. A change of them is spec.loosened when it opens
// the gate: the head spec planned at the base's load (its own rules,
// prices, policies and overrides) has a denial that the head's plan does
// not. Each changed load figure is then a loosening naming what the change
// cleared, denied and approved like any other.

// loadChange is one load figure the head changes from the base.
type loadChange struct {
	// attr is the figure's attribute, such as "team.developers" or
	// "workload.agent.share".
	attr string
	// moved says how it changed: "falls from 3 to 1.5".
	moved string
}

// denial is one policy denying one option.
type denial struct {
	arch   architecture.Name
	policy string
}

// loadLoosenings compares the head plan p, whose plan policies denied
// deny, with the head planned at the base's load, and returns a loosening
// for each changed load figure when the base's load had a denial p has
// not. Nothing is planned unless a base is known and a load figure
// differs; the plan at the base's load has no base (so no loosenings of
// its own), no resource gate and no measured usage.
func loadLoosenings(ctx context.Context, head *spec.Spec, p *Plan, deny []Finding, opts Options) []Loosening {
	base := opts.Base
	if base == nil || head == nil {
		return nil
	}
	team, work := teamLoadChanges(base, head), workloadLoadChanges(base, head)
	if len(team)+len(work) == 0 {
		return nil
	}
	now := headDenials{denied: p.denied(deny)}
	for _, o := range p.Options {
		now.options = append(now.options, o.Architecture)
	}
	l := &loosener{head: head}
	changes := append(slices.Clip(team), work...)
	cleared, err := clearedAt(ctx, atBaseLoad(base, head, true), now, opts)
	if err != nil {
		// The workloads' figures could not be compared: each is reported
		// as not compared, and the team's are compared alone.
		l.uncompared(work, err)
		changes = team
		if len(team) == 0 {
			return l.out
		}
		if cleared, err = clearedAt(ctx, atBaseLoad(base, head, false), now, opts); err != nil {
			l.uncompared(team, err)
			return l.out
		}
	}
	l.out = append(l.out, movedLoad(ctx, base, head, now, opts)...)
	if len(cleared) == 0 {
		return l.out
	}
	what := clearedText(cleared)
	by := "the new figure clears"
	if len(changes) > 1 {
		names := make([]string, len(changes))
		for i, c := range changes {
			names[i] = c.attr
		}
		by = "the new figures (" + strings.Join(names, ", ") + ") clear"
	}
	pronoun := "it"
	if len(cleared) > 1 {
		pronoun = "them"
	}
	for _, c := range changes {
		l.add(c.attr, "%s %s: at the base's load %s; %s %s", c.attr, c.moved, what, by, pronoun)
	}
	return l.out
}

// uncompared reports each change as a loosening the plan at the base's
// load could not judge: a change that cannot be shown to clear nothing
// does not pass unremarked.
func (l *loosener) uncompared(changes []loadChange, err error) {
	for _, c := range changes {
		l.add(c.attr, "%s %s, and the plan at the base's load, which would show what the change clears, could not be built: %v", c.attr, c.moved, err)
	}
}

// headDenials are the head plan's options and their denials.
type headDenials struct {
	options []architecture.Name
	denied  map[denial]bool
}

// clearedAt plans cf, the head at the base's load, and returns the
// denials it has on an option of the head that the head's plan has not,
// in the plan's order. An option the head does not price is allowed by
// nothing.
func clearedAt(ctx context.Context, cf *spec.Spec, now headDenials, opts Options) ([]denial, error) {
	cp, err := Build(ctx, cf, Options{Catalog: opts.Catalog, AsOf: opts.date(), Policies: opts.Policies,
		Approvals: opts.Approvals, Deployment: opts.Deployment})
	if err != nil {
		return nil, err
	}
	var out []denial
	for _, o := range cp.Options {
		for _, v := range o.Violations {
			d := denial{o.Architecture, v.Policy}
			if slices.Contains(now.options, d.arch) && !now.denied[d] && v.Policy != PolicyLoosened && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	// An option the base's load could not price (a prompt no fleet of the
	// model serves) that the head's prices was ruled out at that load as
	// surely as by a policy.
	for _, o := range now.options {
		if slices.Contains(cp.unpriced, o) {
			out = append(out, denial{o, costmodel.UnpricedNote})
		}
	}
	return out, nil
}

// denied lists the denials of the policy findings deny on p's options
// that no active waiver lifts, as Apply would attach them, spec.loosened
// aside.
func (p *Plan) denied(deny []Finding) map[denial]bool {
	out := map[denial]bool{}
	for _, o := range p.Options {
		for _, d := range deny {
			if (d.Option == o.Architecture || d.Option == "*") && d.Policy != PolicyLoosened && waiverFor(p, d.Policy) == nil {
				out[denial{o.Architecture, d.Policy}] = true
			}
		}
	}
	return out
}

// clearedText says what was denied, options denied by the same policies
// together: "managed and hybrid were denied by latency.ttft, self_hosted
// by capacity.exceeded and latency.ttft".
func clearedText(ds []denial) string {
	var archs []architecture.Name
	ids := map[architecture.Name][]string{}
	for _, d := range ds {
		if ids[d.arch] == nil {
			archs = append(archs, d.arch)
		}
		ids[d.arch] = append(ids[d.arch], d.policy)
	}
	var parts []string
	done := map[architecture.Name]bool{}
	for _, a := range archs {
		if done[a] {
			continue
		}
		var same []string
		for _, b := range archs {
			if !done[b] && slices.Equal(ids[a], ids[b]) {
				same, done[b] = append(same, string(b)), true
			}
		}
		verb := " by "
		switch {
		case len(parts) == 0 && len(same) > 1:
			verb = " were denied by "
		case len(parts) == 0:
			verb = " was denied by "
		}
		parts = append(parts, units.AndList(same)+verb+units.AndList(ids[a]))
	}
	return strings.Join(parts, ", ")
}

// teamLoadChanges lists the team's load figures head changes: its size,
// tokens, input share (the rest is output), cache shares and the cache
// lifetime they were measured with (a shorter one buys cheaper writes),
// working hours (the month's tokens fall in them), peak-to-average ratio
// and time zone (when the working day falls, which a provider's peak and
// off-peak prices read); and the figures that price the quality gap a
// policy may read (quality_gap_usd, monthly_usd): the engineer hour, the
// quality block's rework hours, and whether the gap is in monthly_usd
// (include_in_decision).
func teamLoadChanges(base, head *spec.Spec) []loadChange {
	b, h := base.Team, head.Team
	var out []loadChange
	for _, f := range []struct {
		name string
		b, h spec.Range
	}{
		{"team.developers", b.Developers, h.Developers},
		{"team.tokens_per_developer", b.TokensPerDeveloper, h.TokensPerDeveloper},
		{"team.input_share", b.InputShare, h.InputShare},
		{"team.cached_input_share", b.CachedInputShare, h.CachedInputShare},
		{"team.cache_write_share", b.CacheWriteShare, h.CacheWriteShare},
		{"team.working_hours_per_month", spec.Scalar(b.WorkingHoursPerMonth), spec.Scalar(h.WorkingHoursPerMonth)},
		{"team.peak_to_average", b.PeakToAverage, h.PeakToAverage},
		{"team.developer_hourly_usd", b.DeveloperHourlyUSD, h.DeveloperHourlyUSD},
		{"quality.rework_hours", base.Quality.ReworkHours, head.Quality.ReworkHours},
	} {
		if f.b != f.h {
			out = append(out, loadChange{attr: f.name, moved: moved(f.b, f.h)})
		}
	}
	for _, f := range []struct{ name, b, h string }{
		{"cache_ttl", b.CacheTTL, h.CacheTTL},
		{"timezone", b.Timezone, h.Timezone},
	} {
		if f.b != f.h {
			out = append(out, loadChange{attr: "team." + f.name, moved: changed(setting(f.b), setting(f.h))})
		}
	}
	// The fleet's pricing model is no figure of the load, but a change to
	// a commitment (reserved, capacity_block) or to spot prices the fleet
	// at a rate nobody has yet bought: the program launches on-demand
	// instances, billed so until a Savings Plan covers them. A move to
	// on-demand bills what the program launches; one to reserved is a
	// loosening whatever it clears (figureLoosenings).
	if bp, hp := base.SelfHosted.Pricing, head.SelfHosted.Pricing; bp != hp && hp != spec.OnDemand && hp != spec.Reserved {
		out = append(out, loadChange{attr: "self_hosted.pricing", moved: changed(setting(bp), setting(hp))})
	}
	if bi, hi := base.Quality.IncludeInDecision, head.Quality.IncludeInDecision; bi != hi {
		out = append(out, loadChange{attr: "quality.include_in_decision", moved: changed(strconv.FormatBool(bi), strconv.FormatBool(hi))})
	}
	return append(out, claimChanges(base, head)...)
}

// claimChanges are the statements a team makes about itself that
// policies read (an organisation's folder may keep a cost centre off GPU
// fleets, or make the self-hosting checklist binding): compared like the
// load, so a changed claim that clears a denial is spec.loosened.
// Flipping gpu_expertise and latency_over_quality, or moving cost_center
// off "sandbox", cleared such a denial with no review.
func claimChanges(base, head *spec.Spec) []loadChange {
	var out []loadChange
	if b, h := base.Team.CostCenter, head.Team.CostCenter; b != h {
		out = append(out, loadChange{attr: "team.cost_center", moved: changed(setting(b), setting(h))})
	}
	bo, ho := base.Organization, head.Organization
	for _, f := range []struct {
		name string
		b, h bool
	}{
		{"organization.gpu_expertise", bo.GPUExpertise, ho.GPUExpertise},
		{"organization.latency_over_quality", bo.LatencyOverQuality, ho.LatencyOverQuality},
	} {
		if f.b != f.h {
			out = append(out, loadChange{attr: f.name, moved: changed(strconv.FormatBool(f.b), strconv.FormatBool(f.h))})
		}
	}
	return out
}

// setting prints a named setting: "\"1h\"", or "unset".
func setting(v string) string {
	if v == "" {
		return "unset"
	}
	return strconv.Quote(v)
}

// workloadLoadChanges lists the workloads' load head changes: in the
// workloads both specs name, the share, complexity (a simple task is
// served by a cheaper model and scored on an easier scale), context_tokens
// and rework hours; and the workloads themselves, a workload new in the
// head and one of the base the head no longer names (removed or renamed),
// whose share the others carry.
func workloadLoadChanges(base, head *spec.Spec) []loadChange {
	var out []loadChange
	for _, hw := range head.Workloads {
		path := "workload." + hw.Name
		bw, ok := workloadNamed(base, hw.Name)
		if !ok {
			out = append(out, loadChange{attr: path, moved: fmt.Sprintf("is new, with a share of %g", hw.Share)})
			continue
		}
		if bw.Share != hw.Share {
			out = append(out, loadChange{attr: path + ".share", moved: moved(spec.Scalar(bw.Share), spec.Scalar(hw.Share))})
		}
		if bw.Complexity != hw.Complexity {
			out = append(out, loadChange{attr: path + ".complexity", moved: changed(bw.Complexity, hw.Complexity)})
		}
		if bw.ContextTokens != hw.ContextTokens {
			out = append(out, loadChange{attr: path + ".context_tokens", moved: moved(spec.Scalar(float64(bw.ContextTokens)), spec.Scalar(float64(hw.ContextTokens)))})
		}
		// A workload without its own takes the quality block's, compared
		// as the team's.
		if b, h := reworkOf(base, bw), reworkOf(head, hw); (bw.ReworkHours != nil || hw.ReworkHours != nil) && b != h {
			out = append(out, loadChange{attr: path + ".rework_hours", moved: moved(b, h)})
		}
	}
	for _, bw := range base.Workloads {
		if _, ok := workloadNamed(head, bw.Name); !ok {
			out = append(out, loadChange{attr: "workload." + bw.Name, moved: fmt.Sprintf("is removed or renamed (it had a share of %g)", bw.Share)})
		}
	}
	return out
}

// reworkOf is workload w's rework hours in s: its own, else the quality
// block's.
func reworkOf(s *spec.Spec, w spec.Workload) spec.Range {
	if w.ReworkHours != nil {
		return *w.ReworkHours
	}
	return s.Quality.ReworkHours
}

// changed says how a named value changed: "changes from complex to simple".
func changed(b, h string) string {
	return fmt.Sprintf("changes from %s to %s", b, h)
}

func workloadNamed(s *spec.Spec, name string) (spec.Workload, bool) {
	for _, w := range s.Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return spec.Workload{}, false
}

// moved says how a figure changed: "falls from 3 to 1.5", "rises from
// 10 to 20", "changes from 2e+06–5e+06 to 1e+06–8e+06".
func moved(b, h spec.Range) string {
	verb := "changes"
	switch {
	case h.Low <= b.Low && h.High <= b.High:
		verb = "falls"
	case h.Low >= b.Low && h.High >= b.High:
		verb = "rises"
	}
	return fmt.Sprintf("%s from %s to %s", verb, rangeOf(b, general), rangeOf(h, general))
}

// maxMovedLoads bounds the plans movedLoad builds in one review; the
// pairs past it are loosenings, not compared.
const maxMovedLoads = 8

// movedLoad reports a head workload that may carry load a base workload
// gave up (the base's gone, renamed, or its share cut) under a pin of its
// own: a carrier is a workload new in the head or whose share rose, of any
// complexity, pinned (a route or a model) otherwise than the donor is
// planned at the base's load. The base's load is planned again with
// the donor under the carrier's pin (its own load and targets kept), and
// a denial there that the head has not is spec.loosened. "agent" pinned to
// GPT-5.4 mini at 600,000-token prompts, renamed, made simple, split off
// or moved into an existing workload at 200,000, passed before. Targets
// are no pin: a carrier's stricter target on the donor's heavier load
// clears nothing the change hid (a gone workload's targets are
// goneWorkloads').
func movedLoad(ctx context.Context, base, head *spec.Spec, now headDenials, opts Options) []Loosening {
	l := &loosener{head: head}
	var donors []int
	for i, bw := range base.Workloads {
		if hw, ok := workloadNamed(head, bw.Name); !ok || hw.Share < bw.Share {
			donors = append(donors, i)
		}
	}
	tried := 0
	for _, hw := range head.Workloads {
		if bw, ok := workloadNamed(base, hw.Name); (ok && hw.Share <= bw.Share) || (hw.Route == spec.RouteAuto && hw.Model == "") {
			continue // no share taken, or no pin: the ordinary comparison's
		}
		for _, i := range donors {
			cf := atBaseLoad(base, head, true)
			d := cf.Workloads[i]
			if d.Name == hw.Name || (d.Route == hw.Route && d.Model == hw.Model) {
				continue // the base's load is planned with that pin already
			}
			if tried++; tried > maxMovedLoads {
				l.add("workload."+hw.Name, "workload %s takes share while workload %s gave up load, and the review plans at most %d such moves: this one is not compared", hw.Name, d.Name, maxMovedLoads)
				continue
			}
			cf.Workloads[i].Route, cf.Workloads[i].Model = hw.Route, hw.Model
			cleared, err := clearedAt(ctx, cf, now, opts)
			if err != nil {
				l.add("workload."+hw.Name, "workload %s takes share while workload %s gave up load, and the plan of %s's base load under %s's route and model, which would show what the move clears, could not be built: %v", hw.Name, d.Name, d.Name, hw.Name, err)
				continue
			}
			if len(cleared) > 0 {
				l.add("workload."+hw.Name, "workload %s takes share while workload %s gave up load (%d-token %s prompts, share %g at the base): under %s's route and model at that load %s; moving the load clears it", hw.Name, d.Name, d.ContextTokens, d.Complexity, d.Share, hw.Name, clearedText(cleared))
			}
		}
	}
	return l.out
}

// atBaseLoad is head with base's load figures: the team's always (and
// the fleet's pricing model, with the base's price for it, and the team's
// claims: cost centre, organization block); with
// workloads, the base's workloads, each with its share, complexity,
// context_tokens and rework_hours, under the head's rules (max_ttft_ms,
// min_quality, route, model) where the head names it; a workload the head
// removed or renamed keeps its load, its route and pinned model, and none
// of its targets (compared by goneWorkloads); a workload new in the head is left out,
// its share being part of the change. A rename, a split or a removal that
// moves load to a lighter workload is compared like a lower figure.
func atBaseLoad(base, head *spec.Spec, workloads bool) *spec.Spec {
	cf := *head
	b, t := base.Team, &cf.Team
	t.Developers, t.TokensPerDeveloper, t.InputShare = b.Developers, b.TokensPerDeveloper, b.InputShare
	t.CachedInputShare, t.CacheWriteShare = b.CachedInputShare, b.CacheWriteShare
	t.WorkingHoursPerMonth, t.PeakToAverage = b.WorkingHoursPerMonth, b.PeakToAverage
	t.CacheTTL, t.Timezone = b.CacheTTL, b.Timezone
	t.DeveloperHourlyUSD, cf.Quality = b.DeveloperHourlyUSD, base.Quality
	t.CostCenter, cf.Organization = b.CostCenter, base.Organization // claimChanges
	if bs, hs := base.SelfHosted, &cf.SelfHosted; bs.Pricing != hs.Pricing && hs.Pricing != spec.OnDemand {
		// Billed as the base bills it: its pricing model, with the price
		// the base wrote for it (a GPU-hour price is one pricing model's,
		// one GPU's), its billed hours and on-demand base (which a
		// commitment makes moot: hours_per_month = 672 under reserved
		// was billed on demand for 672 hours, under the limit).
		hs.Pricing, hs.GPUHourUSD = bs.Pricing, nil
		hs.HoursPerMonth, hs.OnDemandBase = bs.HoursPerMonth, bs.OnDemandBase
		if bs.GPU == hs.GPU {
			hs.GPUHourUSD = bs.GPUHourUSD
		}
	}
	if !workloads {
		return &cf
	}
	cf.Workloads = make([]spec.Workload, 0, len(base.Workloads))
	for _, bw := range base.Workloads {
		// A workload the head removed or renamed keeps its route and
		// pinned model (the denial a pin had on its load is no figure a
		// rename may clear), none of its targets.
		w := spec.Workload{Name: bw.Name, Route: bw.Route, Model: bw.Model}
		if hw, ok := workloadNamed(head, bw.Name); ok {
			w = hw
		}
		w.Share, w.Complexity, w.ContextTokens, w.ReworkHours = bw.Share, bw.Complexity, bw.ContextTokens, bw.ReworkHours
		cf.Workloads = append(cf.Workloads, w)
	}
	return &cf
}
