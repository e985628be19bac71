package policies_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
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
