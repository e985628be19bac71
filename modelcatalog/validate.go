package modelcatalog

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/costgate/costgate/architecture"
)

// StaleAfterDays is the age past which a catalog is stale: managed prices
// move monthly, so half a year old is too old to decide on unreviewed.
const StaleAfterDays = 180

// Complexities are the workload complexities that quality scores and
// tokens_per_task are keyed by.
var Complexities = []string{"simple", "complex"}

// TensorParallelSizes are the tensor-parallel sizes the sizing considers.
var TensorParallelSizes = []int{1, 2, 4, 8}

// MaxFleetGPUs caps the GPUs of one self-hosted fleet. AWS publishes no
// Region-wide limit on GPU instances: quotas are per account (vCPUs of P
// and G instances, raised on request), so the cap is a choice. 20,000 is
// the largest single cluster of one GPU AWS advertises (EC2 P5
// UltraClusters of up to 20,000 H100 GPUs, aws.amazon.com/ec2/instance-types/p5,
// 2023), and a multiple of the eight GPUs of the largest instances. A
// spec's self_hosted.gpus above it is invalid; a fleet sized above it is
// not one a pull request can provision, so the self-hosted option is
// denied (capacity.fleet_limit) and the breakeven search stops there. It
// also keeps every count of a fleet, and its cost, far inside the range
// of an int and of a float64 whatever the spec's figures.
const MaxFleetGPUs = 20000

// MaxCapacityBlockInstances is the most instances one EC2 Capacity Block
// for ML holds (a block is bought for 1 to 64 instances of one type:
// docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-capacity-blocks.html,
// read 2026-12-06). The stack targets one block's reservation, so a fleet
// priced on capacity blocks has at most this many instances: one that
// needs more is denied (capacity.fleet_limit), as the program would refuse
// to launch it.
const MaxCapacityBlockInstances = 64

var (
	statuses      = set("latest", "active", "legacy", "retired")
	weightDTypes  = set("bf16", "fp8", "mxfp4")
	generations   = set("ampere", "ada", "hopper", "blackwell")
	interconnects = set("nvlink", "pcie")
	pricingModels = set("on_demand", "reserved", "spot", "capacity_block")
	architectures = set(architecture.All...)
	lineItemPers  = set("", "instance", "secret", "alarm", PerVolumeGB, PerVolumeMiBps, PerVolumeIOPS, PerMirrorGB, PerMirrorFillGB, PerImagePullGB, PerImageGB)
	complexitySet = set(Complexities...)
)

