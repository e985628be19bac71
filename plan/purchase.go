package plan

import (
	"fmt"

	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// SavingsPlanWarning is the warning of an option priced at reserved rates:
// the program launches on-demand instances, and only a Savings Plan (or
// reserved instances) bought outside it brings them to the priced rate.
const SavingsPlanWarning = "pricing.savings_plan"

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
		low, high := float64(s.GPUs)*s.GPUHourUSD.Low, float64(s.GPUs)*s.GPUHourUSD.High
		msg := fmt.Sprintf("%s is priced at reserved rates for %d × %s, %d GPU-hours an hour: the program launches on-demand instances, "+
			"billed at on-demand rates until a Compute or EC2 Instance Savings Plan (or reserved instances) of %s-%s an hour "+
			"covers them (docs/DEPLOY.md, Savings Plans); the commitment is billed all %d hours of the month, %s-%s",
			o.Architecture, s.PeakInstances, s.InstanceType, s.GPUs, units.USD(low).Cents(), units.USD(high).Cents(), units.HoursPerMonth,
			units.USD(low*units.HoursPerMonth).Whole(), units.USD(high*units.HoursPerMonth).Whole())
		if s.Schedule == spec.BusinessHours {
			msg += ", though the business_hours schedule runs the fleet for fewer"
		}
		o.Warnings = append(o.Warnings, Finding{Policy: SavingsPlanWarning, Option: o.Architecture, Message: msg})
	}
}
