package stacks

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestPurchaseOptionProvisionedAsPriced: for every pricing × schedule the
// group launches what the plan priced: spot through a capacity-optimized
// mixed-instances policy with no on-demand instances and capacity
// rebalancing; a capacity block through the launch template's
// capacity-block market targeting the configured reservation, in its zone
// only; on demand and reserved (a Savings Plan bills them) plainly from
// the launch template. The group's maximum is the priced peak, its
// creation size the schedule's floor.
func TestPurchaseOptionProvisionedAsPriced(t *testing.T) {
	for _, pricing := range []string{spec.OnDemand, spec.Reserved, spec.Spot, spec.CapacityBlock} {
		for _, schedule := range []string{spec.AlwaysOn, spec.BusinessHours} {
			t.Run(pricing+"/"+schedule, func(t *testing.T) {
				p := examplePlan(t, "regulated")
				s := p.Chosen().Sizing
				// The baseline the cost model bills: every instance always
				// on, none outside business hours.
				s.Pricing, s.Schedule, s.PeakInstances, s.BaselineInstances = pricing, schedule, 3, 3
				floor := 3.0
				if schedule == spec.BusinessHours {
					floor, s.BaselineInstances = 0, 0
				}
				cfg := Config{Stack: true, HFToken: secretInput(), CapacityReservationID: "cr-0123456789abcdef0", CapacityBlockZone: "us-east-1c", CapacityBlockEnd: "2027-01-15"}
				rs, _, err := run(t, p, cfg)
				if err != nil {
					t.Fatalf("deploy: %v", err)
				}
				asg := one(t, rs, "aws:autoscaling/group:Group").Properties
				lt := one(t, rs, "aws:ec2/launchTemplate:LaunchTemplate").Properties
				if asg["maxSize"] != 3.0 || asg["desiredCapacity"] != floor {
					t.Errorf("group max %v created at %v, want the priced peak 3 and the floor %v", asg["maxSize"], asg["desiredCapacity"], floor)
				}
				mip, _ := asg["mixedInstancesPolicy"].(map[string]any)
				market, _ := lt["instanceMarketOptions"].(map[string]any)
				reservation, _ := lt["capacityReservationSpecification"].(map[string]any)
				switch pricing {
				case spec.Spot:
					dist, _ := mip["instancesDistribution"].(map[string]any)
					if dist["spotAllocationStrategy"] != "capacity-optimized" || dist["onDemandBaseCapacity"] != 0.0 ||
						dist["onDemandPercentageAboveBaseCapacity"] != 0.0 || asg["capacityRebalance"] != true || asg["launchTemplate"] != nil {
						t.Errorf("spot group %v, want a capacity-optimized all-spot mixed-instances policy with capacity rebalancing", asg)
					}
				case spec.CapacityBlock:
					target, _ := reservation["capacityReservationTarget"].(map[string]any)
					if market["marketType"] != "capacity-block" || target["capacityReservationId"] != cfg.CapacityReservationID {
						t.Errorf("launch template market %v reservation %v, want capacity-block into %s", market, reservation, cfg.CapacityReservationID)
					}
					var zones []any
					for _, id := range asg["vpcZoneIdentifiers"].([]any) {
						for _, sn := range ofType(rs, "aws:ec2/subnet:Subnet") {
							if "subnet-"+sn.Name == id {
								zones = append(zones, sn.Properties["availabilityZone"])
							}
						}
					}
					if fmt.Sprint(zones) != "["+cfg.CapacityBlockZone+"]" {
						t.Errorf("capacity block group in zones %v, want the block's %s only", zones, cfg.CapacityBlockZone)
					}
				default:
					if mip != nil || market != nil || reservation != nil || asg["launchTemplate"] == nil {
						t.Errorf("%s group %v / template market %v, want plain launches from the template", pricing, mip, market)
					}
				}
			})
		}
	}
}

