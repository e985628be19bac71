package policies_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/stacks"
)

// BenchmarkEvaluatePlan measures one evaluation of every built-in plan
// policy over a three-option plan that trips four of them, with the plan
// in each form a caller may pass. Goal: at most 200 µs per plan, so
// `costgate plan` stays well under a second.
func BenchmarkEvaluatePlan(b *testing.B) {
	e := engine(b)
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", "over_budget", "plan.json"))
	if err != nil {
		b.Fatal(err)
	}
	var typed plan.Plan
	if err := json.Unmarshal(raw, &typed); err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name  string
		input any
	}{
		{"maps", loadPlan(b, "over_budget")},
		{"struct", &typed},
		{"json", raw},
	}
	ctx := context.Background()
	want, err := e.EvaluatePlan(ctx, raw)
	if err != nil || len(want.Deny) == 0 {
		b.Fatalf("EvaluatePlan = %+v, %v", want, err)
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			// Every form must give the same findings, or the figures compare
			// different work.
			if got, err := e.EvaluatePlan(ctx, in.input); err != nil || !cmp.Equal(want, got) {
				b.Fatalf("EvaluatePlan(%s) = %v (-want +got):\n%s", in.name, err, cmp.Diff(want, got))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.EvaluatePlan(ctx, in.input); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluatePlanWithFolder adds a policy folder: the built-in
// policies run on their own sealed compiler and the folder's package on
// the combined one, under the heap watchdog.
func BenchmarkEvaluatePlanWithFolder(b *testing.B) {
	e, err := policies.New(policies.Options{Dirs: []string{filepath.Join("testdata", "finance")}})
	if err != nil {
		b.Fatal(err)
	}
	in := loadPlan(b, "over_budget")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.EvaluatePlan(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileFolder measures New with a policy folder: the built-in
// set is compiled once per process, the folder's modules each time.
func BenchmarkCompileFolder(b *testing.B) {
	dirs := []string{filepath.Join("testdata", "finance")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policies.New(policies.Options{Dirs: dirs}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile measures New without folders. The built-in set is
// compiled once per process (the first New pays loading, parsing and
// compiling every built-in policy); later calls reuse it. Goal: at most
// 50 ms for the first.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policies.New(policies.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// resourceInputs captures the input of every resource policy evaluation.
type resourceInputs struct {
	plan.Evaluator
	inputs []map[string]any
}

func (r *resourceInputs) EvaluateResource(ctx context.Context, in map[string]any) (deny, warn []plan.Finding, err error) {
	r.inputs = append(r.inputs, in)
	return r.Evaluator.EvaluateResource(ctx, in)
}

// BenchmarkEvaluateResource evaluates the resource policies on every
// resource `costgate plan` previews for three example specs (about 100
// resources of 36 types), one evaluation a resource as the gate runs them.
// OPA's rule index keeps the rules of other types from running
// (TestResourceRulesIndexedByType).
func BenchmarkEvaluateResource(b *testing.B) {
	ev, err := plan.NewPolicies()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rec := &resourceInputs{Evaluator: ev}
	for _, name := range []string{"company-50", "regulated", "enterprise-hybrid"} {
		p, diags, err := plan.BuildFile(ctx, filepath.Join("..", "examples", name+".hcl"), plan.Options{AsOf: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
		if err != nil || diags.HasErrors() {
			b.Fatalf("build %s: %v %v", name, err, diags)
		}
		if err := stacks.Gate(ctx, p, rec, stacks.Config{}); err != nil {
			b.Fatal(err)
		}
	}
	if len(rec.inputs) < 50 {
		b.Fatalf("previewed %d resources, want the examples' 100 or so", len(rec.inputs))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range rec.inputs {
			if _, _, err := ev.EvaluateResource(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rec.inputs)), "ns/resource")
}
