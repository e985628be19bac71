package review

import (
	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

// AttributionOrder says how Compare orders the input changes, for readers
// of a diff.
const AttributionOrder = "inputs are applied one at a time in the spec language's order " +
	"(team, workloads, managed, model, self_hosted, compliance, organization, budget, quality, override), " +
	"each re-planned on top of the ones before it, so each row is what that input adds and the rows add up to the total"

// Diff compares the plans of two versions of one spec: what each option
// costs, what was decided, which policy results appeared or cleared, and
// which inputs moved the cost.
type Diff struct {
	// Spec is the head spec's path; BaseSpec where the base was read from.
	Spec     string `json:"spec"`
	BaseSpec string `json:"base_spec"`
	Team     string `json:"team"`
	AsOf     string `json:"as_of"`
	// New is true when there is no base: the spec is new.
	New       bool           `json:"new"`
	Decision  DecisionChange `json:"decision"`
	Verdict   [2]string      `json:"verdict"`
	Breakeven [2]*int        `json:"breakeven_developers"`
	Options   []OptionChange `json:"options"`
	// Routes are the workloads whose route under the decided option
	// changed, or that were added or removed.
	Routes   []RouteChange    `json:"routes"`
	Policies []PolicyChange   `json:"policies"`
	Inputs   []InputChange    `json:"inputs"`
	Order    string           `json:"attribution_order"`
	Totals   AttributionTotal `json:"attribution_total"`
	// Loosened lists how head relaxes base's compliance or budget.
	Loosened []plan.Loosening `json:"loosened,omitempty"`
	// RuleChanges are the price book and policy files the change edits
	// (diff --base-ref), the same for every spec of one diff.
	RuleChanges []RuleChange `json:"rule_changes,omitempty"`

	// Base and Head are the two plans; Base is nil for a new spec.
	Base *plan.Plan `json:"-"`
	Head *plan.Plan `json:"-"`
}

// RuleChange is one price book or policy file a change adds, removes or
// edits; Details name the entries of a price book that changed.
type RuleChange struct {
	Kind    string   `json:"kind"`
	File    string   `json:"file"`
	Change  string   `json:"change"`
	Details []string `json:"details,omitempty"`
}

// DecisionChange is the decided architecture and its expected monthly
// cost on each side.
type DecisionChange struct {
	// Base and Head are an architecture or "blocked"; Base is "" for a new spec.
	Base architecture.Name `json:"base"`
	Head architecture.Name `json:"head"`
	// BaseUSD and HeadUSD are the decided option's expected monthly cost;
	// null when blocked (or absent).
	BaseUSD *float64 `json:"base_usd"`
	HeadUSD *float64 `json:"head_usd"`
	// DeltaUSD and DeltaPct are null unless both sides decided.
	DeltaUSD *float64 `json:"delta_usd"`
	DeltaPct *float64 `json:"delta_pct"`
}

// Changed reports whether the decided architecture changed.
func (d DecisionChange) Changed() bool { return d.Base != d.Head }

// OptionChange is one option's monthly cost on each side.
type OptionChange struct {
	Architecture architecture.Name `json:"architecture"`
	// Base or Head is null when the option was not priced on that side.
	Base *plan.Money `json:"base"`
	Head *plan.Money `json:"head"`
	// Delta is Head − Base; null when either is.
	Delta       *plan.Money `json:"delta"`
	BaseAllowed bool        `json:"base_allowed"`
	HeadAllowed bool        `json:"head_allowed"`
	// HeadDenials are the policy ids denying the option at head.
	HeadDenials []string `json:"head_denials"`
}

// RouteChange is one workload whose route under the decided option
// differs between base and head. Base and Head are "self_hosted:MODEL" or
// "managed:MODEL"; null when the workload is absent on that side or that
// side is blocked (it has no decided option).
type RouteChange struct {
	Workload string  `json:"workload"`
	Base     *string `json:"base"`
	Head     *string `json:"head"`
}

// Policy change kinds.
const (
	Appeared = "appeared"
	Cleared  = "cleared"
)

// PolicyChange is a policy result present on one side only.
type PolicyChange struct {
	// Change is Appeared (only at head) or Cleared (only at base).
	Change string `json:"change"`
	// Kind is deny, waived or warn.
	Kind string `json:"kind"`
	// Option is the architecture, or "plan" for a plan-level warning.
	Option  string `json:"option"`
	Policy  string `json:"policy"`
	Message string `json:"message"`
}

// InputChange is one spec input that differs, and the part of the cost
// change it explains.
type InputChange struct {
	// Step is the input's place in the attribution order, from 1.
	Step int `json:"step"`
	// Input names the attribute: "team.developers", "workload.chat.complexity",
	// "workloads" (membership and shares), "override.NAME", "model.NAME".
	Input string `json:"input"`
	// Base and Head are the values as a spec would write them; "" when absent.
	Base string `json:"base"`
	Head string `json:"head"`
	// DecisionUSD is the change in the decided option's expected cost this
	// input explains; null unless both sides decided.
	DecisionUSD *float64 `json:"decision_usd"`
	// OptionsUSD is the change in each option's expected cost this input
	// explains, for the options priced on both sides.
	OptionsUSD map[architecture.Name]float64 `json:"options_usd"`
	// Decision is the decision once this input (and those before it) moved.
	Decision architecture.Name `json:"decision"`
}

// AttributionTotal is what the input rows add up to.
type AttributionTotal struct {
	DecisionUSD *float64                      `json:"decision_usd"`
	OptionsUSD  map[architecture.Name]float64 `json:"options_usd"`
}
