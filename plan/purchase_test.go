package plan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// TestReservedPricingStatesTheSavingsPlan: every option whose fleet is
// priced at reserved rates carries pricing.savings_plan with the hourly
// commitment of its GPUs, and no other option does.
func TestReservedPricingStatesTheSavingsPlan(t *testing.T) {
	for _, pricing := range []string{spec.Reserved, spec.OnDemand} {
		t.Run(pricing, func(t *testing.T) {
			s := parseSeed(t, "../examples/regulated.hcl")
			s.SelfHosted.Pricing = pricing
			p, err := plan.Build(context.Background(), s, plan.Options{AsOf: fuzzDate})
			if err != nil {
				t.Fatal(err)
			}
			sized := 0
			for _, o := range p.Options {
				if o.Sizing == nil {
					continue
				}
				sized++
				var got []string
				for _, w := range o.Warnings {
					if w.Policy == plan.SavingsPlanWarning {
						got = append(got, w.Message)
					}
				}
				if pricing != spec.Reserved {
					if len(got) != 0 {
						t.Errorf("%s priced %s warns %v", o.Architecture, pricing, got)
					}
					continue
				}
				if len(got) != 1 || !strings.Contains(got[0], "Savings Plan") || !strings.Contains(got[0], o.Sizing.InstanceType) {
					t.Errorf("%s: savings plan warnings %v, want one naming %s", o.Architecture, got, o.Sizing.InstanceType)
				}
			}
			if sized == 0 {
				t.Fatal("no option sizes a fleet")
			}
		})
	}
}
