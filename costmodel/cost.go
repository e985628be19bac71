package costmodel

// The cost formula at one scenario: which workloads the fleet serves, token costs, line items and billed hours.

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

// assignment says what serves each workload under an option: the fleet,
// or one of its managed choices. One fleet (one model, on one GPU) serves
// every workload on it. The option's architecture follows from it.
type assignment struct {
	// fleet[i] is true when the fleet serves workload i.
	fleet []bool
	// pick[i] is workload i's managed choice (an index in m.choices[i]);
	// -1 when the fleet serves it.
	pick []int
	// sh is the fleet's model and gpu its GPU; nil and "" without a fleet.
	sh  *modelcatalog.OpenModel
	gpu string
}

// arch names the architecture the assignment uses.
func (a *assignment) arch() architecture.Name {
	n := 0
	for _, f := range a.fleet {
		if f {
			n++
		}
	}
	switch n {
	case 0:
		return architecture.Managed
	case len(a.fleet):
		return architecture.SelfHosted
	}
	return architecture.Hybrid
}

// onFleet reports whether any workload is on the fleet.
func (a *assignment) onFleet() bool {
	return slices.Contains(a.fleet, true)
}

// clone copies the assignment's slices.
func (a *assignment) clone() *assignment {
	c := *a
	c.fleet, c.pick = slices.Clone(a.fleet), slices.Clone(a.pick)
	return &c
}

// choice is workload i's managed choice under a.
func (m *model) choice(a *assignment, i int) *managedChoice {
	return &m.choices[i][a.pick[i]]
}

// evaluate computes an option's cost at one scenario: DESIGN.md's formula
// line by line (tokens, fleet, line items, quality gap), on the hot path of
// the breakeven sweep and the search, where it reuses one buffer; kept
// whole so the formula reads in one place.
func (m *model) evaluate(a *assignment, p params, detail bool) (evaluation, error) {
	var ev evaluation
	if !detail {
		ev.items = m.scratch[:0]
		defer func() { m.scratch = ev.items[:0] }()
	}
	arch := a.arch()
	monthly := p.developers * p.tokens
	for i, w := range m.s.Workloads {
		if a.fleet[i] {
			continue
		}
		c := m.choice(a, i)
		// D × T × s_w × (i × ((1−c−w) × P_in + c × P_cache + w × P_write) + (1−i) × P_out) / 1e6
		usd := monthly * w.Share * c.rates.PerM(p.inputShare, p.cachedShare, p.cacheWriteShare) / 1e6
		it := LineItem{Name: m.tokenItem[w.Name], Workload: w.Name, Model: c.model.ID, MonthlyUSD: Money{Expected: usd}}
		if detail {
			it.Note = tokenNote(*c)
		}
		ev.items = append(ev.items, it)
	}
	secrets := m.providers(a)
	if !a.onFleet() {
		ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)
		ev.qualityGap = m.qualityGap(a, monthly, p)
		return ev, nil
	}
	m.useGPU(a.gpu)
	f, err := m.size(a, p, monthly, detail)
	if err != nil {
		return ev, err
	}
	ev.fleet, ev.sized = f, true
	priced, _ := m.pricedInstances(p.gpuPricePos)
	for _, in := range priced {
		if in.Type == f.InstanceType {
			ev.gpuHourUSD = in.GPUHourUSD
		}
	}
	if ev.items, err = m.appendGPUItems(ev.items, a, f, ev.gpuHourUSD, p.gpuPricePos, detail); err != nil {
		return ev, err
	}
	ops := LineItem{Name: "operations (MLOps/SRE)", MonthlyUSD: Money{Expected: m.opsUSD(p, f.BilledGPUs)}, Note: "monitoring, scaling, model updates, on-call"}
	if detail && !m.s.SelfHosted.OpsFromSpec && f.BilledGPUs > OpsReferenceGPUs {
		ops.Note = fmt.Sprintf("monitoring, scaling, model updates, on-call: the article's 10–20%% of an SRE for %d H100s, scaled to %d billed GPUs (an estimate; self_hosted.ops_usd_per_month overrides it)", OpsReferenceGPUs, f.BilledGPUs)
	}
	ev.items = append(ev.items, ops)
	secrets++ // the vLLM API key
	if a.sh.Gated || m.cat.Deployment.HFToken {
		secrets++ // the Hugging Face token: a gated model's, or one the stack holds
	}
	ev.items = m.appendLineItems(ev.items, arch, "", 1, detail)
	ev.items = m.appendLineItems(ev.items, arch, "instance", f.Instances, detail)
	ev.items = m.appendStorageItems(ev.items, arch, f, detail)
	ev.items = m.appendLineItems(ev.items, arch, "alarm", AlarmsPerFleet, detail)
	ev.items = m.appendLineItems(ev.items, arch, "secret", secrets, detail)
	ev.qualityGap = m.qualityGap(a, monthly, p)
	return ev, nil
}

