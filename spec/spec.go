package spec

import (
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
)

// Range is a closed interval of a (range) attribute. A scalar attribute
// decodes to a Range whose Low equals its High.
type Range struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Scalar returns the degenerate range [v, v].
func Scalar(v float64) Range { return Range{Low: v, High: v} }

// Mid is the range's midpoint, used for an option's expected cost.
func (r Range) Mid() float64 { return (r.Low + r.High) / 2 }

// IsScalar reports whether the range holds a single value.
func (r Range) IsScalar() bool { return r.Low == r.High }

// Complexity values of a workload.
const (
	Simple  = "simple"
	Complex = "complex"
)

// Pricing models of self-hosted GPUs.
const (
	OnDemand      = "on_demand"
	Reserved      = "reserved"
	Spot          = "spot"
	CapacityBlock = "capacity_block"
)

// Commitment reports whether a pricing model commits to GPUs (a
// reservation or Savings Plan, a Capacity Block): AWS bills every hour it
// covers, 730 a month, whatever the fleet's schedule and hours_per_month.
func Commitment(pricing string) bool {
	return pricing != OnDemand && pricing != Spot
}

// ShortestMonthHours is the fewest hours a month has: February's 28 days.
const ShortestMonthHours = 28 * 24

// AlwaysOnHours is the hours a month an always_on fleet bought at pricing
// is billed, for the spec's hours_per_month: AWS's 730-hour month under a
// commitment, which bills every hour it covers whatever the spec says a
// month is, and for a figure fewer than any month has (the group keeps
// every instance all month, and AWS bills every hour an instance runs);
// else hours_per_month, the month the team prices (672 to 744 hours).
func AlwaysOnHours(pricing string, hoursPerMonth float64) float64 {
	if Commitment(pricing) || hoursPerMonth < ShortestMonthHours {
		return units.HoursPerMonth
	}
	return hoursPerMonth
}

// Schedules of the self-hosted fleet.
const (
	AlwaysOn      = "always_on"
	BusinessHours = "business_hours"
)

// Spec is one team's decoded spec, with every default applied.
type Spec struct {
	// Filename is the path the spec was read from, as given.
	Filename     string
	Team         Team
	Workloads    []Workload
	Managed      Managed
	SelfHosted   SelfHosted
	Compliance   Compliance
	Organization Organization
	Budget       Budget
	Quality      Quality
	Overrides    []Override
	// Models are the spec's own open-weight model blocks; their names are
	// valid values of self_hosted.model.
	Models []modelcatalog.OpenModel
	// ModelThroughput holds the throughput blocks nested in the spec's model
	// blocks; each entry's Model is its model block's name, so sizing can
	// look them up beside the catalog's own measurements.
	ModelThroughput []modelcatalog.Throughput
	// Ranges maps an attribute or block path to where the spec declares it,
	// so that a policy finding can point at the line that caused it. Keys:
	// "team", "team.developers", "workload.NAME", "workload.NAME.max_ttft_ms",
	// "managed.provider", "self_hosted.model", "compliance.code_may_leave_network",
	// "budget.monthly_limit_usd", "override.NAME", and so on: block type, label
	// where the block has one, attribute name. A block maps to its header
	// (type and labels), an attribute to the whole "name = value". A model's
	// throughput block is keyed "model.NAME.throughput.GPU.tpN", N being its
	// tensor_parallel, because one GPU may have several.
	Ranges map[string]hcl.Range
}

// Team is the team block.
type Team struct {
	Name               string
	Developers         Range
	TokensPerDeveloper Range
	InputShare         Range // default 0.8
	CachedInputShare   Range // default 0
	// CacheWriteShare is the share of input written to the prompt cache
	// (billed at the cache-write price); default 0. CachedInputShare plus
	// CacheWriteShare is at most 1.
	CacheWriteShare Range
	// CacheTTL is the cache lifetime writes are bought for, one the
	// catalog's providers sell ("5m", "30m", "1h", "12h"); empty means
	// each model's shortest.
	CacheTTL             string
	WorkingHoursPerMonth float64 // default 176
	PeakToAverage        Range   // default 2
	DeveloperHourlyUSD   Range   // default 100
	CostCenter           string
	// Timezone is the IANA zone of the team's working hours; default "UTC".
	Timezone string
}

