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

// baseCap is the on-demand base a spot fleet's instance types may run
// within (modelcatalog.Instance.Rate): the spec's, under spot pricing;
// else none.
func (m *model) baseCap() int {
	if m.pricing() != spec.Spot {
		return 0
	}
	return m.s.SelfHosted.OnDemandBase
}

// appendGPUItems appends the GPU line items of fleet f for its billed
// hours: the instances at rate (the pricing's GPU-hour price) and, for a
// spot fleet with an on-demand base, the base's GPUs at the catalog's
// on-demand price of the same instance type, placed at pos in its range.
// The catalog not pricing the type on demand is an error: the base cannot
// be priced.
func (m *model) appendGPUItems(out []LineItem, a *assignment, f inference.Fleet, rate, pos float64, detail bool) ([]LineItem, error) {
	hours := m.billedHours(round(f.CheckpointGB, 1))
	item := func(name string, gpus int, rate float64) LineItem {
		it := LineItem{Name: name, Model: a.sh.ID, MonthlyUSD: Money{Expected: float64(gpus) * rate * hours}}
		if detail {
			it.Note = fmt.Sprintf("%d × %s at %s/GPU-h × %g h", gpus, m.gpu, units.USD(rate).Cents(), hours)
		}
		return it
	}
	base := m.onDemandBase(f)
	if base == 0 {
		return append(out, item("GPU instances", f.BilledGPUs, rate)), nil
	}
	perInstance := f.BilledGPUs / max(f.Instances, 1)
	onDemand, ok := 0.0, false
	for _, in := range m.cat.InstancesFor(m.gpu, m.s.SelfHosted.Region) {
		if pr, has := in.GPUHourUSD[spec.OnDemand]; has && in.Type == f.InstanceType {
			onDemand, ok = pr.Low+pos*(pr.High-pr.Low), true
		}
	}
	if !ok {
		return out, fmt.Errorf("the catalog has no on-demand price for %s, which self_hosted.on_demand_base bills", f.InstanceType)
	}
	if spot := f.BilledGPUs - base*perInstance; spot > 0 {
		out = append(out, item("GPU instances", spot, rate))
	}
	return append(out, item("GPU instances (on-demand base)", base*perInstance, onDemand)), nil
}

// biller prices packings of a's fleet at scenario p, as the option's
// line items count what grows with the fleet: the GPU instances
// (appendGPUItems), the operations that grow with the billed GPUs, the
// items per instance and the storage (appendStorageItems: the volumes for
// the hours the instances run, the image's pulls at the working day's
// starts). Those last grow by the same amount with each instance, so they
// are counted once, for none and for one instance. The sizer chooses the
// packing with the least bill.
func (m *model) biller(a *assignment, p params) func(inference.Packing) float64 {
	arch := a.arch()
	other := func(n int) float64 {
		f := inference.Fleet{Instances: n, WeightsGB: a.sh.WeightsGB, CheckpointGB: a.sh.CheckpointGB()}
		items := m.appendLineItems(m.billItems[:0], arch, "instance", n, false)
		items = m.appendStorageItems(items, arch, f, false)
		sum := 0.0
		for _, it := range items {
			sum += it.MonthlyUSD.Expected
		}
		m.billItems = items[:0]
		return sum
	}
	fixed := other(0)
	perInstance := other(1) - fixed
	return func(pk inference.Packing) float64 {
		gpus := pk.Instances * pk.Instance.GPUs
		f := inference.Fleet{InstanceType: pk.Instance.Type, Instances: pk.Instances, GPUs: gpus, BilledGPUs: gpus, WeightsGB: a.sh.WeightsGB, CheckpointGB: a.sh.CheckpointGB()}
		items, err := m.appendGPUItems(m.billItems[:0], a, f, pk.Instance.GPUHourUSD, p.gpuPricePos, false)
		if err != nil {
			// A packing the catalog cannot price (a spot fleet's
			// on-demand base) is never the cheapest.
			return math.Inf(1)
		}
		sum := m.opsUSD(p, gpus) + fixed + float64(pk.Instances)*perInstance
		for _, it := range items {
			sum += it.MonthlyUSD.Expected
		}
		m.billItems = items[:0]
		return sum
	}
}