// Validate checks the catalog's integrity and returns every problem found,
// joined: each figure has a source and an as_of date (YYYY-MM-DD), and an
// estimate a note saying how it was derived; ids are unique; prices and
// counts are not negative; each managed model has at least one price;
// successors, providers (a model's, by id), throughput models and GPUs,
// and instance GPUs exist; quality scores lie in 0..1.
func (c *Catalog) Validate() error {
	v := &validator{origin: c.Origin}
	for _, p := range c.BookProblems {
		v.errs = append(v.errs, errors.New(p))
	}
	v.date("catalog", "as_of", c.AsOf)
	providers := v.providers(c)
	v.ttls = set(c.CacheTTLs()...)
	managedIDs := v.managed(c, providers)
	openIDs := v.openModels(c, managedIDs)
	gpuIDs := v.gpus(c)
	v.instances(c, gpuIDs)
	v.throughput(c, openIDs, gpuIDs)
	v.lineItems(c)
	v.tokensPerTask(c)
	v.discounts(c, managedIDs)
	if len(v.errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid catalog: %w", errors.Join(v.errs...))
}

// managed checks the managed models and returns their ids.
func (v *validator) managed(c *Catalog, providers map[string]*Provider) map[string]bool {
	managedIDs := map[string]bool{}
	for _, m := range c.Managed {
		managedIDs[m.ID] = true
	}
	seen := map[string]bool{}
	for i, m := range c.Managed {
		at := v.entry("managed", i, m.ID)
		v.id(at, "managed", m.ID, seen)
		v.source(at, m.Source)
		v.nonEmpty(at, "vendor", m.Vendor)
		v.nonEmpty(at, "api_id", m.APIID)
		if len(m.Providers) == 0 {
			v.add(at, "no providers")
		}
		v.modelProviders(at, m, providers)
		if !statuses[m.Status] {
			v.add(at, "status %q is not one of latest, active, legacy, retired", m.Status)
		}
		if m.Successor != "" && !managedIDs[m.Successor] {
			v.add(at, "successor %q is not a managed model", m.Successor)
		}
		if len(m.Prices) == 0 {
			v.add(at, "no prices")
		}
		from := map[string]bool{}
		for j, p := range m.Prices {
			pat := fmt.Sprintf("%s prices[%d]", at, j)
			v.source(pat, p.Source)
			v.date(pat, "effective_from", p.EffectiveFrom)
			if from[p.EffectiveFrom] {
				v.add(pat, "second price effective from %s", p.EffectiveFrom)
			}
			from[p.EffectiveFrom] = true
			v.tokenPrice(pat, "input_per_m", p.InputPerM)
			v.tokenPrice(pat, "output_per_m", p.OutputPerM)
			if p.CacheReadPerM != nil {
				v.tokenPrice(pat, "cache_read_per_m", *p.CacheReadPerM)
			}
			v.priceStructure(pat, p)
		}
		v.quality(at, m.Quality)
		if m.TTFTMs != nil {
			v.source(at+" ttft_ms", m.TTFTMs.Source)
			v.positive(at, "ttft_ms", m.TTFTMs.Value)
		}
		for _, p := range slices.Sorted(maps.Keys(m.TTFTByProvider)) {
			f := m.TTFTByProvider[p]
			v.source(at+" ttft_ms_by_provider."+p, f.Source)
			v.positive(at, "ttft_ms_by_provider."+p, f.Value)
			if !slices.Contains(m.Providers, p) {
				v.add(at, "ttft_ms_by_provider names %q, which does not sell the model", p)
			}
		}
		for _, p := range slices.Sorted(maps.Keys(m.RateLimits)) {
			v.rateLimit(at+" rate_limits."+p, m, p, m.RateLimits[p])
		}
		v.maxInput(at, m)
		if f := m.PromptMsPerToken; f != nil {
			v.source(at+" prompt_ms_per_token", f.Source)
			v.nonNegative(at, "prompt_ms_per_token", f.Value)
		}
	}

	return managedIDs
}

// openModels checks the open models and the architecture-only entries
// and returns the open models' ids.
func (v *validator) openModels(c *Catalog, managedIDs map[string]bool) map[string]bool {
	openIDs := map[string]bool{}
	for i, m := range c.OpenModels {
		at := v.entry("open_models", i, m.ID)
		v.id(at, "open model", m.ID, openIDs)
		v.architecture(at, m)
		v.quality(at, m.Quality)
	}
	v.sameArchitecture(c)
	openRepos := map[string]bool{}
	for _, m := range c.OpenModels {
		openRepos[strings.ToLower(m.HFRepo)] = true
	}
	archIDs := map[string]bool{}
	for id := range openIDs {
		archIDs[id] = true
	}
	for i, m := range c.Architectures {
		at := v.entry("architectures", i, m.ID)
		v.id(at, "open model or architecture", m.ID, archIDs)
		v.architecture(at, m)
		if len(m.Quality) > 0 {
			v.add(at, "an architecture carries no quality scores (add it to open_models instead)")
		}
		if openRepos[strings.ToLower(m.HFRepo)] {
			v.add(at, "hf_repo %q is already an open model's", m.HFRepo)
		}
		openRepos[strings.ToLower(m.HFRepo)] = true
	}
	for id := range openIDs {
		if managedIDs[id] {
			v.add("catalog", "id %q is both a managed and an open model", id)
		}
	}

	return openIDs
}

// sameArchitecture checks the open models' and architectures' other
// repository names.
func (v *validator) sameArchitecture(c *Catalog) {
	// A same_architecture name resolves to one entry: it is nobody's
	// hf_repo (a lookup would find that entry first) and nobody else's alias.
	repos := map[string]string{}
	for _, list := range [][]OpenModel{c.OpenModels, c.Architectures} {
		for _, m := range list {
			if _, seen := repos[strings.ToLower(m.HFRepo)]; !seen {
				repos[strings.ToLower(m.HFRepo)] = m.ID
			}
		}
	}
	aliases := map[string]string{}
	for _, list := range []struct {
		name   string
		models []OpenModel
	}{{"open_models", c.OpenModels}, {"architectures", c.Architectures}} {
		for i, m := range list.models {
			at := v.entry(list.name, i, m.ID)
			for _, r := range m.SameArchitecture {
				if owner, name, ok := strings.Cut(r, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
					v.add(at, "same_architecture %q is not a Hugging Face owner/name", r)
				}
				key := strings.ToLower(r)
				if prev, dup := repos[key]; dup {
					v.add(at, "same_architecture %q is already %s's hf_repo", r, prev)
				} else if prev, dup := aliases[key]; dup {
					v.add(at, "same_architecture %q already names %s", r, prev)
				}
				aliases[key] = m.ID
			}
		}
	}
}

// gpus checks the GPU figures and returns their ids.
func (v *validator) gpus(c *Catalog) map[string]bool {
	gpuIDs := map[string]bool{}
	for i, g := range c.GPUs {
		at := v.entry("gpus", i, g.ID)
		v.id(at, "gpu", g.ID, gpuIDs)
		v.source(at, g.Source)
		v.positive(at, "memory_gb", g.MemoryGB)
		if u := g.UsableMemory; u != nil {
			v.source(at+".usable_memory_gib", u.Source)
			if !(u.Value > 0) || u.Value > g.MemoryGB {
				v.add(at, "usable_memory_gib %g is not above 0 and at most memory_gb %g", u.Value, g.MemoryGB)
			}
		}
		for field, x := range map[string]float64{"bf16_dense_tflops": g.BF16TFLOPS, "fp8_dense_tflops": g.FP8TFLOPS,
			"fp4_dense_tflops": g.FP4TFLOPS, "memory_bandwidth_gbs": g.MemoryBandwidthGBs, "interconnect_gbs": g.InterconnectGBs} {
			v.nonNegative(at, field, x)
		}
		if g.Generation != "" && !generations[g.Generation] {
			v.add(at, "generation %q is not one of ampere, ada, hopper, blackwell", g.Generation)
		}
		if g.Interconnect != "" && !interconnects[g.Interconnect] {
			v.add(at, "interconnect %q is not one of nvlink, pcie", g.Interconnect)
		}
	}

	return gpuIDs
}

// instances checks the instance types and their prices.
func (v *validator) instances(c *Catalog, gpuIDs map[string]bool) {
	seen := map[string]bool{}
	for i, in := range c.Instances {
		at := v.entry("instances", i, instanceKey(in))
		v.id(at, "instance", instanceKey(in), seen)
		v.source(at, in.Source)
		v.nonEmpty(at, "region", in.Region)
		if !gpuIDs[in.GPU] {
			v.add(at, "gpu %q is not in gpus", in.GPU)
		}
		v.positive(at, "gpus", float64(in.GPUs))
		if in.Quotas != (InstanceQuotas{}) {
			v.source(at+" quotas", in.Quotas.Source)
		}
		if f := in.NetworkGbps; f != nil {
			v.source(at+" network_gbps", f.Source)
			v.positive(at+" network_gbps", "value", f.Value)
		}
		for _, pm := range sortedKeys(in.GPUHourUSD) {
			p := in.GPUHourUSD[pm]
			pat := at + " gpu_hour_usd." + pm
			if !pricingModels[pm] {
				v.add(pat, "unknown pricing model (want on_demand, reserved, spot or capacity_block)")
			}
			v.source(pat, p.Source)
			v.gpuHourPrice(pat, "low", p.Low)
			v.gpuHourPrice(pat, "high", p.High)
			if p.Low > p.High {
				v.add(pat, "low %g is above high %g", p.Low, p.High)
			}
		}
	}

}

// throughput checks the published benchmark rows.
func (v *validator) throughput(c *Catalog, openIDs, gpuIDs map[string]bool) {
	seen := map[string]bool{}
	for i, t := range c.Throughput {
		at := v.entry("throughput", i, throughputKey(t))
		v.id(at, "throughput", throughputKey(t), seen)
		v.source(at, t.Source)
		if !openIDs[t.Model] {
			v.add(at, "model %q is not an open model", t.Model)
		}
		if !gpuIDs[t.GPU] {
			v.add(at, "gpu %q is not in gpus", t.GPU)
		}
		if !validTP(t.TensorParallel) {
			v.add(at, "tensor_parallel %d is not one of 1, 2, 4, 8", t.TensorParallel)
		}
		v.positive(at, "prefill_tok_s", t.PrefillTokS)
		v.positive(at, "decode_tok_s", t.DecodeTokS)
		v.positive(at, "ttft_ms", t.TTFTMs)
		v.positive(at, "concurrency", float64(t.Concurrency))
		if t.InputTokens < 0 || t.OutputTokens < 0 {
			v.add(at, "negative request shape %d in / %d out", t.InputTokens, t.OutputTokens)
		}
	}

}

// lineItems checks the small infrastructure costs.
func (v *validator) lineItems(c *Catalog) {
	seen := map[string]bool{}
	for i, l := range c.FixedCosts {
		at := v.entry("line_items", i, l.Name)
		v.id(at, "line item", l.Name, seen)
		v.source(at, l.Source)
		v.nonNegative(at, "monthly_usd", l.MonthlyUSD)
		if !lineItemPers[l.Per] {
			v.add(at, "per %q is not one of \"\", instance, secret, alarm, %s, %s, %s, %s, %s, %s, %s", l.Per, PerVolumeGB, PerVolumeMiBps, PerVolumeIOPS, PerMirrorGB, PerMirrorFillGB, PerImagePullGB, PerImageGB)
		}
		if l.When != "" && l.When != WhenOwnVPC && l.When != WhenGateway && l.When != WhenPrivateLink && l.When != WhenImageViaNAT && l.When != WhenPullCache {
			v.add(at, "when %q is not one of \"\", %s, %s, %s, %s, %s", l.When, WhenOwnVPC, WhenGateway, WhenPrivateLink, WhenImageViaNAT, WhenPullCache)
		}
		for _, a := range l.Applies {
			if !architectures[a] {
				v.add(at, "applies to unknown architecture %q", a)
			}
		}
	}

}

// tokensPerTask checks the tokens-per-task figures and the prompt's
// per-token TTFT.
func (v *validator) tokensPerTask(c *Catalog) {
	for _, k := range sortedKeys(c.TokensPerTask) {
		f := c.TokensPerTask[k]
		at := "tokens_per_task." + k
		if !complexitySet[k] {
			v.add(at, "unknown complexity (want simple or complex)")
		}
		v.source(at, f.Source)
		v.positive(at, "value", f.Value)
	}
	for _, k := range Complexities {
		if _, ok := c.TokensPerTask[k]; !ok {
			v.add("tokens_per_task", "no %s entry", k)
		}
	}
	if f := c.ManagedPromptMsPerToken; f != nil {
		v.source("managed_prompt_ms_per_token", f.Source)
		v.nonNegative("managed_prompt_ms_per_token", "value", f.Value)
	}
	if f := c.ManagedPromptExponent; f != nil {
		v.source("managed_prompt_exponent", f.Source)
		if f.Value <= 0 || f.Value > 1 {
			v.add("managed_prompt_exponent", "value %g is outside (0, 1]: a prompt's prefill grows no faster than linearly in the term", f.Value)
		}
	}
}

// discounts checks the negotiated discounts.
func (v *validator) discounts(c *Catalog, managedIDs map[string]bool) {
	vendors := map[string]bool{}
	providers := map[string]bool{}
	for _, m := range c.Managed {
		vendors[m.Vendor] = true
		for _, p := range m.Providers {
			providers[p] = true
		}
	}
	for i, d := range c.Discounts {
		at := v.entry("discounts", i, "")
		v.source(at, d.Source)
		if d.Vendor == "" && d.Model == "" && d.Provider == "" {
			v.add(at, "names no vendor, model or provider to apply to")
		}
		if d.Model != "" && !managedIDs[d.Model] {
			v.add(at, "model %q is not a managed model", d.Model)
		}
		if d.Vendor != "" && !vendors[d.Vendor] {
			v.add(at, "vendor %q sells no managed model", d.Vendor)
		}
		if d.Provider != "" && !providers[d.Provider] {
			v.add(at, "provider %q sells no managed model", d.Provider)
		}
		if !(d.PercentOff > 0 && d.PercentOff <= 100) {
			v.add(at, "percent_off %g is not in (0, 100]", d.PercentOff)
		}
		if d.EffectiveFrom != "" {
			v.date(at, "effective_from", d.EffectiveFrom)
		}
		if d.EffectiveUntil != "" {
			v.date(at, "effective_until", d.EffectiveUntil)
		}
		if d.EffectiveFrom != "" && d.EffectiveUntil != "" && d.EffectiveUntil < d.EffectiveFrom {
			v.add(at, "effective_until %s is before effective_from %s", d.EffectiveUntil, d.EffectiveFrom)
		}
	}
}

// AgeDays returns the whole days from the catalog's as_of to on. A catalog
// whose as_of does not parse is as old as can be, so that it is always stale.
func (c *Catalog) AgeDays(on time.Time) int {
	asOf, err := time.Parse(time.DateOnly, c.AsOf)
	if err != nil {
		return math.MaxInt
	}
	day := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	return int(day.Sub(asOf).Hours() / 24)
}

// Stale reports whether the catalog is more than StaleAfterDays old on the
// given day.
func (c *Catalog) Stale(on time.Time) bool {
	return c.AgeDays(on) > StaleAfterDays
}

type validator struct {
	errs []error
	// origin is Catalog.Origin: where a price book wrote an entry.
	origin map[string]string
	// ttls are the cache lifetimes the providers sell.
	ttls map[string]bool
}

// entry names the i-th entry of a section, with the price book's
// "file:line:col" when a book wrote it.
func (v *validator) entry(section string, i int, id string) string {
	at := fmt.Sprintf("%s[%d]", section, i)
	if id != "" {
		at += " " + id
	}
	if o, ok := v.origin[fmt.Sprintf("%s[%d]", section, i)]; ok {
		at += " (" + o + ")"
	}
	return at
}

func (v *validator) add(at, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", at, fmt.Sprintf(format, args...)))
}

func (v *validator) source(at string, s Source) {
	if s.Source == "" {
		v.add(at, "no source")
	}
	v.date(at, "as_of", s.AsOf)
	if s.Estimate && s.Note == "" {
		v.add(at, "estimate without a note saying how it was derived")
	}
}

// architecture checks the figures an open model and an architecture share.
func (v *validator) architecture(at string, m OpenModel) {
	v.source(at, m.Source)
	v.nonEmpty(at, "hf_repo", m.HFRepo)
	v.positive(at, "params_b", m.ParamsB)
	v.positive(at, "active_params_b", m.ActiveParamsB)
	if m.ActiveParamsB > m.ParamsB {
		v.add(at, "active_params_b %g exceeds params_b %g", m.ActiveParamsB, m.ParamsB)
	}
	v.positive(at, "layers", float64(m.Layers))
	v.positive(at, "q_heads", float64(m.QHeads))
	v.positive(at, "kv_heads", float64(m.KVHeads))
	v.positive(at, "head_dim", float64(m.HeadDim))
	v.positive(at, "max_context", float64(m.MaxContext))
	if !weightDTypes[m.WeightsDType] {
		v.add(at, "weights_dtype %q is not one of bf16, fp8, mxfp4", m.WeightsDType)
	}
	v.positive(at, "weights_gb", m.WeightsGB)
	if c := m.CheckpointDType; c != "" && c != m.WeightsDType && (c != "bf16" || m.WeightsDType != "fp8") {
		v.add(at, "checkpoint_dtype %q cannot serve weights_dtype %q: a checkpoint holds the weights' own format, or BF16 that vLLM quantizes to FP8", c, m.WeightsDType)
	}
	for _, f := range []struct {
		name string
		x    int
	}{{"kv_bytes_per_token", m.KVBytesPerToken}, {"hidden_size", m.HiddenSize}, {"vocab_size", m.VocabSize},
		{"experts", m.Experts}, {"experts_per_token", m.ExpertsPerToken}, {"kv_lora_rank", m.KVLoraRank},
		{"qk_rope_head_dim", m.QKRopeHeadDim}, {"sliding_window", m.SlidingWindow}, {"sliding_window_layers", m.SlidingLayers}} {
		if f.x < 0 {
			v.add(at, "%s %d is negative", f.name, f.x)
		}
	}
	// A token routed to every expert runs a dense model: the sizer has
	// no routed experts to split off it.
	if (m.Experts > 0) != (m.ExpertsPerToken > 0) || (m.Experts > 0 && m.ExpertsPerToken >= m.Experts) {
		v.add(at, "experts %d and experts_per_token %d must both be set, the second below the first", m.Experts, m.ExpertsPerToken)
	}
	if m.Experts > 0 && m.ActiveParamsB >= m.ParamsB {
		v.add(at, "a mixture of experts activates fewer parameters than it has (active_params_b %g, params_b %g)", m.ActiveParamsB, m.ParamsB)
	}
	if m.ChunkedAttention && m.SlidingWindow == 0 {
		v.add(at, "chunked_attention needs its chunk in sliding_window and the chunked layers in sliding_window_layers")
	}
	if m.SlidingLayers > m.Layers || (m.SlidingLayers > 0) != (m.SlidingWindow > 0) {
		v.add(at, "sliding_window %d and sliding_window_layers %d must both be set, the layers at most layers %d", m.SlidingWindow, m.SlidingLayers, m.Layers)
	}
}

func (v *validator) date(at, field, s string) {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		v.add(at, "%s %q is not a YYYY-MM-DD date", field, s)
	}
}

