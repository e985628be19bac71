package modelcatalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

//go:embed catalog.json
var embedded []byte

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog, parsed once. It panics if the
// embedded file is invalid, which the package's tests rule out.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = Parse(embedded) })
	if defaultErr != nil {
		panic(fmt.Sprintf("embedded catalog: %v", defaultErr))
	}
	return defaultCat
}

// Parse decodes a catalog from JSON. Unknown fields are errors, so that a
// misspelt key in a private price book is not silently ignored.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("parse catalog: trailing data after the catalog object")
	}
	return &c, nil
}

// ManagedModel returns the managed model with the id.
func (c *Catalog) ManagedModel(id string) (*ManagedModel, bool) {
	for i := range c.Managed {
		if c.Managed[i].ID == id {
			return &c.Managed[i], true
		}
	}
	return nil, false
}

// OpenModel returns the open-weight model with the id.
func (c *Catalog) OpenModel(id string) (*OpenModel, bool) {
	for i := range c.OpenModels {
		if c.OpenModels[i].ID == id {
			return &c.OpenModels[i], true
		}
	}
	return nil, false
}

// GPU returns the GPU with the id.
func (c *Catalog) GPU(id string) (*GPU, bool) {
	for i := range c.GPUs {
		if c.GPUs[i].ID == id {
			return &c.GPUs[i], true
		}
	}
	return nil, false
}

