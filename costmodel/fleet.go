package costmodel

// The fleet: instance prices, the GPU choice, the sized fleet and the routes it serves.

import (
	"fmt"
	"math"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// pricedInstances lists the instance types selling the GPU in the region
// with a GPU-hour price for the pricing model, placed at pos in its range.
func (m *model) pricedInstances(pos float64) ([]inference.PricedInstance, error) {
	key := pricedKey{m.gpu, pos, m.onDemand}
	if out, ok := m.priced[key]; ok {
		return out, nil
	}
	sh := m.s.SelfHosted
	override := m.gpuHourOverride()
	var out []inference.PricedInstance
	for _, in := range m.cat.InstancesFor(m.gpu, sh.Region) {
		var lo, hi float64
		limit := 0
		if override != nil {
			lo, hi = override.Low, override.High
		} else if pr, cap, ok := in.Rate(m.pricing(), m.baseCap()); ok {
			lo, hi, limit = pr.Low, pr.High, cap
		} else {
			continue
		}
		out = append(out, inference.PricedInstance{Type: in.Type, GPUs: in.GPUs, GPUHourUSD: lo + pos*(hi-lo), MaxInstances: limit})
	}
	if len(out) == 0 {
		if len(m.cat.InstancesFor(m.gpu, sh.Region)) == 0 {
			return nil, fmt.Errorf("the catalog has no instance type with %s GPUs in %s (a price book can add one)", m.gpu, sh.Region)
		}
		return nil, fmt.Errorf("the catalog has no %s price for %s instances in %s (set self_hosted.gpu_hour_usd)", m.pricing(), m.gpu, sh.Region)
	}
	m.priced[key] = out
	return out, nil
}

// pricedKey is a GPU and a place in its price range.
type pricedKey struct {
	gpu      string
	pos      float64
	onDemand bool
}

// gpuHourOverride is the spec's gpu_hour_usd when it prices the GPU being
// sized: it names the price of the spec's own GPU, not of the others sizing
// may try.
func (m *model) gpuHourOverride() *spec.Range {
	if m.gpu == m.s.SelfHosted.GPU && !m.onDemand {
		return m.s.SelfHosted.GPUHourUSD
	}
	return nil
}

// useGPU sizes the self-hosted options on gpu from now on.
func (m *model) useGPU(gpu string) {
	m.gpu = gpu
}

func (m *model) fleetOf(sh *modelcatalog.OpenModel, f inference.Fleet) *Sizing {
	s := m.s.SelfHosted
	fl := &Sizing{
		Model: sh.ID, GPU: m.gpu, Region: s.Region, GPUs: f.BilledGPUs, Replicas: f.Replicas, TensorParallel: f.TensorParallel,
		InstanceType: f.InstanceType, Instances: f.Instances, ReplicasPerInstance: f.ReplicasPerInstance,
		MaxGPUs: modelcatalog.MaxFleetGPUs, Fixed: s.GPUs > 0, Pricing: s.Pricing, BilledHours: m.billedHours(round(f.CheckpointGB, 1)), Schedule: s.Schedule,
		MaxModelLen: f.MaxModelLen, WeightsGB: round(f.WeightsGB, 1), CheckpointGB: round(f.CheckpointGB, 1), KVCacheGB: round(f.KVCacheGB, 1),
		PeakUtilization: shownPeak(f.PeakUtilization), TargetUtilization: s.TargetUtilization, UncoveredHours: m.uncoveredHours(),
		BaselineInstances: m.baseline(f), PeakInstances: f.Instances, TargetRequestsPerMinute: f.TargetRequestsPerMinute,
		StreamSeconds: inference.StreamSeconds(f.MaxModelLen, f.Throughput), IdleTimeoutSeconds: inference.IdleTimeoutSeconds, OnDemandBase: m.onDemandBase(f),
		Notes: []string{},
	}
	if n := m.maxInstances(); n > 0 {
		fl.MaxInstances = &n
	}
	if f.TTFTMs > 0 && f.PeakUtilization < 1 {
		// At or above its capacity the queue grows without bound: no
		// time to first token holds (and capacity.exceeded denies it).
		v := f.TTFTMs
		fl.TTFTMs = &v
	}
	if r := m.gpuHourOverride(); r != nil {
		fl.GPUHourUSD = *r
	} else {
		for _, in := range m.cat.InstancesFor(m.gpu, s.Region) {
			if in.Type == f.InstanceType {
				pr, cap, _ := in.Rate(s.Pricing, m.baseCap())
				fl.GPUHourUSD = spec.Range{Low: pr.Low, High: pr.High}
				bought := s.Pricing
				if cap > 0 {
					bought = spec.OnDemand
					fl.Notes = append(fl.Notes, fmt.Sprintf("spot: the catalog prices %s on demand only, so the fleet runs it within its on-demand base (on_demand_base = %d), every instance on demand", in.Type, cap))
				}
				if pr.Estimate {
					fl.Notes = append(fl.Notes, fmt.Sprintf("the %s price of %s is an estimate: %s", bought, in.Type, pr.Source.Source))
				}
			}
		}
	}
	fl.VLLMArgs = inference.VLLMArgs(sh, f)
	fl.Notes = append(fl.Notes, f.Notes...)
	return fl
}

// round rounds a sizing figure for the plan (weights and KV cache to 0.1
// GB, utilization to 0.1 %); the fleet keeps every digit in Sized.
func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// routes says which model serves each workload.
func (m *model) routes(a *assignment, f *inference.Fleet) []Route {
	var out []Route
	for i, w := range m.s.Workloads {
		r := Route{Workload: w.Name, Complexity: w.Complexity, Share: w.Share, ContextTokens: w.ContextTokens}
		if w.MaxTTFTMs > 0 {
			v := w.MaxTTFTMs
			r.MaxTTFTMs = &v
		}
		floor := w.MinQuality
		if a.fleet[i] {
			floor = m.fleetFloorQuality(w)
		}
		if floor > 0 {
			r.MinQuality = &floor
		}
		if a.fleet[i] {
			r.ServedBy, r.Model = architecture.SelfHosted, a.sh.ID
			if f != nil && f.PeakUtilization < 1 {
				if rt, ok := f.Route(w.Name); ok && rt.TTFTMs > 0 {
					v, tail := rt.TTFTMs, rt.TailMs
					r.TTFTMs, r.TTFTTailMs = &v, &tail
				}
			}
			if q, ok := a.sh.Quality[w.Complexity]; ok {
				v := q.Value
				r.Quality = &v
			}
		} else {
			c := m.choice(a, i)
			r.ServedBy, r.Model, r.Provider = architecture.Managed, c.model.ID, c.provider
			r.TTFTMs, r.MaxInputTokens = c.ttftMs, c.maxInput
			if q, ok := c.quality(w.Complexity); ok {
				r.Quality = &q
			}
		}
		out = append(out, r)
	}
	return out
}

// maxInstances caps the fleet's instances below the GPU cap's: one
// capacity block's modelcatalog.MaxCapacityBlockInstances for a fleet
// priced on capacity blocks (the stack reserves one block), else 0 (none);
// 0 too for a corner of the range (model.corner).
func (m *model) maxInstances() int {
	if m.s.SelfHosted.Pricing == spec.CapacityBlock && !m.corner {
		return modelcatalog.MaxCapacityBlockInstances
	}
	return 0
}