func (v *validator) id(at, kind, id string, seen map[string]bool) {
	if id == "" {
		v.add(at, "empty %s id", kind)
		return
	}
	if seen[id] {
		v.add(at, "duplicate %s %q", kind, id)
	}
	seen[id] = true
}

func (v *validator) nonEmpty(at, field, s string) {
	if s == "" {
		v.add(at, "no %s", field)
	}
}

func (v *validator) nonNegative(at, field string, x float64) {
	if x < 0 || math.IsNaN(x) {
		v.add(at, "%s %g is negative", field, x)
	}
}

// MaxTokenPricePerM bounds a price per million tokens: about 16 times
// the dearest list price sold (o1-pro's output, 600 USD a million tokens,
// OpenAI's API pricing page, 2026-06). A book's figure above it is a unit
// slip (a price per token written per million, or cents as dollars),
// and its products overflowed a plan's costs to +Inf with no book named.
const MaxTokenPricePerM = 10_000

// MaxGPUHourUSD bounds a GPU-hour price: about 60 times the dearest AWS
// sells in the catalog (16.15 USD a GPU-hour), for the same reason.
const MaxGPUHourUSD = 1_000

// tokenPrice checks a price per million tokens: not negative, and within
// MaxTokenPricePerM.
func (v *validator) tokenPrice(at, field string, x float64) {
	v.nonNegative(at, field, x)
	if x > MaxTokenPricePerM {
		v.add(at, "%s %g is above any price per million tokens sold (the dearest is 600; the bound is %d): is it per token or in cents?", field, x, MaxTokenPricePerM)
	}
}

