package plan

import (
	"fmt"
	"math"
	"strconv"

	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// SavingsPlanWarning is the warning of an option priced at reserved rates:
// the program launches on-demand instances, and only a Savings Plan (or
// reserved instances) bought outside it brings them to the priced rate.
const SavingsPlanWarning = "pricing.savings_plan"

// SpotInterruptionWarning is the warning on a spot fleet whose on-demand
// base alone cannot carry its peak.
const SpotInterruptionWarning = "pricing.spot_interruption"

// CapacityBlockEndsWarning is the deployment's warning that the capacity
// block the fleet runs in ends (its instances stop at its end).
const CapacityBlockEndsWarning = "pricing.capacity_block_ends"

// purchaseWarnings states, for each option whose fleet is priced at
// reserved rates, the Savings Plan commitment that pricing assumes: an
// hourly commitment is billed every hour of the month, whatever the
// schedule.
func purchaseWarnings(p *Plan) {
	for i := range p.Options {
		o := &p.Options[i]
		s := o.Sizing
		if s == nil || s.Pricing != spec.Reserved {
			continue
		}
		hourly := spec.Range{Low: float64(s.GPUs) * s.GPUHourUSD.Low, High: float64(s.GPUs) * s.GPUHourUSD.High}
		monthly := spec.Range{Low: hourly.Low * units.HoursPerMonth, High: hourly.High * units.HoursPerMonth}
		gpuHours := "GPU-hours"
		if s.GPUs == 1 {
			gpuHours = "GPU-hour"
		}
		msg := fmt.Sprintf("%s is priced at reserved rates for %d × %s, %d %s an hour: the program launches on-demand instances, "+
			"billed at on-demand rates until a Compute or EC2 Instance Savings Plan (or reserved instances) of %s an hour "+
			"covers them (docs/DEPLOY.md, Once per account: buy the Savings Plan); the commitment is billed all %d hours of the month, %s",
			o.Architecture, s.PeakInstances, s.InstanceType, s.GPUs, gpuHours, rangeOf(hourly, usdCents), units.HoursPerMonth, rangeOf(monthly, usdWhole))
		if s.Schedule == spec.BusinessHours {
			msg += ", though the business_hours schedule runs the fleet for fewer"
		}
		o.Warnings = append(o.Warnings, Finding{Policy: SavingsPlanWarning, Option: o.Architecture, Message: msg})
	}
}

// spotWarnings warns on each option whose fleet runs on spot with too
// small an on-demand base to carry its peak alone. EC2 reclaims spot
// capacity by pool, and the group launches one instance type: one
// interruption can take every spot instance at once, leaving the base
// until replacements launch (if the Region has spot capacity for them)
// and load the weights.
func spotWarnings(p *Plan) {
	for i := range p.Options {
		o := &p.Options[i]
		s := o.Sizing
		if s == nil || s.Pricing != spec.Spot || s.PeakInstances <= s.OnDemandBase {
			continue
		}
		spot := s.PeakInstances - s.OnDemandBase
		var left string
		switch {
		case s.OnDemandBase == 0:
			left = "the fleet serves no request"
		case s.PeakUtilization*float64(s.PeakInstances)/float64(s.OnDemandBase) < 1:
			continue
		default:
			left = fmt.Sprintf("its %d on-demand instance(s) run at %.0f%% of their capacity at peak, so requests queue until they time out,",
				s.OnDemandBase, 100*s.PeakUtilization*float64(s.PeakInstances)/float64(s.OnDemandBase))
		}
		need := int(math.Ceil(s.PeakUtilization * float64(s.PeakInstances) / math.Max(s.TargetUtilization, 0.01)))
		need = min(max(need, 1), s.PeakInstances)
		msg := fmt.Sprintf("%s runs %d of its %d × %s at peak on spot (on_demand_base %d): EC2 reclaims spot capacity by pool, "+
			"so one interruption can take all of them at once, and %s until replacements launch (if the Region has spot capacity for %s) "+
			"and load %.0f GB of weights each; an on_demand_base of %d carries the peak at the target utilization, billed at the on-demand rate",
			o.Architecture, spot, s.PeakInstances, s.InstanceType, s.OnDemandBase, left, s.InstanceType, s.WeightsGB, need)
		if s.PeakInstances == 1 {
			msg = fmt.Sprintf("%s runs its one %s on spot (on_demand_base 0): when EC2 reclaims it, the fleet serves no request until a replacement "+
				"launches (if the Region has spot capacity for %s) and loads %.0f GB of weights; an on_demand_base of 1 keeps it, billed at the on-demand rate",
				o.Architecture, s.InstanceType, s.InstanceType, s.WeightsGB)
		}
		o.Warnings = append(o.Warnings, Finding{Policy: SpotInterruptionWarning, Option: o.Architecture, Message: msg})
	}
}

// usdCents, usdWhole and general are rangeOf's formats: dollars and
// cents, whole dollars, and a spec figure as written (%g).
func usdCents(v float64) string { return units.USD(v).Cents() }

func usdWhole(v float64) string { return units.USD(v).Whole() }

func general(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
