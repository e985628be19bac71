// Package plan turns a spec into priced options, policy results and a
// decision: the JSON plan of DESIGN.md.
package plan

import (
	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/spec"
)

// Plan is the whole plan of one spec. Its JSON form is the contract.
type Plan struct {
	Spec        string `json:"spec"`
	Team        string `json:"team"`
	CatalogAsOf string `json:"catalog_as_of"`
	// AsOf is the date the plan is computed for (prices, override expiry).
	AsOf string `json:"as_of"`
	// Inputs is the spec as the policies see it.
	Inputs    Inputs               `json:"inputs"`
	Options   []Option             `json:"options"`
	Decision  Decision             `json:"decision"`
	Verdict   architecture.Verdict `json:"verdict"`
	Breakeven Breakeven            `json:"breakeven"`
	Checklist Checklist            `json:"checklist"`
	// Search is what the search over assignments did: its statistics,
	// runner-ups, rejected assignments and per-workload alternatives.
	Search *Search `json:"search"`
	// Waivers are the spec's overrides and what each waived, and a review's
	// approval of a loosened spec.
	Waivers []Waiver `json:"waivers"`
	// Loosened lists how the change relaxes the base spec's compliance,
	// budget, figures or thresholds, or changes its load so that a denial
	// clears (only when a base is known: diff, check --base-ref).
	Loosened []Loosening `json:"loosened,omitempty"`
	// Warnings are plan-level notes (stale catalog, estimated figures).
	Warnings []Finding `json:"warnings"`
	// Usage is the measured usage and each option's cost at it; absent
	// without --usage.
	Usage *Usage `json:"usage,omitempty"`
	// Resources are what `pulumi up` would register for the decision.
	Resources []Resource `json:"resources"`
	// unpriced are the options the cost model could not price (its
	// option.unpriced notes, in Warnings): a load change that makes one
	// priced clears what ruled it out (loadLoosenings).
	unpriced []architecture.Name
}

// VerdictText is the verdict in words, saying so when the option it
// favours is denied: the verdict compares cost only.
func (p *Plan) VerdictText() string {
	t := p.Verdict.Text()
	winner := p.Verdict.Winner()
	for _, o := range p.Options {
		if o.Architecture == winner && !o.Allowed {
			return t + " on cost, but " + string(winner) + " is denied"
		}
	}
	return t
}

// Money is a monthly cost range in USD, rounded to cents.
type Money struct {
	Low      float64 `json:"low"`
	Expected float64 `json:"expected"`
	High     float64 `json:"high"`
}

// Option is one priced architecture.
type Option struct {
	Architecture architecture.Name `json:"architecture"`
	MonthlyUSD   Money             `json:"monthly_usd"`
	LineItems    []LineItem        `json:"line_items"`
	// CashUSD is what the option bills a month: MonthlyUSD without the
	// quality gap (contract). Spend policies judge it.
	CashUSD Money `json:"cash_usd"`
	// QualityGapUSD is the hidden cost of weaker models; included in
	// MonthlyUSD only when QualityIncluded.
	QualityGapUSD   Money   `json:"quality_gap_usd"`
	QualityIncluded bool    `json:"quality_included"`
	Sizing          *Sizing `json:"sizing,omitempty"`
	// Routes say which model serves each workload under this option.
	Routes     []Route   `json:"routes"`
	Allowed    bool      `json:"allowed"`
	Violations []Finding `json:"violations"`
	Warnings   []Finding `json:"warnings"`
	// Waived are denials an unexpired override lifted.
	Waived []Finding `json:"waived"`
	// RoutePeaks are the managed routes' loads at peak, per model and
	// provider, in tokens a minute, which the rate-limit warning and the
	// deployment's preflight compare with the providers' limits (and a
	// reviewer with the limits the organisation has); none without a
	// managed route.
	RoutePeaks []RoutePeak `json:"route_peaks,omitempty"`
}

