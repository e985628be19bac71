// Package review compares two versions of a spec: it plans both, under
// each side's own price book and policies, and attributes the change of
// cost to the inputs that moved it. Rendering lives in report.
package review

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// Compare plans base and head and explains the difference. base may be
// nil for a spec that is new. Each input that differs is applied to a
// copy of base in a fixed order and re-planned, so the parts of the change
// add up to the whole. opts.Policies should be compiled once by the caller;
// nil compiles them here.
func Compare(ctx context.Context, base, head *spec.Spec, opts plan.Options) (*Diff, error) {
	if opts.Policies == nil {
		ev, err := plan.NewPolicies(opts.PolicyDirs...)
		if err != nil {
			return nil, fmt.Errorf("compare: %w", err)
		}
		opts.Policies = ev
	}
	return CompareWith(ctx, base, head, Rules{Options: opts}, Rules{Options: opts})
}

// Rules are the price book and policies one side of a diff is planned
// with, and fingerprints that tell whether the two sides' differ.
type Rules struct {
	plan.Options
	// PriceBookID and PoliciesID identify the price book and the policy
	// folders (a digest of their files); a side whose value differs from
	// the other's is shown as a change of its own.
	PriceBookID string
	PoliciesID  string
}

// CompareWith plans base under the base's rules and head under the
// head's, as the change would stand once merged. The attribution applies
// the spec's inputs under the base's rules, then the head's price book,
// then the head's policies, so a change that only edits a price book or a
// policy folder shows what it moves.
func CompareWith(ctx context.Context, base, head *spec.Spec, baseRules, headRules Rules) (*Diff, error) {
	for _, r := range []*Rules{&baseRules, &headRules} {
		if r.Policies == nil {
			return nil, errors.New("compare: rules without compiled policies")
		}
	}
	opts := baseRules.Options
	hp, err := plan.Build(ctx, head, headRules.Options)
	if err != nil {
		return nil, fmt.Errorf("compare: plan head: %w", err)
	}
	d := &Diff{Spec: head.Filename, Team: hp.Team, AsOf: hp.AsOf, Head: hp, Order: AttributionOrder,
		Policies: []PolicyChange{}, Inputs: []InputChange{}, Totals: AttributionTotal{OptionsUSD: map[architecture.Name]float64{}}}
	// A new spec has no base to loosen, but its identity can: a new team
	// while another is gone (plan.TeamLoosening).
	d.Loosened = hp.Loosened
	if base == nil {
		d.New = true
		d.Decision = DecisionChange{Head: hp.Decision.Architecture, HeadUSD: decidedUSD(hp)}
		d.Verdict = [2]string{"", string(hp.Verdict)}
		d.Breakeven = [2]*int{nil, hp.Breakeven.Developers}
		d.Options = optionChanges(nil, hp)
		d.Routes = RouteChanges(nil, hp)
		d.Policies = policyChanges(nil, hp)
		return d, nil
	}
	bp, err := plan.Build(ctx, base, opts)
	if err != nil {
		return nil, fmt.Errorf("compare: plan base: %w", err)
	}
	d.Base, d.BaseSpec = bp, base.Filename
	d.Decision = DecisionChange{Base: bp.Decision.Architecture, Head: hp.Decision.Architecture, BaseUSD: decidedUSD(bp), HeadUSD: decidedUSD(hp)}
	if d.Decision.BaseUSD != nil && d.Decision.HeadUSD != nil {
		delta := units.RoundCents(*d.Decision.HeadUSD - *d.Decision.BaseUSD)
		d.Decision.DeltaUSD = &delta
		if *d.Decision.BaseUSD != 0 {
			pct := delta / *d.Decision.BaseUSD * 100
			d.Decision.DeltaPct = &pct
		}
	}
	d.Verdict = [2]string{string(bp.Verdict), string(hp.Verdict)}
	d.Breakeven = [2]*int{bp.Breakeven.Developers, hp.Breakeven.Developers}
	d.Options = optionChanges(bp, hp)
	d.Routes = RouteChanges(bp, hp)
	d.Policies = policyChanges(bp, hp)
	if err := d.attribute(ctx, base, head, bp, baseRules, headRules); err != nil {
		return nil, err
	}
	return d, nil
}

// RouteChanges lists the workloads whose route under each plan's decided
// option differs: head's workloads in head's order, then the workloads
// only base has, in base's order. bp or hp may be nil (a new spec); a
// blocked plan routes nothing.
func RouteChanges(bp, hp *plan.Plan) []RouteChange {
	routes := func(p *plan.Plan) (names []string, by map[string]string) {
		by = map[string]string{}
		if p == nil {
			return nil, by
		}
		for _, w := range p.Inputs.Workloads {
			names = append(names, w.Name)
		}
		if c := p.Chosen(); c != nil {
			for _, r := range c.Routes {
				by[r.Workload] = string(r.ServedBy) + ":" + r.Model
				if !slices.Contains(names, r.Workload) {
					names = append(names, r.Workload)
				}
			}
		}
		return names, by
	}
	bNames, bRoutes := routes(bp)
	hNames, hRoutes := routes(hp)
	ptr := func(m map[string]string, w string) *string {
		if v, ok := m[w]; ok {
			return &v
		}
		return nil
	}
	out := []RouteChange{}
	for _, w := range unionNames(hNames, bNames) {
		b, h := ptr(bRoutes, w), ptr(hRoutes, w)
		if (b == nil) == (h == nil) && (b == nil || *b == *h) {
			continue
		}
		out = append(out, RouteChange{Workload: w, Base: b, Head: h})
	}
	return out
}

func denials(fs []plan.Finding) []string {
	out := []string{}
	for _, f := range fs {
		if !slices.Contains(out, f.Policy) {
			out = append(out, f.Policy)
		}
	}
	return out
}

// policyChanges lists results on one side only. Results are matched by
// kind, option and policy id, not message: messages quote figures, which
// move with any cost change.
func policyChanges(bp, hp *plan.Plan) []PolicyChange {
	type key struct{ kind, option, policy string }
	collect := func(p *plan.Plan) ([]key, map[key]string) {
		var keys []key
		msgs := map[key]string{}
		add := func(kind, option string, fs []plan.Finding) {
			for _, f := range fs {
				k := key{kind, option, f.Policy}
				if _, ok := msgs[k]; !ok {
					keys = append(keys, k)
					msgs[k] = f.Message
				}
			}
		}
		if p == nil {
			return nil, msgs
		}
		for _, o := range p.Options {
			add("deny", string(o.Architecture), o.Violations)
			add("waived", string(o.Architecture), o.Waived)
			add("warn", string(o.Architecture), o.Warnings)
		}
		add("warn", "plan", p.Warnings)
		return keys, msgs
	}
	bk, bm := collect(bp)
	hk, hm := collect(hp)
	out := []PolicyChange{}
	for _, k := range hk {
		if _, ok := bm[k]; !ok {
			out = append(out, PolicyChange{Change: Appeared, Kind: k.kind, Option: k.option, Policy: k.policy, Message: hm[k]})
		}
	}
	for _, k := range bk {
		if _, ok := hm[k]; !ok {
			out = append(out, PolicyChange{Change: Cleared, Kind: k.kind, Option: k.option, Policy: k.policy, Message: bm[k]})
		}
	}
	return out
}
