package stacks

import (
	"context"
	"fmt"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

// GateWith returns the plan.Options.Gate hook that runs Gate with the
// engine and configuration.
func GateWith(engine plan.Evaluator, cfg Config) func(context.Context, *plan.Plan) error {
	return func(ctx context.Context, p *plan.Plan) error { return Gate(ctx, p, engine, cfg) }
}

// Gate fills p.Resources with what `pulumi up` would register for the
// decision and runs the resource policies over them. An option whose
// resources a resource policy denies is denied like any other, and the
// decision moves to the next cheapest allowed option. A resource policy
// that fails to evaluate blocks the plan, as a failing plan policy does.
func Gate(ctx context.Context, p *plan.Plan, engine plan.Evaluator, cfg Config) error {
	if engine == nil {
		return fmt.Errorf("gate resources: no policy engine")
	}
	for {
		o := p.Chosen()
		if o == nil {
			p.Resources = []plan.Resource{}
			return nil
		}
		res, err := Preview(p, cfg)
		if err != nil {
			return err
		}
		deny, warn, err := checkResources(ctx, engine, o.Architecture, res)
		if plan.IsLimit(err) {
			return err
		}
		if err != nil {
			p.BlockAll("resource policy evaluation failed", err)
			p.Resources = []plan.Resource{}
			return nil
		}
		// Overrides waive resource-policy ids as they do plan-policy ids.
		p.Apply(deny, warn)
		if o.Allowed {
			p.Resources = res
			return nil
		}
		plan.Decide(p)
	}
}

// checkResources evaluates every resource policy on every resource.
func checkResources(ctx context.Context, engine plan.Evaluator, arch architecture.Name, res []plan.Resource) (deny, warn []plan.Finding, err error) {
	for _, r := range res {
		d, w, err := engine.EvaluateResource(ctx, PolicyInput(r))
		if err != nil {
			return nil, nil, fmt.Errorf("resource policies on %s %s: %w", r.Type, r.Name, err)
		}
		for _, f := range d {
			f.Option = arch
			deny = append(deny, f)
		}
		for _, f := range w {
			f.Option = arch
			warn = append(warn, f)
		}
	}
	return deny, warn, nil
}