// TestCapacityBlockNeedsItsBlock: a capacity_block stack without its
// reservation, or above a block's 64 instances, is refused; the block's end
// is said.
func TestCapacityBlockNeedsItsBlock(t *testing.T) {
	p := examplePlan(t, "regulated")
	s := p.Chosen().Sizing
	s.Pricing, s.PeakInstances = spec.CapacityBlock, modelcatalog.MaxCapacityBlockInstances+1
	rs, _, err := runPreflight(t, p, Config{Stack: true, HFToken: secretInput()}, nil)
	var pe *PreflightError
	if !errors.As(err, &pe) || len(rs) != 0 || !strings.Contains(err.Error(), "costgate:capacityReservationId") || !strings.Contains(err.Error(), "exceed the 64 instances") {
		t.Fatalf("error %v with %d resources, want a preflight error naming the reservation and the 64-instance limit", err, len(rs))
	}
	s.PeakInstances = 2
	_, logs, err := runPreflight(t, p, Config{Stack: true, HFToken: secretInput(), CapacityReservationID: "cr-1", CapacityBlockZone: "us-east-1b", CapacityBlockEnd: "2027-01-15"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.text(), "pricing.capacity_block_ends: capacity block cr-1 ends on 2027-01-15") {
		t.Errorf("the block's end is not said:\n%s", logs.text())
	}
}

// secretInput is a configured secret's stand-in.
func secretInput() pulumi.StringInput {
	return pulumi.ToSecret(pulumi.String("x")).(pulumi.StringOutput)
}

// TestCapacityBlockZoneOffersTheType: the capacity block's zone is the
// only one its instances go to. A zone ID (use1-az4) or a zone that does
// not offer the type stopped the program with "offered in no available
// zone of the region", which names neither the setting nor the fix; the
// preflight names costgate:capacityBlockZone.
func TestCapacityBlockZoneOffersTheType(t *testing.T) {
	for _, tt := range []struct {
		zone   string
		refuse bool
	}{{"us-east-1b", false}, {"use1-az4", true}, {"us-east-1a", true}} {
		t.Run(tt.zone, func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.Pricing, s.PeakInstances = spec.CapacityBlock, 2
			cfg := Config{Stack: true, HFToken: secretInput(), CapacityReservationID: "cr-1", CapacityBlockZone: tt.zone, CapacityBlockEnd: "2027-01-15"}
			rs, _, err := runPreflight(t, p, cfg, nil)
			var pe *PreflightError
			switch {
			case tt.refuse && (!errors.As(err, &pe) || len(rs) != 0 || !strings.Contains(err.Error(), "costgate:capacityBlockZone \""+tt.zone+"\"")):
				t.Errorf("error %v with %d resources, want a preflight problem naming costgate:capacityBlockZone", err, len(rs))
			case !tt.refuse && err != nil:
				t.Errorf("deploy: %v", err)
			}
		})
	}
}

// TestCapacityBlockRefreshFitsTheBlock: an instance refresh launches each
// replacement before terminating its predecessor (200 % of the group at
// most), but a capacity block holds the peak's instances and no more: the
// replacements had nowhere to run and a new AMI or image never reached a
// block's fleet. A block's group replaces one instance at a time within
// its size; every other fleet still launches before terminating.
func TestCapacityBlockRefreshFitsTheBlock(t *testing.T) {
	for _, tt := range []struct {
		pricing string
		peak    int
	}{{spec.CapacityBlock, 1}, {spec.CapacityBlock, 2}, {spec.CapacityBlock, 64}, {spec.OnDemand, 2}} {
		t.Run(fmt.Sprintf("%s %d", tt.pricing, tt.peak), func(t *testing.T) {
			p := examplePlan(t, "regulated")
			s := p.Chosen().Sizing
			s.Pricing, s.PeakInstances = tt.pricing, tt.peak
			cfg := Config{Stack: true, HFToken: secretInput(), CapacityReservationID: "cr-1", CapacityBlockZone: "us-east-1b", CapacityBlockEnd: "2027-01-15",
				VLLMImage: previewAccount + ".dkr.ecr." + previewRegion + ".amazonaws.com/vllm:v1"}
			if tt.pricing != spec.CapacityBlock {
				cfg = Config{}
			}
			rs, _, err := runPreflight(t, p, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			prefs := one(t, rs, "aws:autoscaling/group:Group").Properties["instanceRefresh"].(map[string]any)["preferences"].(map[string]any)
			lo, hi := prefs["minHealthyPercentage"].(float64), prefs["maxHealthyPercentage"].(float64)
			if lo < 0 || lo > 100 || hi < 100 || hi > 200 || hi-lo > 100 {
				t.Fatalf("healthy range %v..%v %% breaks AWS's (0..100, 100..200, at most 100 apart)", lo, hi)
			}
			most := int(float64(tt.peak) * hi / 100) // instances the refresh may run at once
			least := int(math.Ceil(float64(tt.peak) * lo / 100))
			switch {
			case tt.pricing == spec.CapacityBlock && most > tt.peak:
				t.Errorf("the refresh may run %d instances, and the block holds %d", most, tt.peak)
			case tt.pricing == spec.CapacityBlock && least >= tt.peak:
				t.Errorf("the refresh keeps %d of %d instances healthy: it can replace none", least, tt.peak)
			case tt.pricing != spec.CapacityBlock && (lo != 100 || hi != 200):
				t.Errorf("healthy range %v..%v %%, want 100..200 (launch before terminate)", lo, hi)
			}
		})
	}
}
