package stacks

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/plan"
)

// BenchmarkPreview is the mock Pulumi run of `costgate plan`: the program
// registers the chosen architecture's resources against in-process mocks,
// and the recorder converts their inputs.
func BenchmarkPreview(b *testing.B) {
	for _, name := range []string{"company-50", "regulated", "enterprise-hybrid"} {
		p := benchPlan(b, name)
		b.Run(name+"/"+string(p.Decision.Architecture), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := Preview(p, Config{})
				if err != nil || len(res) == 0 {
					b.Fatalf("Preview = %d resources, %v", len(res), err)
				}
			}
		})
	}
}

// BenchmarkGate is Preview plus the resource policies over every
// recorded resource: what `costgate plan` adds to plan.Build per spec.
func BenchmarkGate(b *testing.B) {
	ev, err := plan.NewPolicies()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"company-50", "regulated", "enterprise-hybrid"} {
		p := benchPlan(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q := *p
				q.Options = append([]plan.Option(nil), p.Options...)
				if err := Gate(context.Background(), &q, ev, Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchPlan(b *testing.B, name string) *plan.Plan {
	b.Helper()
	p, diags, err := plan.BuildFile(context.Background(), filepath.Join("..", "examples", name+".hcl"), plan.Options{AsOf: planDate})
	if err != nil || diags.HasErrors() {
		b.Fatalf("build %s: %v %v", name, err, diags)
	}
	return p
}

// BenchmarkPreviewParallel runs previews of different plans at once, as a
// CLI planning many specs on every core would: each Preview is its own
// mock Pulumi run, so they should scale with the cores. Run it with -race
// to check that they share no state.
func BenchmarkPreviewParallel(b *testing.B) {
	var ps []*plan.Plan
	for _, name := range []string{"company-50", "regulated", "enterprise-hybrid"} {
		ps = append(ps, benchPlan(b, name))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			res, err := Preview(ps[i%len(ps)], Config{})
			if err != nil || len(res) == 0 {
				b.Errorf("Preview = %d resources, %v", len(res), err)
				return
			}
		}
	})
}
