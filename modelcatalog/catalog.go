// Package modelcatalog holds the embedded, dated catalog of managed models and
// their prices, open-weight models and their architecture numbers, GPUs, AWS
// instance types and GPU-hour prices, and measured serving throughput. Every
// figure carries its source and the date it was true on.
package modelcatalog

import "strings"

// Source says where a figure comes from and when it was true.
type Source struct {
	Source string `json:"source"`
	AsOf   string `json:"as_of"` // YYYY-MM-DD
	// Estimate marks a figure no primary source confirms.
	Estimate bool   `json:"estimate,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Catalog is the whole catalog.
type Catalog struct {
	// AsOf is the date of the catalog's newest review (YYYY-MM-DD).
	AsOf       string         `json:"as_of"`
	Managed    []ManagedModel `json:"managed"`
	OpenModels []OpenModel    `json:"open_models"`
	// Architectures are further open-weight models the performance model
	// (inference/perf, costgate perf) can size. They carry no quality
	// scores, so a plan never chooses them; ids are unique across
	// open_models and architectures.
	Architectures []OpenModel  `json:"architectures,omitempty"`
	GPUs          []GPU        `json:"gpus"`
	Instances     []Instance   `json:"instances"`
	Throughput    []Throughput `json:"throughput"`
	// FixedCosts are the small infrastructure costs of each architecture
	// (load balancer, storage, secrets).
	FixedCosts []FixedCost `json:"line_items"`
	// TokensPerTask converts tokens to tasks for the quality-gap cost, per
	// complexity ("simple", "complex").
	TokensPerTask map[string]Figure `json:"tokens_per_task"`
	// Providers are the routes managed models are sold through: the
	// vendors' own APIs and the clouds that resell them (providers.go).
	// A price book's entry replaces the catalog's with the same id.
	Providers []Provider `json:"providers,omitempty"`
	// Discounts are negotiated discounts off list prices; a price book adds
	// them (the embedded catalog has none).
	Discounts []Discount `json:"discounts,omitempty"`
	// ManagedPromptMsPerToken is what each uncached prompt token adds to a
	// managed API's p95 time to first token (its prefill), beyond the
	// short-prompt figure a model's ttft_ms gives; nil in a price book that
	// does not change it.
	ManagedPromptMsPerToken *Figure `json:"managed_prompt_ms_per_token,omitempty"`
	// ManagedPromptExponent is how the prompt term grows beyond the
	// PromptLinearTokens its per-token figures were measured at: as
	// (n / PromptLinearTokens) to this power (providers' prefill is
	// sub-linear in long prompts); nil keeps it linear.
	ManagedPromptExponent *Figure `json:"managed_prompt_exponent,omitempty"`

	// BookWarnings are the figures of the price book merged by MergeBook
	// that are valid but likely a mistake (a zero price, a 100 % discount,
	// a price ten times off the embedded catalog's). Plans carry them.
	BookWarnings []BookWarning `json:"-"`
	// EntryPos is where each object and array of a book from ParseBook
	// starts ("managed[2]" → "14:5", "managed[2].prices[0]" → "16:7").
	EntryPos map[string]string `json:"-"`
	// File and Raw are the name and text of a book from ParseBook: Merge
	// overlays the fields Raw writes, not the zero values of those it
	// leaves out.
	File string `json:"-"`
	Raw  []byte `json:"-"`
	// Origin maps each entry of a merged catalog that a price book wrote
	// ("managed[12]") to where the book wrote it ("prices/acme.json:4:5"),
	// for Validate's messages.
	Origin map[string]string `json:"-"`
	// BookProblems are what Merge found wrong in the price book that only
	// the merge shows (a figure changed without its own source); Validate
	// reports them.
	BookProblems []string `json:"-"`
	// Deployment is what ForDeployment resolved the catalog for (the zero
	// Deployment for one it never resolved): the cost model reads there
	// what no line item's When says, the Hugging Face token's secret and
	// a given VPC.
	Deployment Deployment `json:"-"`
}

// Discount is a negotiated percentage off list prices. Vendor, Model and
// Provider narrow what it applies to; each one set must match. Provider
// empty means bought from the vendor directly; a discount on Bedrock
// billing names ProviderBedrock.
type Discount struct {
	Vendor   string `json:"vendor,omitempty"`
	Model    string `json:"model,omitempty"`
	Provider string `json:"provider,omitempty"`
	// PercentOff is taken off every price line, 0 < PercentOff ≤ 100.
	PercentOff float64 `json:"percent_off"`
	// EffectiveFrom is the first day it applies; empty means since always.
	EffectiveFrom string `json:"effective_from,omitempty"`
	// EffectiveUntil is the last day it applies; empty means open-ended.
	EffectiveUntil string `json:"effective_until,omitempty"`
	Source
}

// Figure is one sourced number.
type Figure struct {
	Value float64 `json:"value"`
	Source
}

// ManagedModel is a model sold per token by its vendor or a cloud provider.
type ManagedModel struct {
	ID     string `json:"id"`     // catalog id, e.g. "claude-sonnet-4.6"
	Name   string `json:"name"`   // display name
	Vendor string `json:"vendor"` // anthropic | openai | google | deepseek
	// APIID is the id the vendor's API takes.
	APIID string `json:"api_id"`
	// FormerAPIIDs are ids the vendor's API took before and retired: the
	// router never calls them, and usage exports of that time still name
	// the model by them.
	FormerAPIIDs []string `json:"former_api_ids,omitempty"`
	// Providers that sell the model: ids of the catalog's providers, the
	// vendor's own API and, e.g., Amazon Bedrock.
	Providers []string `json:"providers"`
	// BedrockID is the Bedrock model or inference-profile id; empty when
	// Bedrock does not serve the model. For the Claude models it is the
	// global cross-region profile, which bills the vendor's list price.
	BedrockID string `json:"bedrock_id,omitempty"`
	// BedrockRegionalIDs are the geography-bound (regional) inference
	// profiles, billed at the catalog's Bedrock regional surcharge.
	BedrockRegionalIDs []string `json:"bedrock_regional_ids,omitempty"`
	Status             string   `json:"status"` // latest | active | legacy | retired
	Successor          string   `json:"successor,omitempty"`
	// Prices are effective-dated; the plan uses the newest whose
	// EffectiveFrom is on or before the plan's date.
	Prices []Price `json:"prices"`
	// Quality is the share of tasks completed at the first attempt, per
	// complexity ("simple", "complex"), 0..1.
	Quality map[string]Figure `json:"quality"`
	// TTFTMs is the p95 time to first token of the vendor's own API for a
	// short prompt (what probes send); TTFTByProvider overrides it for a
	// route where it differs (e.g. ProviderBedrock). A workload's prompt adds
	// Catalog.ManagedPromptMsPerToken for each uncached token (TTFT).
	TTFTMs         *Figure           `json:"ttft_ms,omitempty"`
	TTFTByProvider map[string]Figure `json:"ttft_ms_by_provider,omitempty"`
	// PromptMsPerToken is the model's own prompt term, where it was
	// measured, in place of Catalog.ManagedPromptMsPerToken.
	PromptMsPerToken *Figure `json:"prompt_ms_per_token,omitempty"`
	// MaxInputTokens is the most input one request may carry on the
	// vendor's own API (its context window less nothing: a prompt above it
	// is refused); MaxInputByProvider overrides it for a route where it
	// differs. Nil when the catalog does not know it.
	MaxInputTokens     *Figure           `json:"max_input_tokens,omitempty"`
	MaxInputByProvider map[string]Figure `json:"max_input_tokens_by_provider,omitempty"`
	// WindowHoldsOutput is true when MaxInputTokens is a window the
	// request's output shares (Claude, Gemini, DeepSeek: the prompt and
	// max_tokens together may not exceed it), false when it bounds the
	// input alone (OpenAI publishes its max input beside the window).
	WindowHoldsOutput bool `json:"window_holds_output,omitempty"`
	// MaxOutputTokens is the most output one request may ask for (its
	// max_tokens); nil when the catalog does not know it.
	MaxOutputTokens *Figure `json:"max_output_tokens,omitempty"`
	// RateLimits are the rates each provider accepts for the model from
	// one account by default, by provider id (RateLimit).
	RateLimits map[string]RateLimit `json:"rate_limits,omitempty"`
	Source
}

// RateLimit is what a provider accepts of one model per minute from one
// organisation or account before it answers HTTP 429: for a vendor's own
// API its highest self-serve tier, for Amazon Bedrock the account's
// default Service Quotas quota. A limit left out is unknown, never none.
type RateLimit struct {
	// Tier names the tier the figures are for ("Scale", "Tier 5"), or
	// "default" for a quota.
	Tier string `json:"tier"`
	// InputTPM and OutputTPM are separate limits on input and output
	// tokens per minute (Anthropic).
	InputTPM  *float64 `json:"input_tpm,omitempty"`
	OutputTPM *float64 `json:"output_tpm,omitempty"`
	// TPM is one limit on the tokens Counts names, counted together
	// (OpenAI: input and output; Google: input; Bedrock: input and
	// output, the output weighted by OutputWeight).
	TPM *float64 `json:"tpm,omitempty"`
	// Counts is what TPM counts: "input" or "input_output".
	Counts string `json:"counts,omitempty"`
	// OutputWeight is how many tokens of TPM one output token takes
	// (Bedrock's burndown rate for Claude: 5); 0 means 1.
	OutputWeight float64 `json:"output_weight,omitempty"`
	// CacheReadsCount is true when tokens read from the prompt cache count
	// toward the input limit (they do not for current Claude models on
	// Anthropic's API).
	CacheReadsCount bool `json:"cache_reads_count"`
	// QuotaName is the Service Quotas quota of the route's global
	// cross-Region profile (Bedrock), RegionalQuotaName that of its
	// geography-bound profiles; ServiceCode their service ("bedrock").
	QuotaName         string `json:"quota_name,omitempty"`
	RegionalQuotaName string `json:"regional_quota_name,omitempty"`
	ServiceCode       string `json:"service_code,omitempty"`
	// RPM is the limit on requests a minute, beside the token limits
	// (a team of many short requests reaches it first); nil when unknown
	// or none (Bedrock's quotas count tokens only).
	RPM *float64 `json:"rpm,omitempty"`
	// Raise says how to get more: the tier or form that lifts the limit.
	Raise string `json:"raise"`
	Source
}

// Counted limits.
const (
	CountsInput       = "input"
	CountsInputOutput = "input_output"
)

// Known is true when any limit is known.
func (r RateLimit) Known() bool { return r.TokensKnown() || r.RPM != nil }

// TokensKnown is true when a limit on tokens is known.
func (r RateLimit) TokensKnown() bool { return r.InputTPM != nil || r.OutputTPM != nil || r.TPM != nil }

// Weight is the output weight of TPM: OutputWeight, or 1.
func (r RateLimit) Weight() float64 {
	if r.OutputWeight > 0 {
		return r.OutputWeight
	}
	return 1
}

// RateLimit is the provider's limit on the model, and whether the catalog
// has an entry for it.
func (m *ManagedModel) RateLimit(provider string) (RateLimit, bool) {
	r, ok := m.RateLimits[provider]
	return r, ok
}

// ShortPromptTTFT is the p95 time to first token of a short prompt on the
// provider's route, and whether it is known.
func (m *ManagedModel) ShortPromptTTFT(provider string) (Figure, bool) {
	if f, ok := m.TTFTByProvider[provider]; ok {
		return f, true
	}
	if m.TTFTMs == nil {
		return Figure{}, false
	}
	return *m.TTFTMs, true
}

// Price is a managed model's per-million-token price from a date on. Its
// top-level rates are the base tier and, where the vendor bills peak hours
// higher, the off-peak rates.
type Price struct {
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD
	// EffectiveUntil is the last day of a time-limited price (a
	// promotion); empty means until the next price's EffectiveFrom.
	EffectiveUntil string  `json:"effective_until,omitempty"`
	InputPerM      float64 `json:"input_per_m"`
	OutputPerM     float64 `json:"output_per_m"`
	// CacheReadPerM is nil when the vendor publishes no cache-read price.
	CacheReadPerM *float64 `json:"cache_read_per_m,omitempty"`
	// CacheWritePerM is the price of input written to the prompt cache,
	// by cache lifetime: "5m", "1h" (Anthropic), "30m", "12h" (OpenAI).
	// Absent when the vendor charges no write premium (implicit or
	// automatic caching) or publishes none: writes then bill as input.
	CacheWritePerM map[string]float64 `json:"cache_write_per_m,omitempty"`
	// Tiers bill a whole request at higher rates once its prompt is longer
	// than a threshold, lowest threshold first.
	Tiers []PriceTier `json:"tiers,omitempty"`
	// Peak holds the rates billed inside the vendor's peak windows.
	Peak *PeakRates `json:"peak,omitempty"`
	Source
}

// PriceTier is a prompt-length tier: a request whose prompt exceeds
// AbovePromptTokens is billed at these rates on every token.
type PriceTier struct {
	AbovePromptTokens int                `json:"above_prompt_tokens"`
	InputPerM         float64            `json:"input_per_m"`
	OutputPerM        float64            `json:"output_per_m"`
	CacheReadPerM     *float64           `json:"cache_read_per_m,omitempty"`
	CacheWritePerM    map[string]float64 `json:"cache_write_per_m,omitempty"`
	Note              string             `json:"note,omitempty"`
}

// PeakRates are the rates billed inside the peak windows; the price's own
// rates are the off-peak ones.
type PeakRates struct {
	// WindowsUTC are the peak windows, in UTC.
	WindowsUTC     []PeakWindow       `json:"windows_utc"`
	InputPerM      float64            `json:"input_per_m"`
	OutputPerM     float64            `json:"output_per_m"`
	CacheReadPerM  *float64           `json:"cache_read_per_m,omitempty"`
	CacheWritePerM map[string]float64 `json:"cache_write_per_m,omitempty"`
}

// PeakWindow is a daily time window on the given weekdays.
type PeakWindow struct {
	// Days are lowercase three-letter weekdays: "mon" … "sun".
	Days []string `json:"days"`
	// From and Until are "HH:MM"; Until is exclusive and may be "24:00".
	From  string `json:"from"`
	Until string `json:"until"`
}

// OpenModel is an open-weight model that can be self-hosted; a spec's model
// blocks decode into the same shape.
type OpenModel struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	HFRepo string `json:"hf_repo"` // Hugging Face repository vLLM loads
	// SameArchitecture lists other Hugging Face repositories whose
	// config.json matches this one's (the base model, the earlier dated
	// release, the old repository name), so that a lookup by any of them
	// finds these figures. A release whose config differs (a longer
	// context, other weights) is its own entry.
	SameArchitecture []string `json:"same_architecture,omitempty"`
	// Gated models need a Hugging Face token to download.
	Gated         bool    `json:"gated"`
	ParamsB       float64 `json:"params_b"`        // total parameters, billions
	ActiveParamsB float64 `json:"active_params_b"` // active per token (MoE), billions
	Layers        int     `json:"layers"`
	QHeads        int     `json:"q_heads"`
	KVHeads       int     `json:"kv_heads"`
	HeadDim       int     `json:"head_dim"`
	MaxContext    int     `json:"max_context"`
	// WeightsDType is how the weights are served: "bf16", "fp8" or "mxfp4".
	WeightsDType string `json:"weights_dtype"`
	// WeightsGB is the resident size of the weights at WeightsDType, in GB (1e9 bytes).
	WeightsGB float64 `json:"weights_gb"`
	// CheckpointDType is the format hf_repo's files hold, where it is not
	// the one its name states or, for FP8 weights without one, BF16
	// (CheckpointFormat): "fp8" for a repository that ships FP8 without
	// saying so in its name, as DeepSeek's do.
	CheckpointDType string `json:"checkpoint_dtype,omitempty"`
	// KVBytesPerToken is the KV cache per token at BF16; 0 means derive it
	// as 2 × layers × kv_heads × head_dim × 2 bytes.
	KVBytesPerToken int `json:"kv_bytes_per_token,omitempty"`
	// HiddenSize is the residual width (config.json hidden_size); 0 means
	// q_heads × head_dim. The tensor-parallel all-reduce moves it.
	HiddenSize int `json:"hidden_size,omitempty"`
	// VocabSize is the vocabulary (config.json vocab_size); 0 is unknown.
	VocabSize int `json:"vocab_size,omitempty"`
	// Experts and ExpertsPerToken describe a mixture-of-experts model: the
	// routed experts per layer and how many each token uses (config.json
	// num_experts / n_routed_experts / num_local_experts and
	// num_experts_per_tok). 0 means dense.
	Experts         int `json:"experts,omitempty"`
	ExpertsPerToken int `json:"experts_per_token,omitempty"`
	// SharedExperts are the experts every token uses on top of its routed
	// ones, per MoE layer (config.json n_shared_experts; Llama 4 has one);
	// their parameters count in ActiveParamsB. DenseLayers are the layers
	// with a dense MLP instead of experts (first_k_dense_replace, or the
	// layers interleave_moe_layer_step skips). Both describe how the
	// parameters split, and the performance model charges a MoE layer a
	// shared expert's MLP kernels only where SharedExperts is above 0;
	// 0 is none.
	SharedExperts int `json:"shared_experts,omitempty"`
	DenseLayers   int `json:"dense_layers,omitempty"`
	// KVLoraRank and QKRopeHeadDim describe multi-head latent attention
	// (DeepSeek-V3 and its kin): the KV cache holds kv_lora_rank +
	// qk_rope_head_dim values a token a layer, the same on every
	// tensor-parallel rank. 0 means ordinary (grouped-query) attention.
	KVLoraRank    int `json:"kv_lora_rank,omitempty"`
	QKRopeHeadDim int `json:"qk_rope_head_dim,omitempty"`
	// SlidingWindow is the attention window of the SlidingLayers layers
	// that use one (gpt-oss alternates windowed and full layers); their KV
	// cache holds at most SlidingWindow tokens a sequence.
	SlidingWindow int `json:"sliding_window,omitempty"`
	SlidingLayers int `json:"sliding_window_layers,omitempty"`
	// ChunkedAttention marks windowed layers that attend within fixed
	// chunks of SlidingWindow tokens (Llama 4's attention_chunk_size), not
	// a window that slides with each token (gpt-oss). Engines differ on
	// it: TensorRT-LLM's decode kernels on Hopper read such layers' whole
	// context (inference/perf, step).
	ChunkedAttention bool `json:"chunked_attention,omitempty"`
	// Quality per complexity ("simple", "complex"), 0..1, on the same scale
	// as the managed models'.
	Quality map[string]Figure `json:"quality"`
	Source
}

// GPU is an accelerator model.
type GPU struct {
	ID       string  `json:"id"` // "h100"
	Name     string  `json:"name"`
	MemoryGB float64 `json:"memory_gb"`
	// BF16TFLOPS, FP8TFLOPS and FP4TFLOPS are the dense tensor-core
	// peaks, for the compute roofline of prefill; 0 means the GPU has no
	// such tensor cores (FP8 before Ada, FP4 before Blackwell) or the
	// figure is unknown.
	BF16TFLOPS float64 `json:"bf16_dense_tflops,omitempty"`
	FP8TFLOPS  float64 `json:"fp8_dense_tflops,omitempty"`
	FP4TFLOPS  float64 `json:"fp4_dense_tflops,omitempty"`
	// MemoryBandwidthGBs is the peak memory bandwidth in GB/s, the roofline
	// of decode.
	MemoryBandwidthGBs float64 `json:"memory_bandwidth_gbs,omitempty"`
	// Generation is the architecture: "ampere", "ada", "hopper" or
	// "blackwell"; the performance model's efficiency factors are fitted
	// per generation.
	Generation string `json:"generation,omitempty"`
	// Interconnect is how the GPUs of one instance talk: "nvlink" or
	// "pcie"; InterconnectGBs is the bandwidth one GPU sends at, one way,
	// in GB/s. Tensor parallelism over PCIe pays for every all-reduce.
	Interconnect    string  `json:"interconnect,omitempty"`
	InterconnectGBs float64 `json:"interconnect_gbs,omitempty"`
	// UsableMemory is the memory CUDA reports for one GPU, in GiB
	// (torch.cuda.mem_get_info's total, vLLM's total_gpu_memory): the
	// board's memory less ECC and the driver's reservation, what an
	// engine's memory fraction (--gpu-memory-utilization) is taken of.
	// nil is unknown: UsableGiB derives it from MemoryGB.
	UsableMemory *Figure `json:"usable_memory_gib,omitempty"`
	Source
}

// usableShare is the share of MemoryGB, read as GiB, that UsableGiB takes
// for a GPU whose CUDA total is not known: the least the catalog's
// measured parts show (L4's 22.03 GiB of 24; HBM parts keep about 0.99
// of theirs, GDDR6 boards with ECC on 0.92-0.93).
const usableShare = 0.918

// UsableGiB is the memory CUDA reports for one GPU, in GiB: the catalog's
// measured figure, or for a GPU without one MemoryGB read as GiB times
// usableShare (an estimate on the conservative side). The performance
// model and the sizer both lay the memory out in it.
func (g *GPU) UsableGiB() float64 {
	if g.UsableMemory != nil && g.UsableMemory.Value > 0 {
		return g.UsableMemory.Value
	}
	return g.MemoryGB * usableShare
}

// Instance is an AWS instance type carrying GPUs.
type Instance struct {
	Type   string `json:"type"` // "p5.48xlarge"
	GPU    string `json:"gpu"`
	GPUs   int    `json:"gpus"`
	Region string `json:"region"`
	// VCPUs and MemoryGiB are the host's; 0 is unknown.
	VCPUs     int     `json:"vcpus,omitempty"`
	MemoryGiB float64 `json:"memory_gib,omitempty"`
	// GPUHourUSD is the price of one GPU-hour per pricing model
	// ("on_demand", "reserved", "spot", "capacity_block"); a missing key is unknown.
	GPUHourUSD map[string]PriceRange `json:"gpu_hour_usd"`
	// Quotas name the EC2 Service Quotas (in vCPUs) its family runs
	// under; empty names are unknown.
	Quotas InstanceQuotas `json:"quotas"`
	// NetworkGbps is the instance's network to the other instances of a
	// deployment that spans several: Gbit/s each way, all its network
	// cards together, as AWS's instance-type specifications give it. The
	// performance model (inference/perf) charges it to the collectives
	// that cross instances. nil is unknown; the embedded catalog gives it
	// for every type of more than one GPU.
	NetworkGbps *Figure `json:"network_gbps,omitempty"`
	Source
}

// InstanceQuotas are the names of an instance family's vCPU quotas in
// Service Quotas (service code "ec2"): P instances, or G and VT instances.
type InstanceQuotas struct {
	// OnDemand is the running on-demand quota, which reserved instances
	// and Savings Plans use too.
	OnDemand string `json:"on_demand"`
	// Spot is the spot requests quota.
	Spot string `json:"spot"`
	Source
}

// QuotaName is the quota an instance bought with pricing (a spec
// self_hosted.pricing) runs under; "" when a capacity block (its own
// reservation, outside the running quotas) or unknown.
func (in Instance) QuotaName(pricing string) string {
	switch pricing {
	case "spot":
		return in.Quotas.Spot
	case "capacity_block":
		return ""
	}
	return in.Quotas.OnDemand
}

// PriceRange is a sourced price that may be a range.
type PriceRange struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	Source
}

// Throughput is a measured (or derived) serving rate of one replica.
type Throughput struct {
	Model          string `json:"model"`
	GPU            string `json:"gpu"`
	TensorParallel int    `json:"tensor_parallel"`
	// PrefillTokS and DecodeTokS are the replica's input and output token
	// rates at the stated latency.
	PrefillTokS float64 `json:"prefill_tok_s"`
	DecodeTokS  float64 `json:"decode_tok_s"`
	// TTFTMs is the p95 time to first token at that load.
	TTFTMs      float64 `json:"ttft_ms"`
	Concurrency int     `json:"concurrency"`
	// InputTokens and OutputTokens are the mean request shape of the
	// benchmark. PrefillTokS and DecodeTokS were measured together at that
	// shape, so they are simultaneous rates, not independent capacities:
	// PrefillTokS / DecodeTokS equals InputTokens / OutputTokens.
	InputTokens  int `json:"input_tokens,omitempty"`
	OutputTokens int `json:"output_tokens,omitempty"`
	// DerivedFrom names the measured model a figure was scaled from, when
	// none was published for this one.
	DerivedFrom string `json:"derived_from,omitempty"`
	// Engine is the serving engine and version the figure was measured on
	// ("vLLM 0.10.2", "NIM 1.8.0"), that of the measurement it was derived
	// from for a derived row; empty when unknown. The fleet runs
	// inference.VLLMVersion, which may serve faster or slower.
	Engine string `json:"engine,omitempty"`
	Source
}

// FixedCost is a fixed monthly infrastructure cost of an architecture.
type FixedCost struct {
	Name string `json:"name"`
	// Applies lists the architectures it is billed to: "managed",
	// "self_hosted", "hybrid".
	Applies    []string `json:"applies"`
	MonthlyUSD float64  `json:"monthly_usd"`
	// Per says what MonthlyUSD is counted per: "" (once), "instance"
	// (each GPU instance), "secret" (each Secrets Manager secret),
	// "alarm" (each CloudWatch alarm), or a unit of the weights' storage
	// (PerVolumeGB and the other Per constants): then MonthlyUSD is the
	// unit's price.
	Per string `json:"per,omitempty"`
	// When limits the item to one kind of deployment: "" always,
	// WhenOwnVPC only when the program creates the fleet's VPC,
	// WhenGateway only with the router, WhenPrivateLink only with the
	// endpoint service.
	When string `json:"when,omitempty"`
	Source
}

// Units of the weights' storage a line item may be priced per. The
// volume's units are counted per instance while it runs (a volume is
// deleted with its instance); the mirror's once for the fleet.
const (
	// PerVolumeGB is a GB-month of an instance's gp3 root volume.
	PerVolumeGB = "volume_gb"
	// PerVolumeMiBps is a MiB/s-month of gp3 throughput provisioned above
	// the included 125 MiB/s.
	PerVolumeMiBps = "volume_mibps"
	// PerVolumeIOPS is an IOPS-month provisioned above the included 3,000.
	PerVolumeIOPS = "volume_iops"
	// PerMirrorGB is a GB-month of the checkpoint in the S3 weights mirror.
	PerMirrorGB = "mirror_gb"
	// PerMirrorFillGB is a GB of the checkpoint downloaded once, through
	// the NAT gateway, to fill the mirror: billed in the plan's month as
	// if every month (an overstatement of a few dollars the first month
	// carries alone).
	PerMirrorFillGB = "mirror_fill_gb"
	// PerImagePullGB is a GB of the vLLM image an instance pulls at its
	// start (inference.ImagePullGB a start): a business_hours fleet starts
	// every instance each working day.
	PerImagePullGB = "image_pull_gb"
	// PerImageGB is a GB-month of the vLLM image kept in ECR by the
	// pull-through cache (inference.ImagePullGB, its compressed layers).
	PerImageGB = "image_gb"
)

// WhenOwnVPC marks a line item of the fleet's own VPC (its NAT gateway): an
// existing VPC (costgate:vpcId) carries that cost already. WhenGateway
// marks the LiteLLM router costgate:deployGateway runs, and its database.
// WhenPrivateLink marks the Network Load Balancer and endpoint service
// costgate:endpointServicePrincipals creates.
const (
	WhenOwnVPC      = "own_vpc"
	WhenGateway     = "gateway"
	WhenPrivateLink = "privatelink"
	// WhenImageViaNAT marks what the vLLM image's pulls cost through the
	// NAT gateway: not with the image in ECR (Deployment.ImageFromECR).
	WhenImageViaNAT = "image_via_nat"
	// WhenPullCache marks what the ECR pull-through cache for Docker Hub
	// costs (Deployment.PullCache): its credentials secret and the image
	// it keeps.
	WhenPullCache = "pull_cache"
)

// Deployment is what a stack's configuration decides about the resources,
// as far as their cost goes.
type Deployment struct {
	// ExistingVPC is true when the fleet goes into a given VPC.
	ExistingVPC bool
	// Gateway is true when the program runs the LiteLLM router.
	Gateway bool
	// PrivateLink is true when the program publishes the fleet as a
	// PrivateLink endpoint service.
	PrivateLink bool
	// ImageFromECR is true when the instances pull the vLLM image from ECR
	// (the pull-through cache costgate:dockerHubCredentials turns on, or an
	// ECR costgate:vllmImage): its layers come from S3 through the VPC's
	// gateway endpoint, not through the NAT gateway.
	ImageFromECR bool
	// ImageRegion is the Region of the ECR registry of an ECR image
	// (costgate:vllmImage), "" for another image: its layers stay in the
	// Region only where the fleet runs there (In), and a stack file
	// without aws:region runs it in the spec's self_hosted.region, which
	// the deploy's preflight holds the provider's Region to.
	ImageRegion string
	// PullCache is true when the program runs the ECR pull-through cache
	// for a Docker Hub image (costgate:dockerHubCredentials): a secret
	// holds the credentials and ECR keeps the image.
	PullCache bool
	// HFToken is true when the stack holds a Hugging Face token
	// (costgate:hfToken): its secret exists for an open model too.
	HFToken bool
}

// or is the deployment that creates what either d or e does.
func (d Deployment) or(e Deployment) Deployment {
	o := Deployment{ExistingVPC: d.ExistingVPC || e.ExistingVPC, Gateway: d.Gateway || e.Gateway, PrivateLink: d.PrivateLink || e.PrivateLink,
		ImageFromECR: d.ImageFromECR || e.ImageFromECR, PullCache: d.PullCache || e.PullCache, HFToken: d.HFToken || e.HFToken}
	switch {
	case d.ImageFromECR && d.ImageRegion == "" || e.ImageFromECR && e.ImageRegion == "":
		// The pull-through cache: in the fleet's Region.
	case d.ImageFromECR || !e.ImageFromECR && d.ImageRegion != "":
		o.ImageRegion = d.ImageRegion
	default:
		o.ImageRegion = e.ImageRegion
	}
	return o
}

// In is d for a fleet in region: an ECR image of another Region is
// pulled across Regions, through the NAT gateway, as any other image
// (ImageFromECR false; ImageRegion kept, for the plan to say so).
func (d Deployment) In(region string) Deployment {
	if d.ImageFromECR && d.ImageRegion != "" && d.ImageRegion != region {
		d.ImageFromECR = false
	}
	return d
}

// String names what the deployment creates that is priced: "own VPC,
// image via NAT", "existing VPC, image from ECR, router, PrivateLink".
func (d Deployment) String() string {
	parts := []string{"own VPC", "image via NAT"}
	if d.ExistingVPC {
		parts[0] = "existing VPC"
	}
	if d.ImageFromECR {
		parts[1] = "image from ECR"
		if d.ImageRegion != "" {
			parts[1] += " in " + d.ImageRegion
		}
	}
	for _, on := range []struct {
		set  bool
		name string
	}{{d.Gateway, "router"}, {d.PrivateLink, "PrivateLink"}, {d.PullCache, "pull-through cache"}, {d.HFToken, "Hugging Face token"}} {
		if on.set {
			parts = append(parts, on.name)
		}
	}
	return strings.Join(parts, ", ")
}

// Costlier is the deployment of two stacks deploying one spec that the
// gate prices: every opt-in line item either turns on (the router, the
// PrivateLink front, the pull-through cache, the token's secret), the
// VPC's own NAT gateway unless both use an existing VPC, and the image's
// pulls through NAT unless both pull it from ECR.
func (d Deployment) Costlier(e Deployment) Deployment {
	o := Deployment{ExistingVPC: d.ExistingVPC && e.ExistingVPC, Gateway: d.Gateway || e.Gateway, PrivateLink: d.PrivateLink || e.PrivateLink,
		ImageFromECR: d.ImageFromECR && e.ImageFromECR, PullCache: d.PullCache || e.PullCache, HFToken: d.HFToken || e.HFToken}
	switch {
	case !o.ImageFromECR:
	case d.ImageRegion == "" || d.ImageRegion == e.ImageRegion:
		o.ImageRegion = e.ImageRegion
	case e.ImageRegion == "":
		o.ImageRegion = d.ImageRegion
	default:
		// Images of two Regions: one of them crosses Regions wherever
		// the fleet runs.
		o.ImageFromECR = false
	}
	return o
}

// OptIn reports whether the line item is priced only for a deployment
// that turns it on (ForDeployment): the router, the PrivateLink front and
// the pull-through cache. The cost model leaves out every opt-in item no
// ForDeployment resolved.
func (l FixedCost) OptIn() bool {
	return l.When == WhenGateway || l.When == WhenPrivateLink || l.When == WhenPullCache
}

// ForDeployment returns the catalog with the line items the deployment
// does not create left out, and those it turns on resolved (When cleared):
// applying it again, with any deployment, keeps them.
func (c *Catalog) ForDeployment(d Deployment) *Catalog {
	keep := func(l FixedCost) bool {
		return !(l.When == WhenOwnVPC && d.ExistingVPC) && !(l.When == WhenGateway && !d.Gateway) && !(l.When == WhenPrivateLink && !d.PrivateLink) &&
			!(l.When == WhenImageViaNAT && d.ImageFromECR) && !(l.When == WhenPullCache && !d.PullCache)
	}
	out := *c
	out.Deployment = c.Deployment.or(d)
	out.FixedCosts = make([]FixedCost, 0, len(c.FixedCosts))
	for _, l := range c.FixedCosts {
		if keep(l) {
			if l.OptIn() {
				l.When = ""
			}
			out.FixedCosts = append(out.FixedCosts, l)
		}
	}
	return &out
}
