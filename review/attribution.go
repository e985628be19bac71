package review

import (
	"context"
	"fmt"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// attribute re-plans base with one input changed at a time and records
// the step each input adds; a change of price book or policies comes last.
func (d *Diff) attribute(ctx context.Context, base, head *spec.Spec, bp *plan.Plan, baseRules, headRules Rules) error {
	changes, stepOpts := steps(base, head, baseRules, headRules)

	// Both sides' options: each is attributed only when priced on both.
	var archs []architecture.Name
	for _, oc := range d.Options {
		if oc.Base != nil && oc.Head != nil {
			archs = append(archs, oc.Architecture)
		}
	}
	decided := d.Decision.BaseUSD != nil && d.Decision.HeadUSD != nil
	prevOpt := expectedByArch(bp)
	var prevDecided float64
	if decided {
		prevDecided = *d.Decision.BaseUSD
	}
	work := cloneSpec(base)
	for i, c := range changes {
		c.apply(work)
		p := d.Head
		if i < len(changes)-1 {
			var err error
			if p, err = plan.Build(ctx, work, stepOpts[i]); err != nil {
				return fmt.Errorf("compare: re-plan with %s changed: %w", c.input, err)
			}
		}
		step := InputChange{Step: i + 1, Input: c.input, Base: c.base, Head: c.head, OptionsUSD: map[architecture.Name]float64{}, Decision: p.Decision.Architecture}
		now := expectedByArch(p)
		for _, a := range archs {
			// An option that cannot be priced part way keeps its last cost;
			// the next step that prices it carries the change.
			v, ok := now[a]
			if !ok {
				v = prevOpt[a]
			}
			step.OptionsUSD[a] = units.RoundCents(v - prevOpt[a])
			prevOpt[a] = v
		}
		if decided {
			// A step that blocks everything keeps the last decided cost.
			v := prevDecided
			if u := decidedUSD(p); u != nil {
				v = *u
			}
			delta := units.RoundCents(v - prevDecided)
			step.DecisionUSD = &delta
			prevDecided = v
		}
		d.Inputs = append(d.Inputs, step)
	}
	d.total(archs, decided)
	return nil
}

// steps lists the changes in attribution order with the options each is
// planned under: the spec's inputs (and "other" for anything the list
// does not know of, so the steps always end at head) under the base's
// rules, then the head's price book, then the deployment the head's
// stacks configure, then the head's policies.
func steps(base, head *spec.Spec, baseRules, headRules Rules) ([]inputChange, []plan.Options) {
	opts := baseRules.Options
	changes := inputChanges(base, head)
	work := cloneSpec(base)
	for _, c := range changes {
		c.apply(work)
	}
	if !specsEqual(work, head) {
		changes = append(changes, inputChange{input: "other", base: "", head: "", apply: func(dst *spec.Spec) {
			name := dst.Filename
			*dst = *cloneSpec(head)
			dst.Filename = name
		}})
	}
	stepOpts := make([]plan.Options, len(changes))
	for i := range stepOpts {
		stepOpts[i] = opts
	}
	if baseRules.PriceBookID != headRules.PriceBookID {
		opts.Catalog = headRules.Catalog
		changes = append(changes, inputChange{input: "price book", base: baseRules.PriceBookID, head: headRules.PriceBookID, apply: func(*spec.Spec) {}})
		stepOpts = append(stepOpts, opts)
	}
	if was, now := opts.Deployment, headRules.Deployment; was != now {
		opts.Deployment = now
		changes = append(changes, inputChange{input: "stack deployment", base: was.String(), head: now.String(), apply: func(*spec.Spec) {}})
		stepOpts = append(stepOpts, opts)
	}
	if baseRules.PoliciesID != headRules.PoliciesID {
		changes = append(changes, inputChange{input: "policies", base: baseRules.PoliciesID, head: headRules.PoliciesID, apply: func(*spec.Spec) {}})
		stepOpts = append(stepOpts, headRules.Options)
	}
	return changes, stepOpts
}

// total sums the steps, which add up to the whole change.
func (d *Diff) total(archs []architecture.Name, decided bool) {
	for _, a := range archs {
		sum := 0.0
		for _, in := range d.Inputs {
			sum += in.OptionsUSD[a]
		}
		d.Totals.OptionsUSD[a] = units.RoundCents(sum)
	}
	if decided {
		sum := 0.0
		for _, in := range d.Inputs {
			sum += *in.DecisionUSD
		}
		sum = units.RoundCents(sum)
		d.Totals.DecisionUSD = &sum
	}
}

func decidedUSD(p *plan.Plan) *float64 {
	if c := p.Chosen(); c != nil {
		v := c.MonthlyUSD.Expected
		return &v
	}
	return nil
}

func expectedByArch(p *plan.Plan) map[architecture.Name]float64 {
	out := map[architecture.Name]float64{}
	for _, o := range p.Options {
		out[o.Architecture] = o.MonthlyUSD.Expected
	}
	return out
}

func optionChanges(bp, hp *plan.Plan) []OptionChange {
	find := func(p *plan.Plan, arch architecture.Name) *plan.Option {
		if p == nil {
			return nil
		}
		for i := range p.Options {
			if p.Options[i].Architecture == arch {
				return &p.Options[i]
			}
		}
		return nil
	}
	var out []OptionChange
	for _, a := range architecture.All {
		b, h := find(bp, a), find(hp, a)
		if b == nil && h == nil {
			continue
		}
		oc := OptionChange{Architecture: a, HeadDenials: []string{}}
		if b != nil {
			m := b.MonthlyUSD
			oc.Base, oc.BaseAllowed = &m, b.Allowed
		}
		if h != nil {
			m := h.MonthlyUSD
			oc.Head, oc.HeadAllowed = &m, h.Allowed
			oc.HeadDenials = denials(h.Violations)
		}
		if b != nil && h != nil {
			oc.Delta = &plan.Money{Low: units.RoundCents(h.MonthlyUSD.Low - b.MonthlyUSD.Low), Expected: units.RoundCents(h.MonthlyUSD.Expected - b.MonthlyUSD.Expected), High: units.RoundCents(h.MonthlyUSD.High - b.MonthlyUSD.High)}
		}
		out = append(out, oc)
	}
	return out
}
