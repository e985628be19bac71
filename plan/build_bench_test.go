package plan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/breakeven"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// BenchmarkBuild builds the plan of each bundled example from its decoded
// spec with the policies compiled once, as `costgate plan` does for each
// spec: pricing every option over its range corners, the breakeven sweep,
// the checklist and the plan policies.
func BenchmarkBuild(b *testing.B) {
	ev := builtinPolicies()
	for _, path := range seedSpecs(b) {
		s, diags := spec.NewParser(modelcatalog.Default()).ParseFile(path)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(path, "../"), ".hcl")
		b.Run(filepath.ToSlash(name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plan.Build(context.Background(), s, plan.Options{AsOf: fuzzDate, Policies: ev}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewPolicies compiles the built-in plan and resource policies,
// which `costgate plan` does once per run whatever the number of specs.
func BenchmarkNewPolicies(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.NewPolicies(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep100k re-prices each bundled example at every team size
// from 1 to 100,000 with breakeven.Sweep, fleet re-sized at each: the
// worst case of a breakeven chart. Goal: at most 1 s.
func BenchmarkSweep100k(b *testing.B) {
	sizes := make([]int, breakeven.MaxDevelopers)
	for i := range sizes {
		sizes[i] = i + 1
	}
	for _, name := range []string{"enterprise-hybrid", "company-50"} {
		s, diags := spec.NewParser(modelcatalog.Default()).ParseFile("../examples/" + name + ".hcl")
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				pts, err := breakeven.Sweep(s, modelcatalog.Default(), fuzzDate.Format(plan.DateLayout), sizes)
				if err != nil || len(pts) != len(sizes) {
					b.Fatalf("Sweep = %d points, %v", len(pts), err)
				}
			}
		})
	}
}
