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

// TestSpotFleetStatesWhatAnInterruptionLeaves: a spot fleet warns
// (pricing.spot_interruption) exactly when its on-demand base alone could
// not carry the peak — EC2 may reclaim every spot instance of the one
// pool at once —, saying what is left: nothing without a base, the base's
// load otherwise. Other pricing models never warn.
func TestSpotFleetStatesWhatAnInterruptionLeaves(t *testing.T) {
	build := func(pricing string, base int) *plan.Plan {
		t.Helper()
		s := parseSeed(t, "../examples/enterprise-hybrid.hcl")
		s.SelfHosted.Pricing, s.SelfHosted.OnDemandBase = pricing, base
		p, err := plan.Build(context.Background(), s, plan.Options{AsOf: fuzzDate})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	warnings := func(o plan.Option) []string {
		var got []string
		for _, w := range o.Warnings {
			if w.Policy == plan.SpotInterruptionWarning {
				got = append(got, w.Message)
			}
		}
		return got
	}
	for _, o := range build(spec.OnDemand, 0).Options {
		if got := warnings(o); len(got) > 0 {
			t.Errorf("on demand, %s warns %v", o.Architecture, got)
		}
	}
	var fleet *plan.Sizing
	for _, o := range build(spec.Spot, 0).Options {
		if o.Architecture != "self_hosted" {
			continue
		}
		fleet = o.Sizing
		got := warnings(o)
		if len(got) != 1 || !strings.Contains(got[0], "serves no request") || !strings.Contains(got[0], o.Sizing.InstanceType) {
			t.Fatalf("spot without a base: %v, want one warning that the fleet serves nothing", got)
		}
	}
	if fleet == nil || fleet.PeakInstances < 2 {
		t.Fatalf("the self-hosted fleet %+v: want several instances", fleet)
	}
	for base := 1; base <= fleet.PeakInstances; base++ {
		p := build(spec.Spot, base)
		for _, o := range p.Options {
			if o.Architecture != "self_hosted" {
				continue
			}
			s := o.Sizing
			// What the base alone carries: its share of the fleet's capacity.
			carries := float64(base)/float64(s.PeakInstances) > s.PeakUtilization
			got := warnings(o)
			switch {
			case carries && len(got) > 0:
				t.Errorf("base %d of %d at %.0f%% peak: warns %v", base, s.PeakInstances, 100*s.PeakUtilization, got)
			case !carries && (len(got) != 1 || !strings.Contains(got[0], "on-demand instance(s) run at")):
				t.Errorf("base %d of %d at %.0f%% peak: %v, want the base's load", base, s.PeakInstances, 100*s.PeakUtilization, got)
			}
		}
	}
}
