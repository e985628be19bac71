package policies_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/policies"
)

// BenchmarkEvaluatePlan measures one evaluation of every built-in plan
// policy over a three-option plan that trips several of them. Goal: at
// most 200 µs per plan, so `costgate plan` stays well under a second.
func BenchmarkEvaluatePlan(b *testing.B) {
	e := engine(b)
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", "over_budget", "plan.json"))
	if err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name  string
		input any
	}{
		{"maps", loadPlan(b, "over_budget")},
		{"json", raw},
	}
	ctx := context.Background()
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := e.EvaluatePlan(ctx, in.input)
				if err != nil || len(res.Deny) == 0 {
					b.Fatalf("EvaluatePlan = %+v, %v", res, err)
				}
			}
		})
	}
}

// BenchmarkCompile measures New: loading, parsing and compiling the
// built-in policies and preparing both queries. Goal: at most 50 ms.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policies.New(policies.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
