package plan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/costmodel"
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
// from 1 to 100,000 with costmodel.Sweep, fleet re-sized at each: the
// worst case of a breakeven chart. Goal: at most 1 s.
func BenchmarkSweep100k(b *testing.B) {
	sizes := make([]int, costmodel.MaxDevelopers)
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
				pts, err := costmodel.Sweep(s, modelcatalog.Default(), fuzzDate.Format(time.DateOnly), sizes)
				if err != nil || len(pts) != len(sizes) {
					b.Fatalf("Sweep = %d points, %v", len(pts), err)
				}
			}
		})
	}
}

// search8x4 is the search's stress case: eight auto workloads, four
// managed candidates each and a fleet free to pick its model and GPU, so
// 5^8 = 390,625 assignments times the fleets of 256 splits.
const search8x4 = `
team "search" {
  developers           = 400
  tokens_per_developer = [4e6, 8e6]
  cost_center          = "bench"
}
workload "complete" {
  share       = 0.25
  complexity  = "simple"
  max_ttft_ms = 1500
}
workload "tests" {
  share      = 0.1
  complexity = "simple"
}
workload "docs" {
  share       = 0.05
  complexity  = "simple"
  min_quality = 0.9
}
workload "review" {
  share      = 0.1
  complexity = "complex"
}
workload "agent" {
  share      = 0.2
  complexity = "complex"
}
workload "refactor" {
  share       = 0.1
  complexity  = "complex"
  min_quality = 0.7
}
workload "chat" {
  share      = 0.1
  complexity = "simple"
}
workload "design" {
  share      = 0.1
  complexity = "complex"
}
managed {
  candidates = ["claude-sonnet-5.5", "claude-haiku-5.5", "gpt-6.2-sol", "gpt-6-luna"]
}
self_hosted {
  model = "auto"
  gpu   = "auto"
}
budget {
  monthly_limit_usd = 60000
}
`

// BenchmarkSearch8x4 plans search8x4 with the policies compiled once.
// Goal: at most 100 ms a plan.
func BenchmarkSearch8x4(b *testing.B) {
	ev := builtinPolicies()
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("search8x4.hcl", []byte(search8x4))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Build(context.Background(), s, plan.Options{AsOf: fuzzDate, Policies: ev}); err != nil {
			b.Fatal(err)
		}
	}
}

// search16 is the heuristic's stress case: sixteen auto workloads, more
// than costmodel.MaxExactWorkloads, four managed candidates each and a
// fleet free to pick its model and GPU, with TTFT targets, quality floors
// and a budget.
func search16() string {
	return autoTeam("search16", 16, 90000, "auto", "auto", nil)
}

// BenchmarkSearch16 plans search16 with the policies compiled once: the
// search above its exact limit. Goal: at most 100 ms a plan.
func BenchmarkSearch16(b *testing.B) {
	ev := builtinPolicies()
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("search16.hcl", []byte(search16()))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := plan.Build(context.Background(), s, plan.Options{AsOf: fuzzDate, Policies: ev})
		if err != nil {
			b.Fatal(err)
		}
		if p.Search.Exact {
			b.Fatal("search16 was searched exactly; the benchmark is of the heuristic")
		}
	}
}