// size sizes the fleet of a for the workloads it serves at scenario p,
// remembering the result while m.sized is set: the search prices many
// assignments whose fleets serve the same workloads. The breakeven sweep
// clears it, as no two of its team sizes share a sizing.
func (m *model) size(a *assignment, p params, monthly float64, detail bool) (inference.Fleet, error) {
	memo := shortcuts && m.sized != nil && !detail
	var key sizeKey
	if memo {
		key = sizeKey{model: a.sh, gpu: a.gpu, p: sizedParams(p), fleet: fleetMask(a.fleet), unfixed: m.unfixed, onDemand: m.onDemand, capped: m.maxInstances(), budget: m.budget, launched: m.launched, launchedType: m.launchedType, launchedTP: m.launchedTP}
		if r, ok := m.sized[key]; ok {
			return r.fleet, r.err
		}
	}
	r, err := m.request(a, p, monthly, detail)
	if err != nil {
		return inference.Fleet{}, err
	}
	f, err := inference.Size(r)
	if m.progress != nil {
		m.progress.Add(1)
	}
	if memo {
		if len(m.sized) >= maxSized {
			clear(m.sized)
		}
		m.sized[key] = sizedFleet{f, err}
	}
	return f, err
}

// request is the sizing request of a's fleet at scenario p: its
// workloads' load, prompts and targets on the GPU m uses (useGPU), priced
// and billed as the plan bills it.
func (m *model) request(a *assignment, p params, monthly float64, detail bool) (inference.Request, error) {
	share, maxCtx, meanCtx, turns := 0.0, 0, 0.0, 0.0
	var work []inference.Workload
	for i, w := range m.s.Workloads {
		if !a.fleet[i] {
			continue
		}
		work = append(work, inference.Workload{Name: w.Name, ContextTokens: w.ContextTokens, MaxTTFTMs: w.MaxTTFTMs})
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
		return inference.Request{}, err
	}
	if m.launchedType != "" {
		// The launched fleet's own instance type: 16 one-GPU g6e.xlarge
		// priced a range's low end where the stack launches 4 g6e.12xlarge.
		priced = slices.DeleteFunc(slices.Clone(priced), func(in inference.PricedInstance) bool { return in.Type != m.launchedType })
	}
	gpu, _ := m.cat.GPU(m.gpu)
	rate := monthly * share / (m.s.Team.WorkingHoursPerMonth * SecondsPerHour) * p.peakToAverage
	return inference.Request{
		Model: a.sh, GPU: gpu, Throughput: m.throughput, GPUOf: m.cat.GPU, Instances: priced,
		PeakInputTokS: rate * p.inputShare, PeakOutputTokS: rate * (1 - p.inputShare),
		MaxContextTokens: maxCtx, MeanContextTokens: meanCtx, Workloads: work,
		TargetUtilization: m.s.SelfHosted.TargetUtilization, MinReplicas: m.s.SelfHosted.MinReplicas,
		FixedGPUs: m.fixedGPUs(), FixedTP: m.launchedTP, MaxInstances: m.maxInstances(), Explain: detail,
		CachedInputShare: p.cachedShare, TurnsPerSession: turns,
		Bill: m.biller(a, p), Budget: m.budget, Memo: m.memo,
	}, nil
}

// shortcuts turns on the memos and bounds that spare the cost model work
// whose answer it already has or can prove (the sizing memo, finish's
// memo, the breakeven search's bounds, the load's bound on a fleet before
// it is sized: searcher.refine). A test turns it off to check
// that the plans come out the same without them.
var shortcuts = true

// maxSized bounds the sizing memo: a breakeven sweep sizes at many team
// sizes, and each is needed once.
const maxSized = 1 << 16

