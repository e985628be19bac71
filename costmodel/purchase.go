package costmodel

// The fleet's GPU line items: every instance at the pricing's rate, except
// a spot fleet's on-demand base, billed at the on-demand rate.

import (
	"fmt"
	"math"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// onDemandBase is how many of the fleet's instances run on demand: under
// spot pricing the spec's on_demand_base, at most the fleet; else none
// (every instance is bought as the pricing says).
func (m *model) onDemandBase(f inference.Fleet) int {
	if m.pricing() != spec.Spot {
		return 0
	}
	return min(m.s.SelfHosted.OnDemandBase, f.Instances)
}

// appendGPUItems appends the GPU line items of fleet f for its billed
// hours (billedHours): the instances at rate (the pricing's GPU-hour price)
// and, for a spot fleet with an on-demand base, the base's GPUs at the
// catalog's on-demand price of the same instance type, placed at pos in its
// range. Outside the working day an always_on fleet runs its baseline, of
// which the on-demand base is the first instances. The catalog not pricing
// the type on demand is an error: the base cannot be priced.
func (m *model) appendGPUItems(out []LineItem, a *assignment, f inference.Fleet, rate, pos float64, detail bool) ([]LineItem, error) {
	peakH, offH := m.billedHours(round(f.WeightsGB, 1))
	perInstance := f.BilledGPUs / max(f.Instances, 1)
	item := func(name string, peak, off int, rate float64) LineItem {
		gpuHours := float64(perInstance) * (float64(peak)*peakH + float64(off)*offH)
		it := LineItem{Name: name, Model: a.sh.ID, MonthlyUSD: Money{Expected: gpuHours * rate}}
		if detail {
			it.Note = fmt.Sprintf("%d × %s at %s/GPU-h × %g h", peak*perInstance, m.gpu, units.USD(rate).Cents(), peakH)
			if offH > 0 {
				it.Note = fmt.Sprintf("%d × %s × %g h at the peak and %d × %g h at the baseline, at %s/GPU-h",
					peak*perInstance, m.gpu, peakH, off*perInstance, offH, units.USD(rate).Cents())
			}
		}
		return it
	}
	base := m.onDemandBase(f)
	if base == 0 {
		return append(out, item("GPU instances", f.Instances, m.baseline(f), rate)), nil
	}
	onDemand, ok := 0.0, false
	for _, in := range m.cat.InstancesFor(m.gpu, m.s.SelfHosted.Region) {
		if pr, has := in.GPUHourUSD[spec.OnDemand]; has && in.Type == f.InstanceType {
			onDemand, ok = pr.Low+pos*(pr.High-pr.Low), true
		}
	}
	if !ok {
		return out, fmt.Errorf("the catalog has no on-demand price for %s, which self_hosted.on_demand_base bills", f.InstanceType)
	}
	offBase := min(base, m.baseline(f))
	return append(out,
		item("GPU instances", f.Instances-base, m.baseline(f)-offBase, rate),
		item("GPU instances (on-demand base)", base, offBase, onDemand)), nil
}

// bill is what packing pk of a's fleet costs a month at scenario p, as
// the option's line items count what grows with the fleet: the GPU
// instances (appendGPUItems), the operations that grow with the billed
// GPUs, the items per instance and the storage (appendStorageItems: the
// volumes for the hours the instances run, the image's pulls at their
// starts). The sizer chooses the packing with the least; the items that
// do not depend on the packing are left out. A packing the catalog cannot
// price (a spot fleet's on-demand base) costs +Inf.
func (m *model) bill(a *assignment, pk inference.Packing, p params) float64 {
	gpus := pk.Instances * pk.Instance.GPUs
	f := inference.Fleet{InstanceType: pk.Instance.Type, Instances: pk.Instances, BaselineInstances: pk.Baseline,
		GPUs: gpus, BilledGPUs: gpus, WeightsGB: a.sh.WeightsGB}
	items, err := m.appendGPUItems(m.billItems[:0], a, f, pk.Instance.GPUHourUSD, p.gpuPricePos, false)
	if err != nil {
		return math.Inf(1)
	}
	arch := a.arch()
	items = m.appendLineItems(items, arch, "instance", f.Instances, false)
	items = m.appendStorageItems(items, arch, f, false)
	sum := m.opsUSD(p, gpus)
	for _, it := range items {
		sum += it.MonthlyUSD.Expected
	}
	m.billItems = items[:0]
	return sum
}
