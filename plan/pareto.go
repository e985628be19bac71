package plan

import (
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
	// DeniedBy are the policies that deny it where the plan found them:
	// one of its options, or an assignment its search gated (rejected);
	// the frontier itself applies no policy, so an unmarked point may be
	// denied too.
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

// Pareto lists the non-dominated assignments of the spec p was built from,
// by expected monthly cost and token-weighted quality, with the same
// catalog, deployment and date, and marks the one p decided.
func Pareto(p *Plan, s *spec.Spec, opts Options) (*Frontier, error) {
	cat := opts.catalog().ForDeployment(opts.Deployment)
	pts, err := costmodel.Pareto(s, cat, p.AsOf)
	if err != nil {
		return nil, fmt.Errorf("pareto of %s: %w", s.Filename, err)
	}
	f := &Frontier{Spec: p.Spec, Team: p.Team, AsOf: p.AsOf, Points: paretoPoints(pts), Decision: p.Decision.Architecture}
	if o := p.Chosen(); o != nil {
		for i := range f.Points {
			f.Points[i].Chosen = routesMatch(f.Points[i], o)
		}
	}
	for i := range f.Points {
		f.Points[i].DeniedBy = knownDenial(p, f.Points[i])
	}
	return f, nil
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