// LineItem is one component of an option's cost.
type LineItem struct {
	Name       string `json:"name"`
	MonthlyUSD Money  `json:"monthly_usd"`
	// Workload and Model are set on token-cost lines.
	Workload string `json:"workload,omitempty"`
	Model    string `json:"model,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Route is how one workload is served under an option.
type Route struct {
	Workload   string  `json:"workload"`
	Complexity string  `json:"complexity"`
	Share      float64 `json:"share"`
	// ServedBy is architecture.Managed or architecture.SelfHosted.
	ServedBy architecture.Name `json:"served_by"`
	Model    string            `json:"model"`
	// Provider is the managed provider; empty when self-hosted.
	Provider string `json:"provider,omitempty"`
	// TTFTMs is the expected p95 time to first token; null when unknown.
	TTFTMs *float64 `json:"ttft_ms"`
	// TTFTTailMs is a fleet route's p99.9 time to first token (one
	// request in a thousand waits longer), which the load balancer's idle
	// timeout bounds (latency.timeout); absent on a managed route.
	TTFTTailMs    *float64 `json:"ttft_p999_ms,omitempty"`
	MaxTTFTMs     *float64 `json:"max_ttft_ms"`
	ContextTokens int      `json:"context_tokens"`
	// MaxInputTokens is the most input a request may carry on a managed
	// route: its model's context window through its provider, which
	// refuses a longer prompt (managed.context_window); null when the
	// catalog does not know it, and on a fleet route.
	MaxInputTokens *int `json:"max_input_tokens"`
	// Quality is the serving model's quality score for the workload's
	// complexity; null when unknown.
	Quality *float64 `json:"quality"`
	// MinQuality is the lowest quality score the route's model may have:
	// the workload's min_quality and, on a fleet whose model sizing
	// chooses, self_hosted.min_quality; null when neither is set.
	MinQuality *float64 `json:"min_quality"`
}

// Sizing is the self-hosted fleet of an option, sized at the expected
// inputs.
type Sizing struct {
	Model          string `json:"model"`
	GPU            string `json:"gpu"`
	Region         string `json:"region"`
	GPUs           int    `json:"gpus"`
	Replicas       int    `json:"replicas"`
	TensorParallel int    `json:"tensor_parallel"`
	InstanceType   string `json:"instance_type"`
	Instances      int    `json:"instances"`
	// ReplicasPerInstance is vLLM's data-parallel size on one instance.
	ReplicasPerInstance int `json:"replicas_per_instance"`
	// MaxGPUs is the cap on one fleet's GPUs (modelcatalog.MaxFleetGPUs):
	// a fleet sized above it is denied (capacity.fleet_limit), and its
	// counts stop just past the cap rather than at what the load needs.
	MaxGPUs int `json:"max_gpus"`
	// MaxInstances is the cap on its instances where one is lower than the
	// GPU cap's: one EC2 Capacity Block holds at most
	// modelcatalog.MaxCapacityBlockInstances, and the stack targets one
	// block. A fleet that needs more is denied (capacity.fleet_limit). Null
	// for other pricing.
	MaxInstances *int `json:"max_instances"`
	// Fixed is true when the spec set gpus: billed as given, not sized.
	Fixed       bool       `json:"fixed"`
	Pricing     string     `json:"pricing"`
	GPUHourUSD  spec.Range `json:"gpu_hour_usd"`
	BilledHours float64    `json:"billed_hours"`
	Schedule    string     `json:"schedule"`
	MaxModelLen int        `json:"max_model_len"`
	WeightsGB   float64    `json:"weights_gb"`
	// CheckpointGB is what the model's checkpoint downloads, mirrors and
	// stores: the resident weights, or twice them for a BF16 checkpoint
	// vLLM quantizes to FP8 on load. The instances' volumes and start
	// times are sized on it.
	CheckpointGB float64 `json:"checkpoint_gb"`
	KVCacheGB    float64 `json:"kv_cache_gb"`
	// PeakUtilization is peak load over the fleet's capacity (0..); above
	// the target it is a capacity warning, above 1 a denial
	// (capacity.exceeded).
	PeakUtilization float64 `json:"peak_utilization"`
	// RequiredGPUs and RequiredMonthlyUSD are, for a fixed fleet running
	// above its target utilization at peak, the GPUs of the fleet that
	// would carry the load at the target and the option's expected monthly
	// cost with it (contract); null otherwise.
	RequiredGPUs       *int     `json:"required_gpus"`
	RequiredMonthlyUSD *float64 `json:"required_monthly_usd"`
	TargetUtilization  float64  `json:"target_utilization"`
	// UncoveredHours are the team's working hours a month that a
	// business_hours fleet's schedule (09:00-17:00 on weekdays) does not
	// run, where they exceed a working day; 0 otherwise. The plan places
	// the month's tokens in the team's hours, so those hours' tokens find
	// no fleet: the option is denied (schedule.uncovered).
	UncoveredHours float64  `json:"uncovered_hours"`
	TTFTMs         *float64 `json:"ttft_ms"`
	// BaselineInstances run outside peak hours; PeakInstances at peak.
	BaselineInstances int `json:"baseline_instances"`
	PeakInstances     int `json:"peak_instances"`
	// TargetRequestsPerMinute is one instance's request rate at the target
	// utilization (informational: the stack's schedules size the group as
	// the plan bills it, and nothing scales it on load).
	TargetRequestsPerMinute float64 `json:"target_requests_per_minute"`
	// StreamSeconds is the longest stream the fleet expects
	// (inference.StreamSeconds): the target group's deregistration delay
	// and the container's stop timeout.
	StreamSeconds int `json:"stream_seconds"`
	// IdleTimeoutSeconds is the load balancer's idle timeout
	// (inference.IdleTimeoutSeconds): a request still waiting for its
	// first token after it fails, so every route's ttft_ms must stay
	// within it (latency.timeout).
	IdleTimeoutSeconds int `json:"idle_timeout_s"`
	// OnDemandBase is how many of a spot fleet's instances run, and are
	// billed, on demand (self_hosted.on_demand_base, at most the peak).
	OnDemandBase int      `json:"on_demand_base"`
	VLLMArgs     []string `json:"vllm_args"`
	Notes        []string `json:"notes"`
}

// Finding is one policy result.
type Finding = policies.Finding

// Decision is the chosen architecture, or blocked.
type Decision struct {
	Architecture architecture.Name `json:"architecture"`
	Reasons      []string          `json:"reasons"`
}

// Breakeven is the smallest team at which self-hosting costs no more.
type Breakeven struct {
	// Developers is nil when no team size in [1, 100000] breaks even.
	Developers *int `json:"developers"`
}

// Checklist is the article's five-item decision checklist.
type Checklist struct {
	Met int `json:"met"`
	// Threshold is how many met items make self-hosting worth
	// evaluating (the article's three); the checklist policy reads it.
	Threshold int             `json:"threshold"`
	Items     []ChecklistItem `json:"items"`
	// Verdict is "self-hosting worth evaluating" at three or more.
	Verdict string `json:"verdict"`
}

// ChecklistItem is one of the article's five checklist items.
type ChecklistItem struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Met    bool   `json:"met"`
	Detail string `json:"detail"`
}

// Waiver is an override and its effect.
type Waiver struct {
	Name     string `json:"name"`
	Policy   string `json:"policy"`
	Approver string `json:"approver"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
	Expired  bool   `json:"expired"`
	// Verified is set when --approvals lists the approver.
	Verified bool `json:"verified"`
	// Refused says why the waiver rules refuse the override ("not
	// waivable", "approver not allowed", "approval not evidenced", "expiry
	// past the maximum"); a refused override waives nothing.
	Refused string `json:"refused,omitempty"`
	// Review marks the approval of a loosened spec by the change's
	// reviewers, which is not an override in the spec.
	Review bool `json:"review,omitempty"`
	// Waived lists the options whose denial it lifted.
	Waived []string `json:"waived"`
}