// sizeKey identifies one sizing: the fleet's workloads, model, GPU and
// scenario.
type sizeKey struct {
	fleet    string
	unfixed  bool
	onDemand bool
	// capped is the instance cap the sizing ran under (maxInstances): a
	// range's corner lifts a capacity block's, and only there does
	// model.corner change a sizing.
	capped       int
	budget       float64
	launched     int
	launchedType string
	launchedTP   int
	model        *modelcatalog.OpenModel
	gpu          string
	p            params
}

// sizedParams is scenario p as a sizing reads it: the load (developers
// and tokens, through monthly; peakToAverage, inputShare, cachedShare),
// the GPU-hour price's place (pricedInstances, and the bill's on-demand
// base: biller) and the operations cost (the bill: opsUSD). The cache
// writes' share, the developer's hourly cost and the rework's place
// price only the tokens and the quality gap, which the sizing never
// reads: corners that differ only in them share a sizing.
func sizedParams(p params) params {
	p.cacheWriteShare, p.hourlyUSD, p.reworkPos = 0, 0, 0
	return p
}

type sizedFleet struct {
	fleet inference.Fleet
	err   error
}

// fleetMask encodes which workloads are on the fleet as a map key.
func fleetMask(fleet []bool) string {
	b := make([]byte, (len(fleet)+7)/8)
	for i, f := range fleet {
		if f {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return string(b)
}

// qualityGap is the rework cost of the assignment's weaker models: for
// each workload, the tasks it runs times the quality it gives up against
// its reference (referenceQuality) times the rework hours and the hourly
// cost.
func (m *model) qualityGap(a *assignment, monthly float64, p params) float64 {
	gap := 0.0
	for i, w := range m.s.Workloads {
		var q float64
		var ok bool
		if a.fleet[i] {
			var f modelcatalog.Figure
			f, ok = a.sh.Quality[w.Complexity]
			q = f.Value
		} else {
			q, ok = m.choice(a, i).quality(w.Complexity)
		}
		gap += m.workloadGap(i, q, ok, monthly, p)
	}
	return gap
}

// workloadGap is workload i's rework cost at quality q; none when the
// quality is not known or the catalog has no tokens per task for the
// workload's complexity.
func (m *model) workloadGap(i int, q float64, known bool, monthly float64, p params) float64 {
	w := m.s.Workloads[i]
	per := m.cat.TokensPerTask[w.Complexity].Value
	if !known || per <= 0 {
		return 0
	}
	tasks := monthly * w.Share / per
	r := m.s.Quality.ReworkHours
	if w.ReworkHours != nil {
		r = *w.ReworkHours
	}
	return tasks * math.Max(0, m.ref[i]-q) * (r.Low + p.reworkPos*(r.High-r.Low)) * p.hourlyUSD
}

// appendLineItems appends the catalog's line items for the architecture
// counted per the unit, count times.
func (m *model) appendLineItems(out []LineItem, arch architecture.Name, per string, count int, detail bool) []LineItem {
	for _, li := range m.cat.FixedCosts {
		if li.Per != per || !slices.Contains(li.Applies, string(arch)) {
			continue
		}
		note := li.Source.Source
		if detail && (count != 1 || per != "") {
			note = fmt.Sprintf("%d × %s", count, units.USD(li.MonthlyUSD).Cents())
		}
		out = append(out, LineItem{Name: li.Name, Note: note, MonthlyUSD: Money{Expected: float64(count) * li.MonthlyUSD}})
	}
	return out
}

// OpsReferenceGPUs is the fleet the default operations cost was
// estimated for: the article's "10–20% of one SRE's time: $2,000–$4,000 a
// month" for 2–4 H100s (shared/reference/000_be227b6682b04f46.txt), about
// $500–1,000 a GPU. An estimate: operations work grows with the fleet,
// and the article gives no other basis for how fast.
const OpsReferenceGPUs = 4

// opsUSD is the fleet's operations cost at scenario p: the spec's figure
// when it sets one; by default the article's range for up to
// OpsReferenceGPUs billed GPUs, growing in proportion beyond.
func (m *model) opsUSD(p params, billedGPUs int) float64 {
	if m.s.SelfHosted.OpsFromSpec || billedGPUs <= OpsReferenceGPUs {
		return p.opsUSD
	}
	return p.opsUSD * float64(billedGPUs) / OpsReferenceGPUs
}

// pricing is the pricing model the fleet is priced under: the spec's, or
// on-demand while the model prices a commitment's alternative.
func (m *model) pricing() string {
	if m.onDemand {
		return spec.OnDemand
	}
	return m.s.SelfHosted.Pricing
}
