package breakeven

// The cost formula at one scenario: which workloads the fleet serves, token costs, line items and billed hours.

import (
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// onFleet is the one rule of which workloads the self-hosted fleet
// serves: every workload of the self-hosted option, the simple ones of the
// hybrid; the rest go to managed APIs.
func onFleet(arch string, w spec.Workload) bool {
	return arch == architecture.SelfHosted || (arch == architecture.Hybrid && w.Complexity == spec.Simple)
}

// served lists the workloads the self-hosted fleet serves under arch.
func (m *model) served(arch string) []spec.Workload {
	if out, ok := m.servedBy[arch]; ok {
		return out
	}
	var out []spec.Workload
	for _, w := range m.s.Workloads {
		if onFleet(arch, w) {
			out = append(out, w)
		}
	}
	m.servedBy[arch] = out
	return out
}

// evaluate computes an option's cost at one scenario: DESIGN.md's formula
// line by line (tokens, fleet, line items, quality gap), on the hot path of
// the breakeven sweep, where it reuses one buffer; kept whole so the
// formula reads in one place.
func (m *model) evaluate(arch string, sh *modelcatalog.OpenModel, p params, detail bool) (evaluation, error) {
	var ev evaluation
	if !detail {
		ev.items = m.scratch[:0]
		defer func() { m.scratch = ev.items[:0] }()
	}
	monthly := p.developers * p.tokens
	for i, w := range m.s.Workloads {
		if onFleet(arch, w) {
			continue
		}
		c := m.managedRoute[w.Complexity]
		r := &m.rates[i]
		// D × T × s_w × (i × ((1−c−w) × P_in + c × P_cache + w × P_write) + (1−i) × P_out) / 1e6
		usd := monthly * w.Share * r.PerM(p.inputShare, p.cachedShare, p.cacheWriteShare) / 1e6
		it := Item{Name: m.tokenItem[w.Name], Workload: w.Name, Model: c.model.ID, USD: Money{Expected: usd}}
		if detail {
			it.Note = tokenNote(c, *r)
		}
		ev.items = append(ev.items, it)
	}
	secrets := 0
	if arch != architecture.SelfHosted {
		// One API-key secret per provider the managed routes call;
		// Bedrock is called with the gateway role's IAM credentials and
		// keeps no key.
		providers := map[string]bool{}
		for _, w := range m.s.Workloads {
			if prov := m.managedRoute[w.Complexity].provider; !onFleet(arch, w) && prov != modelcatalog.ProviderBedrock {
				providers[prov] = true
			}
		}
		secrets += len(providers)
	}
	if arch == architecture.Managed {
		ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)
		return ev, nil
	}

	served := m.served(arch)
	share, maxCtx, meanCtx, turns := 0.0, 0, 0.0, 0.0
	for _, w := range served {
		share += w.Share
		maxCtx = max(maxCtx, w.ContextTokens)
		meanCtx += w.Share * float64(w.ContextTokens)
		// A task's tokens over one request's context: the requests an
		// agent session makes.
		if per := m.cat.TokensPerTask[w.Complexity].Value; per > 0 && w.ContextTokens > 0 {
			turns += w.Share * per / float64(w.ContextTokens)
		}
	}
	if share > 0 {
		meanCtx /= share
		turns /= share
	}
	priced, err := m.pricedInstances(p.gpuPricePos)
	if err != nil {
		return ev, err
	}
	gpu, _ := m.cat.GPU(m.gpu)
	rate := monthly * share / (m.s.Team.WorkingHoursPerMonth * SecondsPerHour) * p.peakToAverage
	f, err := inference.Size(inference.Request{
		Model: sh, GPU: gpu, Throughput: m.throughput, Instances: priced,
		PeakInputTokS: rate * p.inputShare, PeakOutputTokS: rate * (1 - p.inputShare), PeakToAverage: p.peakToAverage,
		MaxContextTokens: maxCtx, MeanContextTokens: meanCtx,
		TargetUtilization: m.s.SelfHosted.TargetUtilization, MinReplicas: m.s.SelfHosted.MinReplicas,
		FixedGPUs: m.s.SelfHosted.GPUs, Explain: detail,
		CachedInputShare: p.cachedShare, TurnsPerSession: turns,
	})
	if err != nil {
		return ev, err
	}
	ev.fleet, ev.sized = f, true
	for _, in := range priced {
		if in.Type == f.InstanceType {
			ev.gpuHourUSD = in.GPUHourUSD
		}
	}
	hours := m.billedHours()
	gpus := Item{Name: "GPU instances", Model: sh.ID, USD: Money{Expected: float64(f.BilledGPUs) * ev.gpuHourUSD * hours}}
	if detail {
		gpus.Note = fmt.Sprintf("%d × %s at $%.2f/GPU-h × %g h", f.BilledGPUs, m.gpu, ev.gpuHourUSD, hours)
	}
	ev.items = append(ev.items, gpus,
		Item{Name: "operations (MLOps/SRE)", USD: Money{Expected: p.opsUSD}, Note: "monitoring, scaling, model updates, on-call"},
	)
	secrets++ // the vLLM API key
	if sh.Gated {
		secrets++ // the Hugging Face token
	}
	ev.items = m.appendLineItems(ev.items, arch, "", 1, detail)
	ev.items = m.appendLineItems(ev.items, arch, "instance", f.Instances, detail)
	ev.items = m.appendLineItems(ev.items, arch, "alarm", AlarmsPerFleet, detail)
	ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)

	tpt := m.cat.TokensPerTask
	for _, w := range served {
		ref := m.managedRoute[w.Complexity].model.Quality[w.Complexity].Value
		q, ok := sh.Quality[w.Complexity]
		per := tpt[w.Complexity].Value
		if !ok || per <= 0 {
			continue
		}
		gap := math.Max(0, ref-q.Value)
		tasks := monthly * w.Share / per
		r := m.s.Quality.ReworkHours
		if w.ReworkHours != nil {
			r = *w.ReworkHours
		}
		ev.qualityGap += tasks * gap * (r.Low + p.reworkPos*(r.High-r.Low)) * p.hourlyUSD
	}
	return ev, nil
}

// appendLineItems appends the catalog's line items for the architecture
// counted per the unit, count times.
func (m *model) appendLineItems(out []Item, arch, per string, count int, detail bool) []Item {
	for _, li := range m.cat.LineItems {
		if li.Per != per || !slices.Contains(li.Applies, arch) {
			continue
		}
		note := li.Source.Source
		if detail && (count != 1 || per != "") {
			note = fmt.Sprintf("%d × $%.2f", count, li.MonthlyUSD)
		}
		out = append(out, Item{Name: li.Name, Note: note, USD: Money{Expected: float64(count) * li.MonthlyUSD}})
	}
	return out
}

func (m *model) billedHours() float64 {
	if m.s.SelfHosted.Schedule == spec.BusinessHours {
		return m.s.Team.WorkingHoursPerMonth
	}
	return m.s.SelfHosted.HoursPerMonth
}
