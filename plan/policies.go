package plan

import (
	"context"

	"github.com/costgate/costgate/policies"
)

// engine adapts the OPA policy engine to Evaluator.
type engine struct{ e *policies.Engine }

// NewPolicies compiles the built-in plan policies and those in dirs once.
func NewPolicies(dirs ...string) (Evaluator, error) {
	return NewPoliciesWith(policies.Options{Dirs: dirs})
}

// NewPoliciesWith compiles the policies with the given options (folders,
// evaluation deadline and heap bound).
func NewPoliciesWith(opts policies.Options) (Evaluator, error) {
	e, err := policies.New(opts)
	if err != nil {
		return nil, err // policies.New names the step and the file
	}
	return engine{e}, nil
}

func (en engine) EvaluateResource(ctx context.Context, input map[string]any) (deny, warn []Finding, err error) {
	res, err := en.e.EvaluateResource(ctx, input)
	if err != nil {
		return nil, nil, err
	}
	return res.Deny, res.Warn, nil
}

func (en engine) WaiverRules() policies.WaiverRules { return en.e.WaiverRules() }

func (en engine) CanEmit(id string) bool { return en.e.CanEmit(id) }

func (en engine) EvaluatePlan(ctx context.Context, input any) (deny, warn []Finding, err error) {
	res, err := en.e.EvaluatePlan(ctx, input)
	if err != nil {
		return nil, nil, err
	}
	return res.Deny, res.Warn, nil
}

// EvaluatePlanDeny is EvaluatePlan's denials alone (the gate's), which
// skips the built-in warn rules.
func (en engine) EvaluatePlanDeny(ctx context.Context, input any) ([]Finding, error) {
	return en.e.EvaluatePlanDeny(ctx, input)
}