// Workload is one workload block.
type Workload struct {
	Name          string
	Share         float64
	Complexity    string // Simple or Complex
	ContextTokens int    // default 8192 simple, 32768 complex
	// MaxTTFTMs is the p95 time-to-first-token target; 0 means none.
	MaxTTFTMs float64
	// ReworkHours is the engineer time lost per failed attempt at this
	// workload's tasks (a bad completion costs seconds, a failed agent run
	// half an hour); nil means the quality block's rework_hours.
	ReworkHours *Range
	// Route is RouteAuto (default: the search chooses the fleet or a
	// managed candidate), or the architecture the workload is pinned to,
	// architecture.Managed or SelfHosted; a pinned route holds in every
	// option.
	Route architecture.Name
	// Model, when set, pins the managed model of a managed or auto route.
	Model string
	// MinQuality is the lowest quality score (for the workload's
	// complexity) a model may have to serve it, the fleet's model included.
	MinQuality float64
}

// RouteAuto is a workload route the search chooses; the others are the
// architectures that serve a workload, by their names.
const RouteAuto architecture.Name = "auto"

// Managed is the managed block.
type Managed struct {
	SimpleModel  string // default "gpt-5.4-mini"
	ComplexModel string // default "claude-sonnet-4.6"
	// Provider serves both models; empty means each model's own vendor.
	Provider string
	// BedrockProfile is "global" (default: the vendor's list price) or
	// "regional" (a geography-bound profile, billed with a surcharge).
	BedrockProfile string
	// Candidates are the managed models a workload may be routed to; nil
	// means each workload's model for its complexity (SimpleModel or
	// ComplexModel), as without a search.
	Candidates []string
}

// CandidatesFor lists the managed models workload w may be routed to: its
// pinned model, or the candidates, or its complexity's model.
func (m Managed) CandidatesFor(w Workload) []string {
	switch {
	case w.Model != "":
		return []string{w.Model}
	case m.Candidates != nil:
		return m.Candidates
	case w.Complexity == Simple:
		return []string{m.SimpleModel}
	default:
		return []string{m.ComplexModel}
	}
}

// SelfHosted is the self_hosted block.
type SelfHosted struct {
	Model string // catalog id, a model block's name, or "auto"; default "auto"
	GPU   string // default "h100"
	// GPUChoices, when set (gpu = "auto" or a list), are the GPUs sizing
	// chooses among: the cheapest that meets the load and the workloads'
	// max_ttft_ms wins. GPU is then the first of them, the default when
	// none can be sized.
	GPUChoices []string
	Pricing    string // default OnDemand
	GPUHourUSD *Range // nil: the catalog's price for Pricing
	// GPUs, when above 0, is a fixed fleet: no sizing, billed as given.
	GPUs          int
	Schedule      string  // default AlwaysOn
	HoursPerMonth float64 // default 730
	// OpsUSDPerMonth is the fleet's operations cost; by default (not
	// OpsFromSpec) [2000, 4000] for up to 4 GPUs, growing with the billed
	// GPUs beyond (the cost model's OpsReferenceGPUs).
	OpsUSDPerMonth Range
	OpsFromSpec    bool
	MinReplicas    int // default 1
	// OnDemandBase is how many of a spot fleet's instances run on demand
	// (the group's on-demand base capacity), billed at on-demand rates;
	// default 0.
	OnDemandBase      int
	TargetUtilization float64 // default 0.7
	MinQuality        float64 // default 0
	Region            string  // default "us-east-1"
}

// Compliance is the compliance block.
type Compliance struct {
	CodeMayLeaveNetwork bool // default true
	// AllowedProviders is nil when the spec sets no allow-list.
	AllowedProviders []string
}

// Organization is the organization block.
type Organization struct {
	GPUExpertise       bool
	LatencyOverQuality bool
}

// Budget is the budget block; nil fields are unset.
type Budget struct {
	MonthlyLimitUSD  *float64
	ApprovalAboveUSD *float64
	AlertEmails      []string
}

// Quality is the quality block.
type Quality struct {
	ReworkHours       Range // default 0.5
	IncludeInDecision bool  // default true
}

// Override is one override block: a reviewed waiver of one policy id.
type Override struct {
	Name     string
	Policy   string
	Approver string
	Reason   string
	// Expires is the last day the override waives its policy (UTC midnight).
	Expires time.Time
}
