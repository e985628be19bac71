package plan_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	policyengine "github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
	"github.com/open-policy-agent/opa/v1/ast"
)

// sharedCheck is the built-in policies, holding each gate input (a plan
// whose fields but its option were converted on the gate's first call) to
// what its whole plan converts to at the time of the call.
type sharedCheck struct {
	plan.Evaluator
	t     *testing.T
	calls *int
}

func (c sharedCheck) EvaluatePlanDeny(ctx context.Context, input any) ([]plan.Finding, error) {
	in, ok := input.(policyengine.SharedInput)
	if !ok {
		c.t.Fatalf("gate input is %T, want a policyengine.SharedInput", input)
	}
	*c.calls++
	got, gerr := policyengine.InputValue(in)
	want, werr := policyengine.InputValue(in.Input())
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		c.t.Errorf("gate input: error %v, want %v", gerr, werr)
	} else if werr == nil && ast.Compare(got, want) != 0 {
		c.t.Errorf("gate input of %s differs from its whole plan's", in.Input().(*plan.Plan).Spec)
	}
	return c.Evaluator.(interface {
		EvaluatePlanDeny(context.Context, any) ([]plan.Finding, error)
	}).EvaluatePlanDeny(ctx, input)
}

// TestGateSharesPlan: the cost search's gate (in Build and in Pareto,
// which gates a finished plan) gives the policies, on every call, exactly
// what the whole plan of that call converts to, over the bundled examples.
func TestGateSharesPlan(t *testing.T) {
	paths, err := filepath.Glob("../examples/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	seeds, _ := filepath.Glob("../examples/seed/*.hcl")
	calls := 0
	ev := sharedCheck{Evaluator: builtinPolicies(), t: t, calls: &calls}
	for _, path := range append(paths, seeds...) {
		s, diags := spec.NewParser(modelcatalog.Default()).ParseFile(path)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		opts := plan.Options{AsOf: fuzzDate, Policies: ev}
		p, err := plan.Build(context.Background(), s, opts)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := plan.Pareto(context.Background(), p, s, opts); err != nil {
			t.Fatalf("%s: pareto: %v", path, err)
		}
	}
	if calls == 0 {
		t.Fatal("no gate call")
	}
	t.Logf("%d gate calls", calls)
}