// ManagedIDs lists the managed model ids, sorted.
func (c *Catalog) ManagedIDs() []string {
	ids := make([]string, 0, len(c.Managed))
	for _, m := range c.Managed {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids
}

// OpenModelIDs lists the open-weight model ids, sorted.
func (c *Catalog) OpenModelIDs() []string {
	ids := make([]string, 0, len(c.OpenModels))
	for _, m := range c.OpenModels {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids
}

// GPUIDs lists the GPU ids, sorted.
func (c *Catalog) GPUIDs() []string {
	ids := make([]string, 0, len(c.GPUs))
	for _, g := range c.GPUs {
		ids = append(ids, g.ID)
	}
	sort.Strings(ids)
	return ids
}

// ProviderIDs lists the ids of the catalog's providers, sorted: what a
// spec's managed.provider and compliance.allowed_providers may name.
func (c *Catalog) ProviderIDs() []string {
	out := make([]string, 0, len(c.Providers))
	for _, p := range c.Providers {
		out = append(out, p.ID)
	}
	sort.Strings(out)
	return out
}

// InstancesFor lists the instance types carrying the GPU in the region,
// fewest GPUs first.
func (c *Catalog) InstancesFor(gpu, region string) []Instance {
	var out []Instance
	for _, in := range c.Instances {
		if in.GPU == gpu && in.Region == region {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GPUs < out[j].GPUs })
	return out
}

// LargestInstance returns the instance type that carries the most of the
// GPU (the first listed of those that carry as many), false when none
// does: a deployment of more GPUs than it holds spans several of it,
// joined by its network.
func (c *Catalog) LargestInstance(gpu string) (Instance, bool) {
	var out Instance
	found := false
	for _, in := range c.Instances {
		if in.GPU == gpu && (!found || in.GPUs > out.GPUs) {
			out, found = in, true
		}
	}
	return out, found
}

// ThroughputFor returns the catalog's throughput entries for the model on
// the GPU, smallest tensor-parallel size first.
func (c *Catalog) ThroughputFor(model, gpu string) []Throughput {
	var out []Throughput
	for _, t := range c.Throughput {
		if t.Model == model && t.GPU == gpu {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TensorParallel < out[j].TensorParallel })
	return out
}

// PriceOn returns the price in effect on date (YYYY-MM-DD): the newest
// whose EffectiveFrom is on or before it, unless that one's EffectiveUntil
// has passed — a promotion that ended with no price after it leaves the
// model unpriced rather than reviving an older price.
func (m *ManagedModel) PriceOn(date string) (Price, bool) {
	var best Price
	found := false
	for _, p := range m.Prices {
		if p.EffectiveFrom <= date && (!found || p.EffectiveFrom > best.EffectiveFrom) {
			best, found = p, true
		}
	}
	if found && best.EffectiveUntil != "" && best.EffectiveUntil < date {
		return Price{}, false
	}
	return best, found
}

// KVBytes returns the model's KV cache per token at BF16: the latent
// vector and rotary key under multi-head latent attention, keys and values
// of every KV head otherwise.
func (m *OpenModel) KVBytes() int {
	if m.KVBytesPerToken > 0 {
		return m.KVBytesPerToken
	}
	if m.KVLoraRank > 0 {
		return m.Layers * (m.KVLoraRank + m.QKRopeHeadDim) * 2
	}
	return 2 * m.Layers * m.KVHeads * m.HeadDim * 2
}

// KVBytesAt is the KV cache of one token across the GPUs of a
// tensor-parallel group of tp, as vLLM lays it out: grouped-query
// attention splits the KV heads among the ranks, each rank holding at
// least one, so a head is stored tp / kv_heads times where tp exceeds the
// heads (vLLM's ModelConfig.get_num_kv_heads: max(1, kv_heads / tp));
// latent attention (MLA) keeps the whole latent on every rank. A
// qwen3-coder-30b-a3b (4 KV heads) at TP 8 holds every token twice: sized
// on KVBytes, --max-num-seqs admitted 511 sequences to a cache that
// finishes 272.
func (m *OpenModel) KVBytesAt(tp int) int {
	tp = max(tp, 1)
	if m.KVLoraRank > 0 {
		return m.KVBytes() * tp
	}
	if m.KVHeads <= 0 || tp <= m.KVHeads {
		return m.KVBytes()
	}
	perRank := (m.KVHeads + tp - 1) / tp
	return m.KVBytes() * perRank * tp / m.KVHeads
}

// WindowFit is how a prompt sits in a model's context window.
type WindowFit int

// How a prompt sits in a model's context window.
const (
	// WindowFits leaves room for an answer (or the window is unknown).
	WindowFits WindowFit = iota
	// WindowFilled is a prompt of the whole window: vLLM refuses a
	// request whose prompt and max_tokens exceed --max-model-len, so not
	// one output token fits after it.
	WindowFilled
	// WindowExceeded is a prompt longer than the window.
	WindowExceeded
)

// Window says how a prompt of tokens sits in the model's context window:
// the one rule the spec's warning and the sizer both apply.
func (m *OpenModel) Window(tokens int) WindowFit {
	switch {
	case m.MaxContext <= 0 || tokens < m.MaxContext:
		return WindowFits
	case tokens == m.MaxContext:
		return WindowFilled
	}
	return WindowExceeded
}

// Answer is the answer a prompt of tokens carries at outPerIn output
// tokens an input token (the team's token mix: (1 − input_share) /
// input_share), and whether prompt and answer fit the model's window
// together: vLLM refuses a request whose prompt and max_tokens exceed
// --max-model-len, so a mix whose answers do not fit is served only by
// more, shorter-answered requests, each prefilling its whole prompt
// again: more input than the team sends. The one rule the spec's warning
// and the sizer both apply.
func (m *OpenModel) Answer(tokens int, outPerIn float64) (answer int, fits bool) {
	answer = max(1, int(math.Round(float64(tokens)*outPerIn)))
	return answer, m.MaxContext <= 0 || tokens+answer <= m.MaxContext
}

// Architecture returns the open model or architecture whose id or Hugging
// Face repository (any case) is ref.
func (c *Catalog) Architecture(ref string) (*OpenModel, bool) {
	repo := trimRepo(ref)
	for _, list := range [][]OpenModel{c.OpenModels, c.Architectures} {
		for i := range list {
			if list[i].ID == ref || strings.EqualFold(list[i].HFRepo, repo) {
				return &list[i], true
			}
		}
	}
	for _, list := range [][]OpenModel{c.OpenModels, c.Architectures} {
		for i := range list {
			for _, alias := range list[i].SameArchitecture {
				if strings.EqualFold(alias, repo) {
					return &list[i], true
				}
			}
		}
	}
	return nil, false
}

// ArchitectureIDs lists the ids of the open models and architectures, sorted.
func (c *Catalog) ArchitectureIDs() []string {
	ids := make([]string, 0, len(c.OpenModels)+len(c.Architectures))
	for _, list := range [][]OpenModel{c.OpenModels, c.Architectures} {
		for _, m := range list {
			ids = append(ids, m.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// sortedKeys returns a map's keys in order, so that iteration (and the
// errors it reports) is deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ManagedTTFT is m's p95 time to first token on the provider's route for a
// prompt of uncachedTokens tokens the provider has not cached: the
// short-prompt figure plus ManagedPromptMsPerToken for each such token. ok
// is false when the short-prompt figure is unknown; estimate is true when
// either figure is an estimate.
func (c *Catalog) ManagedTTFT(m *ManagedModel, provider string, uncachedTokens float64) (ms float64, estimate, ok bool) {
	base, ok := m.ShortPromptTTFT(provider)
	if !ok {
		return 0, false, false
	}
	ms, estimate = base.Value, base.Estimate
	f := c.ManagedPromptMsPerToken
	if m.PromptMsPerToken != nil {
		f = m.PromptMsPerToken
	}
	if f != nil && uncachedTokens > 0 {
		ms += c.promptMs(f.Value, uncachedTokens)
		estimate = estimate || f.Estimate
	}
	return ms, estimate, true
}

// PromptLinearTokens is the longest uncached prompt the per-token prompt
// figures were measured at (managed_prompt_ms_per_token's sources: a
// 50,000-token Claude prefix): beyond it the term grows as
// ManagedPromptExponent says.
const PromptLinearTokens = 50_000

// promptMs is what n uncached prompt tokens add to a managed model's
// time to first token at rate ms a token: linear to PromptLinearTokens,
// then as (n / PromptLinearTokens)^ManagedPromptExponent. Measured up to
// 1M tokens, providers' prefill is sub-linear: the linear rate put a
// 200,000-token prompt to GPT-5.4 mini at 48 s, where its measured floor
// at 250,000 is 3.4 s.
func (c *Catalog) promptMs(rate, n float64) float64 {
	if n <= PromptLinearTokens || c.ManagedPromptExponent == nil {
		return rate * n
	}
	return rate * PromptLinearTokens * math.Pow(n/PromptLinearTokens, c.ManagedPromptExponent.Value)
}

// MaxInput is the most input tokens one request to m through provider may
// carry, and whether the catalog knows it: the provider's own figure, else
// the vendor API's (a provider that serves the model serves its window
// unless the catalog says otherwise).
func (m *ManagedModel) MaxInput(provider string) (int, bool) {
	if f, ok := m.MaxInputByProvider[provider]; ok {
		return int(f.Value), true
	}
	if m.MaxInputTokens != nil {
		return int(m.MaxInputTokens.Value), true
	}
	return 0, false
}

// Rate is the GPU-hour price instances of in run at under pricing in a
// fleet whose first base instances run on demand (a spot fleet's
// on_demand_base), and the most instances that price holds (0: no cap).
// A type the catalog prices on demand but not as spot still serves a
// spot fleet whose base covers every instance, all of them on demand:
// cap is then the base. false: the catalog prices it neither way.
func (in *Instance) Rate(pricing string, base int) (p PriceRange, cap int, ok bool) {
	if p, ok := in.GPUHourUSD[pricing]; ok {
		return p, 0, true
	}
	if pricing == "spot" && base > 0 {
		if p, ok := in.GPUHourUSD["on_demand"]; ok {
			return p, base, true
		}
	}
	return PriceRange{}, 0, false
}
