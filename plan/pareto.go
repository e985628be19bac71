package plan

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/spec"
)

// ParetoPoint is one assignment on the cost–quality frontier.
type ParetoPoint struct {
	Option architecture.Name `json:"option"`
	Routes []RouteShort      `json:"routes"`
	// Fleet is the fleet's model on its GPU ("" without a fleet).
	Fleet string `json:"fleet,omitempty"`
	// MonthlyUSD is the expected monthly cost, quality gap included when
	// the spec includes it in the decision.
	MonthlyUSD float64 `json:"monthly_usd"`
	// Quality is the token-weighted quality score: each workload's share
	// times its model's score for its complexity (unknown counts 0).
	Quality float64 `json:"quality"`
	// Chosen marks the plan's decision.
	Chosen bool `json:"chosen"`
	// DeniedBy are the policies that deny it: the plan policies, gated as
	// the search gates an option, and the resource policies where they
	// denied the plan's option of these routes. A denied point is listed
	// only where it would beat the allowed ones.
	DeniedBy []string `json:"denied_by,omitempty"`
}

// Frontier is a plan's cost–quality frontier (costgate plan --pareto).
type Frontier struct {
	Spec   string        `json:"spec"`
	Team   string        `json:"team"`
	AsOf   string        `json:"as_of"`
	Points []ParetoPoint `json:"points"`
	// Decision is the plan's decided option, or blocked; a point is
	// marked chosen when it routes every workload as the decision does.
	Decision architecture.Name `json:"decision"`
}

// Allowed counts the frontier's points the policies allow.
func (f *Frontier) Allowed() int {
	n := 0
	for _, p := range f.Points {
		if len(p.DeniedBy) == 0 {
			n++
		}
	}
	return n
}

// Pareto lists the frontier of the spec p was built from, by expected
// monthly cost and token-weighted quality, with the same catalog,
// deployment, date and policies: the assignments the policies allow that
// no other allowed one beats, and the denied ones that would (DeniedBy);
// it marks the one p decided. The plan policies judge each point as the
// search judges an option (with p's overrides); the resource policies,
// which run on the decided option's resources only, deny a point where
// they denied p's option of the same routes. Without opts.Policies no
// policy is applied.
func Pareto(ctx context.Context, p *Plan, s *spec.Spec, opts Options) (*Frontier, error) {
	cat := opts.catalog().ForDeployment(opts.Deployment.In(s.SelfHosted.Region))
	var g costmodel.Gate
	if opts.Policies != nil {
		plans := gate(ctx, opts.Policies, p)
		g = func(o costmodel.Option) (costmodel.Verdict, error) {
			v, err := plans(o)
			if err != nil {
				return v, err
			}
			for _, id := range knownDenial(p, paretoPoint(o)) {
				v.Denied = AppendUnique(v.Denied, id)
			}
			return v, nil
		}
	}
	pts, err := costmodel.ParetoWith(s, cat, p.AsOf, g)
	if err != nil {
		return nil, fmt.Errorf("pareto of %s: %w", s.Filename, err)
	}
	f := &Frontier{Spec: p.Spec, Team: p.Team, AsOf: p.AsOf, Points: paretoPoints(pts), Decision: p.Decision.Architecture}
	if o := p.Chosen(); o != nil {
		for i := range f.Points {
			f.Points[i].Chosen = routesMatch(f.Points[i], o)
		}
	}
	if g == nil {
		for i := range f.Points {
			f.Points[i].DeniedBy = knownDenial(p, f.Points[i])
		}
	}
	return f, nil
}

// paretoPoint is the frontier point of an option's assignment: its
// routes, fleet and expected cost in cents, as the plan's options show
// theirs (the gate converts the whole option once already).
func paretoPoint(o costmodel.Option) ParetoPoint {
	pt := ParetoPoint{Option: o.Architecture, MonthlyUSD: money(o.MonthlyUSD).Expected}
	for _, r := range o.Routes {
		pt.Routes = append(pt.Routes, RouteShort{Workload: r.Workload, ServedBy: r.ServedBy, Model: r.Model})
	}
	if o.Sizing != nil {
		pt.Fleet = o.Sizing.Model + " on " + o.Sizing.GPU
	}
	return pt
}

// knownDenial is the policies p found denying the assignment pt: an
// option of p, or an assignment its search rejected, routed and costed
// as pt is (to the cent: the fleet's GPU is not in a candidate's routes).
func knownDenial(p *Plan, pt ParetoPoint) []string {
	sameCost := func(usd float64) bool { return math.Abs(usd-pt.MonthlyUSD) < 0.005 }
	for _, o := range p.Options {
		if !o.Allowed && routesMatch(pt, &o) && sameCost(o.MonthlyUSD.Expected) {
			var ids []string
			for _, v := range o.Violations {
				ids = AppendUnique(ids, v.Policy)
			}
			return ids
		}
	}
	if p.Search == nil {
		return nil
	}
	for _, c := range p.Search.Rejected {
		if c.Option == pt.Option && slices.Equal(c.Routes, pt.Routes) && sameCost(c.MonthlyUSD) {
			return slices.Clone(c.DeniedBy)
		}
	}
	return nil
}

// routesMatch says whether a point routes every workload as o does, the
// fleet's model included.
func routesMatch(pt ParetoPoint, o *Option) bool {
	if len(pt.Routes) != len(o.Routes) {
		return false
	}
	for i, r := range o.Routes {
		if pt.Routes[i].ServedBy != r.ServedBy || pt.Routes[i].Model != r.Model {
			return false
		}
	}
	if o.Sizing != nil {
		return pt.Fleet == o.Sizing.Model+" on "+o.Sizing.GPU
	}
	return true
}
