package costmodel

// A commitment on a part-time schedule: it bills every hour, and the
// plan says what the same fleet would cost on demand.

import (
	"fmt"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"

	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// idleCommitment warns (pricing.idle_commitment) when the spec commits to
// GPUs (reserved, a Savings Plan, a Capacity Block) that its schedule runs
// only in working hours: the commitment bills all of the month's hours,
// and the warning gives the option's expected cost on demand for the
// scheduled hours. nil when it does not apply or on-demand has no price.
func (m *model) idleCommitment(a *assignment, o *Option) *Note {
	sh := m.s.SelfHosted
	if sh.Schedule != spec.BusinessHours || !spec.Commitment(sh.Pricing) || o.Sizing == nil {
		return nil
	}
	m.onDemand = true
	defer func() { m.onDemand = false }()
	mid, _ := scenarios(m.axes(true, m.hasGap(a)))
	ev, err := m.evaluate(a, mid, false)
	if err != nil {
		return nil
	}
	alt := ev.total(m.s.Quality.IncludeInDecision)
	return &Note{ID: "pricing.idle_commitment", Message: fmt.Sprintf(
		"%s pricing bills all %g hours of the month, but the %s schedule runs the fleet %g hours: the %s option is priced at %s a month expected for hours it leaves idle; on demand for the scheduled hours it would cost %s a month expected (the catalog's on-demand price)",
		sh.Pricing, float64(units.HoursPerMonth), sh.Schedule, m.runningHours(o.Sizing.CheckpointGB), o.Architecture, units.USD(o.MonthlyUSD.Expected).Whole(), units.USD(alt).Whole())}
}

// dearSpot warns (pricing.spot_dearer) when the spec's spot pricing
// costs more than the same load on demand: the catalog sells some
// instance types without a spot price (p5.4xlarge, the one-H100 type),
// so on spot the fleet packs onto a larger type and bills GPUs it would
// not on demand. nil when it does not apply or on demand is no cheaper.
func (m *model) dearSpot(a *assignment, o *Option, f inference.Fleet) *Note {
	if m.s.SelfHosted.Pricing != spec.Spot || o.Sizing == nil {
		return nil
	}
	m.onDemand = true
	defer func() { m.onDemand = false }()
	mid, _ := scenarios(m.axes(true, m.hasGap(a)))
	ev, err := m.evaluate(a, mid, false)
	if err != nil || !ev.sized {
		return nil
	}
	alt := ev.total(m.s.Quality.IncludeInDecision)
	if alt >= o.MonthlyUSD.Expected-0.5 {
		return nil
	}
	return &Note{ID: "pricing.spot_dearer", Message: fmt.Sprintf(
		"spot pricing runs the %s option's fleet on %d × %s (%d GPUs billed) at %s a month expected; on demand the same load runs on %d × %s (%d GPUs) at %s a month expected, %s less (the catalog's spot prices: an instance type it has none for, or a spot price above on-demand's); set pricing = \"on_demand\"",
		o.Architecture, f.Instances, f.InstanceType, f.BilledGPUs, units.USD(o.MonthlyUSD.Expected).Whole(),
		ev.fleet.Instances, ev.fleet.InstanceType, ev.fleet.BilledGPUs, units.USD(alt).Whole(), units.USD(o.MonthlyUSD.Expected-alt).Whole())}
}

// uncoveredHours are the team's working hours a month that a
// business_hours fleet's schedule — 09:00-17:00 on weekdays,
// units.WeekdaysPerMonth × 8 hours — leaves out, when they exceed a
// working day (the fleet starts before 09:00, and a team's figure of
// 176 hours is a working month); 0 otherwise. The plan places the
// month's tokens in the team's hours, and those outside the schedule
// find the fleet at zero, so the option is denied (schedule.uncovered).
func (m *model) uncoveredHours() float64 {
	scheduled := units.WeekdaysPerMonth * units.BusinessDayHours
	work := m.s.Team.WorkingHoursPerMonth
	if m.s.SelfHosted.Schedule != spec.BusinessHours || work-scheduled <= units.BusinessDayHours {
		return 0
	}
	return round(work-scheduled, 1)
}

// vpcWeightsNote warns (sizing.vpc_weights) when the fleet goes into a
// given VPC (costgate:vpcId) and starts instances every working day: the
// program adds the S3 gateway endpoint only to the VPC it creates, so in
// a given VPC without one each start copies the weights from the mirror
// through its NAT gateway, and so does an image pulled from ECR in the
// fleet's Region, whose layers ECR serves from S3 (the plan prices those
// pulls as free, through the endpoint), neither of which a line item
// prices (the VPC's own endpoints are not known to the plan). It says
// what that would cost. nil when it does not apply.
func (m *model) vpcWeightsNote(arch architecture.Name, f inference.Fleet) *Note {
	starts := m.starts(f)
	if !m.cat.Deployment.ExistingVPC || starts == 0 {
		return nil
	}
	gbUSD := 0.0
	for _, li := range m.cat.FixedCosts {
		if li.Per == modelcatalog.PerMirrorFillGB {
			gbUSD = li.MonthlyUSD
		}
	}
	gb := starts * round(f.CheckpointGB, 1)
	what := fmt.Sprintf("%.0f GB of weights from the mirror", gb)
	if m.cat.Deployment.ImageFromECR {
		image := starts * inference.ImagePullGB
		what += fmt.Sprintf(" and %.0f GB of the vLLM image's layers from ECR, which keeps them in S3,", image)
		gb += image
	}
	return &Note{ID: "sizing.vpc_weights", Message: fmt.Sprintf(
		"the %s fleet goes into costgate:vpcId's VPC, where the program adds no S3 gateway endpoint: unless that VPC has one, its %.0f instance starts a month copy %s through the VPC's NAT gateway, %s a month at %s/GB that the plan does not price; add an S3 gateway endpoint to the VPC's route tables",
		arch, starts, what, units.USD(gb*gbUSD).Whole(), units.USD(gbUSD).Rate())}
}

// crossRegionImageNote warns (sizing.image_region) when the instances
// pull the vLLM image from ECR in another Region than the fleet's: the
// plan prices those pulls through the NAT gateway, and AWS also bills the
// registry's account for the data transferred out of its Region, at that
// Region's inter-Region rate, which the catalog does not hold. nil when it
// does not apply.
func (m *model) crossRegionImageNote(arch architecture.Name, f inference.Fleet) *Note {
	d, own := m.cat.Deployment, m.s.SelfHosted.Region
	starts := m.starts(f)
	if d.ImageFromECR || d.ImageRegion == "" || d.ImageRegion == own || starts == 0 {
		return nil
	}
	return &Note{ID: "sizing.image_region", Message: fmt.Sprintf(
		"the %s fleet in %s pulls its vLLM image from ECR in %s: its %.0f instance starts a month copy %.0f GB across Regions, priced here through the NAT gateway, and AWS also bills the registry's account for that data transferred out of %s at its inter-Region rate, which the plan does not price; replicate the image into %s (ECR replication) to pull it in-Region",
		arch, own, d.ImageRegion, starts, starts*inference.ImagePullGB, d.ImageRegion, own)}
}
