package plan

import (
	"fmt"

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
	return f, nil
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