// Resource is one resource `pulumi up` would register.
type Resource struct {
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Properties map[string]any `json:"properties"`
}

// Inputs is the spec as plan policies read it.
type Inputs struct {
	Team               string     `json:"team"`
	CostCenter         string     `json:"cost_center"`
	Developers         spec.Range `json:"developers"`
	TokensPerDeveloper spec.Range `json:"tokens_per_developer"`
	CachedInputShare   spec.Range `json:"cached_input_share"`
	CacheWriteShare    spec.Range `json:"cache_write_share"`
	// Timezone is the IANA zone of the team's working hours.
	Timezone        string          `json:"timezone"`
	Workloads       []WorkloadInput `json:"workloads"`
	ManagedProvider string          `json:"managed_provider"`
	// BedrockProfile is "global" or "regional" (Bedrock's surcharge).
	BedrockProfile string          `json:"bedrock_profile"`
	Compliance     ComplianceInput `json:"compliance"`
	Organization   OrgInput        `json:"organization"`
	Budget         BudgetInput     `json:"budget"`
	Overrides      []Waiver        `json:"overrides"`
}

// WorkloadInput is one workload as policies read it.
type WorkloadInput struct {
	Name          string   `json:"name"`
	Share         float64  `json:"share"`
	Complexity    string   `json:"complexity"`
	ContextTokens int      `json:"context_tokens"`
	MaxTTFTMs     *float64 `json:"max_ttft_ms"`
}

// ComplianceInput is the compliance block as policies read it.
type ComplianceInput struct {
	CodeMayLeaveNetwork bool `json:"code_may_leave_network"`
	// AllowedProviders is null when the spec sets no allow-list.
	AllowedProviders []string `json:"allowed_providers"`
}

// OrgInput is the organization block as policies read it.
type OrgInput struct {
	GPUExpertise       bool `json:"gpu_expertise"`
	LatencyOverQuality bool `json:"latency_over_quality"`
}

// BudgetInput is the budget block as policies read it; null when unset.
type BudgetInput struct {
	MonthlyLimitUSD  *float64 `json:"monthly_limit_usd"`
	ApprovalAboveUSD *float64 `json:"approval_above_usd"`
	AlertEmails      []string `json:"alert_emails"`
}
