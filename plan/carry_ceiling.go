package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
)

// A carried override (one the base holds unchanged, counted without its
// approver's approval of this change) waives no more than it waived at
// the base, planned with the same rules and the deployment the base's
// stacks configured (Options.baseOptions): an option it did not waive
// there, or one whose bill rose, needs its approver again. The load
// comparison (Options.movedSinceBase) misses a change that raises the bill at
// the same load: the same team pinned to a fixed fleet of 256 B200s
// waived 2.9 million dollars a month on an override approved at 8,550
// for managed Opus, approved by any writer, and no loosening, so
// narrowing spec.loosened's approvers did not stop it.

// beyondBase returns, for each override of p counted only because the
// base holds it unchanged, what it waives beyond what it waived at the
// base; nil when none does. A base that cannot be planned leaves each
// such override beyond it.
func (o Options) beyondBase(ctx context.Context, p *Plan) (map[string]string, error) {
	if o.Base == nil || o.Approvals == nil {
		return nil, nil
	}
	var only []*Waiver
	for i := range p.Waivers {
		w := &p.Waivers[i]
		if w.Review || !w.Active() || !w.Verified || len(w.Waived) == 0 || o.Approvals.Has(w.Approver) || carried(w, o.Evidenced) {
			continue
		}
		only = append(only, w)
	}
	if len(only) == 0 {
		return nil, nil
	}
	bp, err := o.basePlan(ctx)
	if IsLimit(err) {
		return nil, err
	}
	out := map[string]string{}
	for _, w := range only {
		why := ""
		if err != nil {
			why = fmt.Sprintf("the base could not be planned: %v", err)
		} else {
			why = waivesBeyond(w, p, bp)
		}
		if why != "" {
			out[w.Name] = why
		}
	}
	return out, nil
}

// waivesBeyond says what w waives in p beyond what the override of its
// name waived in base: "self_hosted was not waived at the base",
// "managed's bill rises from $8,550 to $13,680 a month"; "" when nothing.
func waivesBeyond(w *Waiver, p, base *Plan) string {
	var was []string
	for _, bw := range base.Waivers {
		if !bw.Review && bw.Name == w.Name {
			was = bw.Waived
		}
	}
	var out []string
	for _, arch := range w.Waived {
		h, b := p.option(arch), base.option(arch)
		switch {
		case !slices.Contains(was, arch) || h == nil || b == nil:
			out = append(out, arch+" was not waived at the base")
		case rose(b.CashUSD, h.CashUSD):
			out = append(out, fmt.Sprintf("%s's bill rises from %s to %s a month", arch, usdWhole(b.CashUSD.Expected), usdWhole(h.CashUSD.Expected)))
		}
	}
	return strings.Join(out, "; ")
}

// rose reports whether any figure of now is above was's, beyond the
// rounding of summing the same costs in another order.
func rose(was, now Money) bool {
	above := func(b, h float64) bool { return h > b+1e-9*max(b, 1) }
	return above(was.Low, now.Low) || above(was.Expected, now.Expected) || above(was.High, now.High)
}

// option is p's option of architecture arch, or nil.
func (p *Plan) option(arch string) *Option {
	for i := range p.Options {
		if p.Options[i].Architecture == architecture.Name(arch) {
			return &p.Options[i]
		}
	}
	return nil
}