// gpuHourPrice checks a GPU-hour price: not negative, and within
// MaxGPUHourUSD.
func (v *validator) gpuHourPrice(at, field string, x float64) {
	v.nonNegative(at, field, x)
	if x > MaxGPUHourUSD {
		v.add(at, "%s %g is above any GPU-hour price AWS sells (the bound is %d): is it an instance's hour, or a month?", field, x, MaxGPUHourUSD)
	}
}

func (v *validator) positive(at, field string, x float64) {
	if !(x > 0) {
		v.add(at, "%s %g is not positive", field, x)
	}
}

func (v *validator) quality(at string, q map[string]Figure) {
	for _, k := range Complexities {
		if _, ok := q[k]; !ok {
			v.add(at, "no %s quality", k)
		}
	}
	for _, k := range sortedKeys(q) {
		f := q[k]
		qat := at + " quality." + k
		if !complexitySet[k] {
			v.add(qat, "unknown complexity (want simple or complex)")
		}
		v.source(qat, f.Source)
		if f.Value < 0 || f.Value > 1 || math.IsNaN(f.Value) {
			v.add(qat, "value %g is outside 0..1", f.Value)
		}
	}
}

// priceStructure checks a price's promotion end, cache writes, tiers and
// peak rates.
func (v *validator) priceStructure(at string, p Price) {
	if p.EffectiveUntil != "" {
		v.date(at, "effective_until", p.EffectiveUntil)
		if p.EffectiveUntil < p.EffectiveFrom {
			v.add(at, "effective_until %s is before effective_from %s", p.EffectiveUntil, p.EffectiveFrom)
		}
	}
	v.cacheWrites(at, p.CacheWritePerM)
	prev := 0
	for i, t := range p.Tiers {
		tat := fmt.Sprintf("%s tiers[%d]", at, i)
		if t.AbovePromptTokens <= prev {
			v.add(tat, "above_prompt_tokens %d must be positive and above the previous tier's", t.AbovePromptTokens)
		}
		prev = t.AbovePromptTokens
		v.tokenPrice(tat, "input_per_m", t.InputPerM)
		v.tokenPrice(tat, "output_per_m", t.OutputPerM)
		if t.CacheReadPerM != nil {
			v.tokenPrice(tat, "cache_read_per_m", *t.CacheReadPerM)
		}
		v.cacheWrites(tat, t.CacheWritePerM)
	}
	pk := p.Peak
	if pk == nil {
		return
	}
	pat := at + " peak"
	// Peak hours and prompt tiers together are not modelled: no vendor
	// combines them, and the order of the two would be a guess.
	if len(p.Tiers) > 0 {
		v.add(pat, "a price with prompt-length tiers cannot also have peak rates")
	}
	if len(pk.WindowsUTC) == 0 {
		v.add(pat, "no windows_utc")
	}
	for i, w := range pk.WindowsUTC {
		wat := fmt.Sprintf("%s windows_utc[%d]", pat, i)
		if len(w.Days) == 0 {
			v.add(wat, "no days")
		}
		for _, d := range w.Days {
			if !slices.Contains(weekdays, d) {
				v.add(wat, "day %q is not one of mon, tue, wed, thu, fri, sat, sun", d)
			}
		}
		from, err1 := clockMinutes(w.From)
		until, err2 := clockMinutes(w.Until)
		if err1 != nil || err2 != nil || from >= until {
			v.add(wat, "from %q and until %q must be HH:MM times, from before until", w.From, w.Until)
		}
	}
	v.tokenPrice(pat, "input_per_m", pk.InputPerM)
	v.tokenPrice(pat, "output_per_m", pk.OutputPerM)
	if pk.CacheReadPerM != nil {
		v.tokenPrice(pat, "cache_read_per_m", *pk.CacheReadPerM)
	}
	v.cacheWrites(pat, pk.CacheWritePerM)
}

