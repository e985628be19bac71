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

// runningHours is the hours a month the fleet's instances run: the
// schedule's working hours plus its scale-up ahead of each working day by
// the model's start from the mirror (inference.ScaleUpLeadMinutes), or,
// always on, the spec's hours_per_month — AWS's 730-hour month under a
// commitment, which bills every hour whatever a spec says a month is.
func (m *model) runningHours(weightsGB float64) float64 {
	if m.s.SelfHosted.Schedule != spec.BusinessHours {
		if spec.Commitment(m.pricing()) {
			return units.HoursPerMonth
		}
		return m.s.SelfHosted.HoursPerMonth
	}
	work := m.s.Team.WorkingHoursPerMonth
	days := work / units.BusinessDayHours
	early := days * float64(inference.ScaleUpLeadMinutes(weightsGB)) / 60
	return math.Min(math.Round((work+early)*100)/100, units.HoursPerMonth)
}

// billedHours is the hours a month the fleet's GPUs are billed: every
// hour of AWS's 730-hour month under a commitment (a reservation, a
// Savings Plan or a Capacity Block bills the hours it covers whether the
// fleet runs or not, 8,760 a year), else the hours it runs. A weight of 0
// gives the least (the search's lower bound).
func (m *model) billedHours(weightsGB float64) float64 {
	if spec.Commitment(m.pricing()) {
		return units.HoursPerMonth
	}
	return m.runningHours(weightsGB)
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
	hours := m.runningHours(weights)
	inst := float64(f.Instances) * hours / units.HoursPerMonth
	ckpt := inference.CheckpointGB(weights)
	for _, li := range m.cat.FixedCosts {
		var qty float64
		var what string
		switch li.Per {
		case modelcatalog.PerVolumeGB:
			qty, what = inst*float64(v.GB), fmt.Sprintf("%d GB at %s/GB-month", v.GB, units.USD(li.MonthlyUSD).Rate())
		case modelcatalog.PerVolumeMiBps:
			qty, what = inst*float64(v.MiBps-inference.GP3BaselineMiBps), fmt.Sprintf("%d MiB/s above the included %d at %s/MiB/s-month", v.MiBps-inference.GP3BaselineMiBps, inference.GP3BaselineMiBps, units.USD(li.MonthlyUSD).Rate())
		case modelcatalog.PerVolumeIOPS:
			qty, what = inst*float64(v.IOPS-inference.GP3BaselineIOPS), fmt.Sprintf("%s IOPS above the included %s at %s/IOPS-month", units.Count(float64(v.IOPS-inference.GP3BaselineIOPS)), units.Count(inference.GP3BaselineIOPS), units.USD(li.MonthlyUSD).Rate())
		case modelcatalog.PerMirrorGB, modelcatalog.PerMirrorFillGB:
			qty = ckpt
		default:
			continue
		}
		if !slices.Contains(li.Applies, string(arch)) {
			continue
		}
		it := LineItem{Name: li.Name, MonthlyUSD: Money{Expected: qty * li.MonthlyUSD}}
		if detail {
			it.Note = storageNote(li, what, f.Instances, hours, ckpt)
		}
		out = append(out, it)
	}
	return out
}

// storageNote writes how a storage line item was counted.
func storageNote(li modelcatalog.FixedCost, what string, instances int, hours, ckptGB float64) string {
	price := units.USD(li.MonthlyUSD).Rate()
	switch li.Per {
	case modelcatalog.PerMirrorGB:
		return fmt.Sprintf("%s GB checkpoint at %s/GB-month", units.Decimal(ckptGB), price)
	case modelcatalog.PerMirrorFillGB:
		return fmt.Sprintf("%s GB downloaded once at %s/GB", units.Decimal(ckptGB), price)
	}
	return fmt.Sprintf("%d × %s, for the %s of %d h the instances run", instances, what, units.Decimal(hours), units.HoursPerMonth)
}
