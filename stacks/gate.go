package stacks

import (
	"context"
	"fmt"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
)

// GateWith returns the plan.Options.Gate hook that runs Gate with the
// engine and configuration.
func GateWith(ctx context.Context, engine *policies.Engine, cfg Config) func(*plan.Plan) error {
	return func(p *plan.Plan) error { return Gate(ctx, p, engine, cfg) }
}

// Gate fills p.Resources with what `pulumi up` would register for the
// decision and runs the resource policies over them. An option whose
// resources a resource policy denies is denied like any other, and the
// decision moves to the next cheapest allowed option. A resource policy
// that fails to evaluate blocks the plan, as a failing plan policy does.
func Gate(ctx context.Context, p *plan.Plan, engine *policies.Engine, cfg Config) error {
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
		if err != nil {
			p.Decision = plan.Decision{Architecture: plan.Blocked, Reasons: []string{
				fmt.Sprintf("resource policy evaluation failed, so nothing is allowed: %v", err)}}
			for i := range p.Options {
				p.Options[i].Allowed = false
				p.Options[i].Violations = append(p.Options[i].Violations, plan.Finding{Policy: "policy.error", Option: "*", Message: err.Error()})
			}
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
func checkResources(ctx context.Context, engine *policies.Engine, arch string, res []plan.Resource) (deny, warn []plan.Finding, err error) {
	for _, r := range res {
		out, err := engine.EvaluateResource(ctx, PolicyInput(r))
		if err != nil {
			return nil, nil, fmt.Errorf("resource policies on %s %s: %w", r.Type, r.Name, err)
		}
		for _, f := range out.Deny {
			deny = append(deny, plan.Finding{Policy: f.Policy, Option: arch, Message: f.Message})
		}
		for _, f := range out.Warn {
			warn = append(warn, plan.Finding{Policy: f.Policy, Option: arch, Message: f.Message})
		}
	}
	return deny, warn, nil
}