func (v *validator) cacheWrites(at string, w map[string]float64) {
	for _, ttl := range sortedKeys(w) {
		if !v.ttls[ttl] {
			v.add(at, "cache_write_per_m lifetime %q is not one any provider sells (its prompt_cache ttls)", ttl)
		}
		v.tokenPrice(at, "cache_write_per_m."+ttl, w[ttl])
	}
}

func validTP(tp int) bool {
	for _, s := range TensorParallelSizes {
		if tp == s {
			return true
		}
	}
	return false
}

func set[T ~string](items ...T) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[string(s)] = true
	}
	return m
}

// rateLimit checks one provider's rate limit on a model: sourced, for a
// provider that sells it, positive limits, and a combined limit that says
// what it counts.
func (v *validator) rateLimit(at string, m ManagedModel, provider string, r RateLimit) {
	v.source(at, r.Source)
	if !slices.Contains(m.Providers, provider) {
		v.add(at, "names %q, which does not sell the model", provider)
	}
	v.nonEmpty(at, "tier", r.Tier)
	v.nonEmpty(at, "raise", r.Raise)
	for name, x := range map[string]*float64{"input_tpm": r.InputTPM, "output_tpm": r.OutputTPM, "tpm": r.TPM, "rpm": r.RPM} {
		if x != nil {
			v.positive(at, name, *x)
		}
	}
	switch {
	case r.TPM != nil && r.Counts != CountsInput && r.Counts != CountsInputOutput:
		v.add(at, "tpm needs counts %q or %q", CountsInput, CountsInputOutput)
	case r.TPM == nil && r.Counts != "":
		v.add(at, "counts %q without a tpm", r.Counts)
	}
	if r.OutputWeight < 0 {
		v.add(at, "output_weight %g is negative", r.OutputWeight)
	}
	if (r.QuotaName != "" || r.RegionalQuotaName != "") && r.ServiceCode == "" {
		v.add(at, "a quota name needs its service_code")
	}
}

// maxInput checks a managed model's input limits: whole, positive token
// counts, each sourced, by providers that sell the model.
func (v *validator) maxInput(at string, m ManagedModel) {
	check := func(field string, f Figure) {
		v.source(at+" "+field, f.Source)
		if f.Value <= 0 || f.Value != math.Trunc(f.Value) {
			v.add(at, "%s %g is not a whole number of tokens above 0", field, f.Value)
		}
	}
	if m.MaxInputTokens != nil {
		check("max_input_tokens", *m.MaxInputTokens)
	}
	if m.MaxOutputTokens != nil {
		check("max_output_tokens", *m.MaxOutputTokens)
	}
	for _, p := range slices.Sorted(maps.Keys(m.MaxInputByProvider)) {
		check("max_input_tokens_by_provider."+p, m.MaxInputByProvider[p])
		if !slices.Contains(m.Providers, p) {
			v.add(at, "max_input_tokens_by_provider names %q, which does not sell the model", p)
		}
	}
}
