package stacks

import (
	"context"
	"errors"
	"fmt"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

// GateWith returns the plan.Options.Gate hook that runs Gate with the
// engine and configurations.
func GateWith(engine plan.Evaluator, cfg Config, more ...Config) func(context.Context, *plan.Plan) error {
	cfgs := append([]Config{cfg}, more...)
	return func(ctx context.Context, p *plan.Plan) error { return Gate(ctx, p, engine, cfgs...) }
}

// Gate fills p.Resources with what `pulumi up` would register for the
// decision and runs the resource policies over them. An option whose
// resources a resource policy denies is denied like any other, and the
// decision moves to the next cheapest allowed option. A resource policy
// that fails to evaluate blocks the plan, as a failing plan policy does.
//
// With several configurations (every stack that deploys the spec) the
// resources of each are previewed and checked, as each stack's `pulumi up`
// would register them, and an option is denied if any stack's are;
// p.Resources holds the first configuration's.
func Gate(ctx context.Context, p *plan.Plan, engine plan.Evaluator, cfgs ...Config) error {
	if engine == nil {
		return fmt.Errorf("gate resources: no policy engine")
	}
	for {
		o := p.Chosen()
		if o == nil {
			p.Resources = []plan.Resource{}
			return nil
		}
		res, deny, warn, err := gateStacks(ctx, p, engine, o.Architecture, cfgs)
		if plan.IsLimit(err) {
			return err
		}
		var pe *previewError
		if errors.As(err, &pe) {
			return pe.err
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

// gateStacks previews the plan with each configuration and evaluates the
// resource policies on what each registers: the first configuration's
// resources, and every configuration's findings, each once.
func gateStacks(ctx context.Context, p *plan.Plan, engine plan.Evaluator, arch architecture.Name, cfgs []Config) (first []plan.Resource, deny, warn []plan.Finding, err error) {
	if len(cfgs) == 0 {
		cfgs = []Config{{}}
	}
	seen := map[plan.Finding]bool{}
	for i, cfg := range cfgs {
		res, err := Preview(p, cfg)
		if err != nil {
			return nil, nil, nil, &previewError{err}
		}
		if i == 0 {
			first = res
		}
		d, w, err := checkResources(ctx, engine, arch, res)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, f := range d {
			if !seen[f] {
				seen[f] = true
				deny = append(deny, f)
			}
		}
		for _, f := range w {
			if !seen[f] {
				seen[f] = true
				warn = append(warn, f)
			}
		}
	}
	return first, deny, warn, nil
}

// previewError is a preview that failed: the command's error, not a
// resource policy's.
type previewError struct{ err error }

func (e *previewError) Error() string { return e.err.Error() }
func (e *previewError) Unwrap() error { return e.err }

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
