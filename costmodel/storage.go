package costmodel

// The weights' storage and the hours a schedule runs the fleet: each
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
// 09:00-17:00 on every weekday (the stack's MON-FRI actions, whatever the
// team's working_hours_per_month: those place the load, not the
// schedule), plus the scale-up ahead of each by the model's start from
// the mirror (inference.ScaleUpLeadMinutes), at most AWS's month.
func (m *model) dayHours(checkpointGB float64) float64 {
	work := units.WeekdaysPerMonth * units.BusinessDayHours
	early := units.WeekdaysPerMonth * float64(inference.ScaleUpLeadMinutes(checkpointGB)) / 60
	return math.Min(math.Round((work+early)*100)/100, units.HoursPerMonth)
}

// runningHours is the hours a month the fleet's instances run: the
// business_hours schedule's working day, or always on the month
// spec.AlwaysOnHours bills (an always_on fleet runs its peak count all
// month: the stack keeps it, no schedule).
func (m *model) runningHours(checkpointGB float64) float64 {
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return m.dayHours(checkpointGB)
	}
	return spec.AlwaysOnHours(m.pricing(), m.s.SelfHosted.HoursPerMonth)
}

// billedHours is the hours a month the fleet's GPUs are billed: every
// hour of AWS's 730-hour month under a commitment (a reservation, a
// Savings Plan or a Capacity Block bills the hours it covers whether the
// fleet runs or not, 8,760 a year), else the hours it runs. A weight of 0
// gives the least (the search's lower bound).
func (m *model) billedHours(checkpointGB float64) float64 {
	if spec.Commitment(m.pricing()) {
		return units.HoursPerMonth
	}
	return m.runningHours(checkpointGB)
}

// baseline is the instances the fleet runs outside the working day, as
// the stack's group keeps them: none on business_hours, every one always
// on.
func (m *model) baseline(f inference.Fleet) int {
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return 0
	}
	return f.Instances
}

// starts is the instance starts a month: the schedule's weekday scale-out
// starts the peak less the instances kept outside it, every weekday.
func (m *model) starts(f inference.Fleet) float64 {
	return float64(f.Instances-m.baseline(f)) * units.WeekdaysPerMonth
}

// appendStorageItems appends the catalog's line items priced per unit of
// the weights' storage: the instances' volumes (GB, and the throughput and
// IOPS provisioned above gp3's baseline) for the hours they run, the
// mirror's checkpoint, and its one download through the NAT gateway. The
// weights are the plan's (rounded as the stack reads them), so the
// volume priced is the one the launch template provisions.
func (m *model) appendStorageItems(out []LineItem, arch architecture.Name, f inference.Fleet, detail bool) []LineItem {
	ckpt := round(f.CheckpointGB, 1)
	v := inference.VolumeFor(ckpt)
	instHours := float64(f.Instances) * m.runningHours(ckpt)
	inst := instHours / units.HoursPerMonth
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
		case modelcatalog.PerImageGB:
			qty = inference.ImagePullGB
		case modelcatalog.PerImagePullGB:
			// A fleet that keeps its instances starts none: no line.
			if qty = m.starts(f) * inference.ImagePullGB; qty == 0 {
				continue
			}
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
	case modelcatalog.PerImageGB:
		return fmt.Sprintf("%s GB image at %s/GB-month", units.Decimal(inference.ImagePullGB), price)
	case modelcatalog.PerImagePullGB:
		n := f.Instances - m.baseline(f)
		noun := "instances"
		if n == 1 {
			noun = "instance"
		}
		return fmt.Sprintf("%s starts a month (%d %s × %s weekdays) × %s GB at %s/GB",
			units.Decimal(m.starts(f)), n, noun, units.Decimal(units.WeekdaysPerMonth), units.Decimal(inference.ImagePullGB), price)
	case modelcatalog.PerVolumeGB:
		what = fmt.Sprintf("%d GB at %s/GB-month", v.GB, price)
	case modelcatalog.PerVolumeMiBps:
		what = fmt.Sprintf("%d MiB/s above the included %d at %s/MiB/s-month", v.MiBps-inference.GP3BaselineMiBps, inference.GP3BaselineMiBps, price)
	case modelcatalog.PerVolumeIOPS:
		what = fmt.Sprintf("%s IOPS above the included %s at %s/IOPS-month", units.Count(float64(v.IOPS-inference.GP3BaselineIOPS)), units.Count(inference.GP3BaselineIOPS), price)
	}
	return fmt.Sprintf("%s, for the %s instance-hours the fleet runs of %d h", what, units.Decimal(instanceHours), units.HoursPerMonth)
}
