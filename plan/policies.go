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

// Engine returns the policy engine behind an Evaluator made by
// NewPolicies, for evaluating resource policies with the same compiled set.
func Engine(ev Evaluator) (*policies.Engine, bool) {
	en, ok := ev.(engine)
	return en.e, ok
}

func (en engine) WaiverRules() policies.WaiverRules { return en.e.WaiverRules() }

func (en engine) CanEmit(id string) bool { return en.e.CanEmit(id) }

func (en engine) EvaluatePlan(ctx context.Context, input any) (deny, warn []Finding, err error) {
	res, err := en.e.EvaluatePlan(ctx, input)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range res.Deny {
		deny = append(deny, Finding{Policy: f.Policy, Option: f.Option, Message: f.Message, Attribute: f.Attribute})
	}
	for _, f := range res.Warn {
		warn = append(warn, Finding{Policy: f.Policy, Option: f.Option, Message: f.Message, Attribute: f.Attribute})
	}
	return deny, warn, nil
}
