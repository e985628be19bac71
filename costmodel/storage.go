package costmodel

// The weights' storage and the hours the schedules run the fleet: each
// instance's gp3 volume, sized and provisioned as the launch template
// provisions it, the S3 weights mirror, and the working day's early start.

import (
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// dayHours is the hours a month the schedules run the fleet at its peak:
// the working hours plus the scale-up ahead of each working day by the
// model's start from the mirror (inference.ScaleUpLeadMinutes), at most
// AWS's month.
func (m *model) dayHours(weightsGB float64) float64 {
	work := m.s.Team.WorkingHoursPerMonth
	early := m.workingDays() * float64(inference.ScaleUpLeadMinutes(weightsGB)) / 60
	return math.Min(math.Round((work+early)*100)/100, units.HoursPerMonth)
}

// runningHours is the hours a month the stack's schedules run the fleet
// at its peak count and at its baseline count (baseline): business_hours
// the working day's hours at the peak and none outside; always_on the
// working day's at the peak and the rest of the month at the baseline, a
// month being AWS's 730 hours under a commitment and the spec's
// hours_per_month otherwise.
func (m *model) runningHours(weightsGB float64) (peak, offPeak float64) {
	day := m.dayHours(weightsGB)
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return day, 0
	}
	month := m.s.SelfHosted.HoursPerMonth
	if spec.Commitment(m.pricing()) {
		month = units.HoursPerMonth
	}
	day = math.Min(day, month)
	return day, month - day
}

// billedHours is the hours a month AWS bills the fleet's GPUs at its peak
// count and at its baseline count: under a commitment every hour of AWS's
// 730-hour month at the peak (a reservation, a Savings Plan or a Capacity
// Block bills the hours it covers whether the fleet runs or not), else
// the hours it runs. A weight of 0 gives the least (the search's lower
// bound).
func (m *model) billedHours(weightsGB float64) (peak, offPeak float64) {
	if spec.Commitment(m.pricing()) {
		return units.HoursPerMonth, 0
	}
	return m.runningHours(weightsGB)
}

// baseline is the instances fleet f runs outside the working day under
// always_on: its baseline, or under a commitment, which bills the peak's
// every hour anyway, its peak.
func (m *model) baseline(f inference.Fleet) int {
	if spec.Commitment(m.pricing()) && m.s.SelfHosted.Schedule != spec.BusinessHours {
		return f.Instances
	}
	return f.BaselineInstances
}

// offHours is the instances fleet f runs outside the working day: none
// on business_hours, else its baseline (baseline).
func (m *model) offHours(f inference.Fleet) int {
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return 0
	}
	return m.baseline(f)
}

// workingDays is the working days a month: the working hours over a
// working day's.
func (m *model) workingDays() float64 {
	return m.s.Team.WorkingHoursPerMonth / units.BusinessDayHours
}

// starts is the instance starts a month: the working day's scale-out
// starts the peak less the off-hours count every working day.
func (m *model) starts(f inference.Fleet) float64 {
	return float64(f.Instances-m.offHours(f)) * m.workingDays()
}

// instanceHours is the instance-hours a month fleet f runs: its peak
// count for the working day's hours and its baseline for the others.
func (m *model) instanceHours(f inference.Fleet) float64 {
	peak, off := m.runningHours(round(f.WeightsGB, 1))
	return float64(f.Instances)*peak + float64(m.baseline(f))*off
}

// appendStorageItems appends the catalog's line items priced per unit of
// the weights' storage: the instances' volumes (GB, and the throughput and
// IOPS provisioned above gp3's baseline) for the hours they run, the
// mirror's checkpoint, and its one download through the NAT gateway. The
// weights are the plan's (rounded as the stack reads them), so the
// volume priced is the one the launch template provisions.
func (m *model) appendStorageItems(out []LineItem, arch architecture.Name, f inference.Fleet, detail bool) []LineItem {
	weights := round(f.WeightsGB, 1)
	v := inference.VolumeFor(weights)
	instHours := m.instanceHours(f)
	inst := instHours / units.HoursPerMonth
	ckpt := inference.CheckpointGB(weights)
	for _, li := range m.cat.FixedCosts {
		var qty float64
		switch li.Per {
		case modelcatalog.PerVolumeGB:
			qty = inst * float64(v.GB)
		case modelcatalog.PerVolumeMiBps:
			qty = inst * float64(v.MiBps-inference.GP3BaselineMiBps)
		case modelcatalog.PerVolumeIOPS:
			qty = inst * float64(v.IOPS-inference.GP3BaselineIOPS)
		case modelcatalog.PerMirrorGB, modelcatalog.PerMirrorFillGB:
			qty = ckpt
		case modelcatalog.PerImagePullGB:
			qty = m.starts(f) * inference.ImagePullGB
		default:
			continue
		}
		if !slices.Contains(li.Applies, string(arch)) {
			continue
		}
		it := LineItem{Name: li.Name, MonthlyUSD: Money{Expected: qty * li.MonthlyUSD}}
		if detail {
			it.Note = m.storageNote(li, v, f, instHours, ckpt)
		}
		out = append(out, it)
	}
	return out
}

// storageNote writes how a storage line item was counted.
func (m *model) storageNote(li modelcatalog.FixedCost, v inference.Volume, f inference.Fleet, instanceHours, ckptGB float64) string {
	price := units.USD(li.MonthlyUSD).Rate()
	var what string
	switch li.Per {
	case modelcatalog.PerMirrorGB:
		return fmt.Sprintf("%s GB checkpoint at %s/GB-month", units.Decimal(ckptGB), price)
	case modelcatalog.PerMirrorFillGB:
		return fmt.Sprintf("%s GB downloaded once at %s/GB", units.Decimal(ckptGB), price)
	case modelcatalog.PerImagePullGB:
		return fmt.Sprintf("%s starts a month (%d instances each of %s working days) × %s GB at %s/GB",
			units.Decimal(m.starts(f)), f.Instances-m.offHours(f), units.Decimal(m.workingDays()), units.Decimal(inference.ImagePullGB), price)
	case modelcatalog.PerVolumeGB:
		what = fmt.Sprintf("%d GB at %s/GB-month", v.GB, price)
	case modelcatalog.PerVolumeMiBps:
		what = fmt.Sprintf("%d MiB/s above the included %d at %s/MiB/s-month", v.MiBps-inference.GP3BaselineMiBps, inference.GP3BaselineMiBps, price)
	case modelcatalog.PerVolumeIOPS:
		what = fmt.Sprintf("%s IOPS above the included %s at %s/IOPS-month", units.Count(float64(v.IOPS-inference.GP3BaselineIOPS)), units.Count(inference.GP3BaselineIOPS), price)
	}
	return fmt.Sprintf("%s, for the %s instance-hours the fleet runs of %d h", what, units.Decimal(instanceHours), units.HoursPerMonth)
}
