package plan

import "github.com/costgate/costgate/architecture"

// Search is what the search over assignments did and why it chose what it
// chose.
type Search struct {
	// AutoWorkloads counts the workloads whose route is "auto".
	AutoWorkloads int `json:"auto_workloads"`
	// Assignments counts the ways to serve the workloads the options
	// cover (each workload on the fleet or one of its candidates).
	Assignments float64 `json:"assignments"`
	// Exact is false when the hybrid search used the heuristic; GapBoundUSD
	// then bounds how much cheaper the exact search's decision could be
	// (docs/SEARCH.md).
	Exact       bool     `json:"exact"`
	GapBoundUSD *float64 `json:"gap_bound_usd"`
	// Evaluated counts assignments priced exactly, Sized the fleets sized,
	// Pruned those the bounds spared, Gated the assignments sent to the
	// policies.
	Evaluated int `json:"evaluated"`
	Sized     int `json:"sized"`
	Pruned    int `json:"pruned"`
	Gated     int `json:"gated"`
	// TimeMS is the search's wall time; null unless asked for, so that a
	// plan stays byte-identical from run to run.
	TimeMS *float64 `json:"time_ms"`
	// RunnerUps are the next cheapest assignments after the cheapest
	// allowed one, ungated.
	RunnerUps []Candidate `json:"runner_ups"`
	// Rejected are the cheaper assignments the policies denied.
	Rejected []Candidate `json:"rejected"`
	// Alternatives say, for each workload and each backend that does not
	// serve it under the cheapest allowed option, why: the rule it
	// breaks, or what moving that workload there would cost more.
	Alternatives []Alternative `json:"alternatives"`
}

// Candidate is one assignment the search looked at.
type Candidate struct {
	Option architecture.Name `json:"option"`
	Routes []RouteShort      `json:"routes"`
	// MonthlyUSD is its expected cost; MoreUSD what it costs over the
	// cheapest allowed assignment.
	MonthlyUSD float64  `json:"monthly_usd"`
	MoreUSD    float64  `json:"more_usd"`
	DeniedBy   []string `json:"denied_by,omitempty"`
}

// RouteShort is what serves one workload.
type RouteShort struct {
	Workload string            `json:"workload"`
	ServedBy architecture.Name `json:"served_by"`
	Model    string            `json:"model"`
}

// Alternative is a backend that does not serve a workload, and why.
type Alternative struct {
	Workload string            `json:"workload"`
	ServedBy architecture.Name `json:"served_by"`
	Model    string            `json:"model"`
	// Reason is the rule it breaks; empty when only cost decided.
	Reason string `json:"reason,omitempty"`
	// MoreUSD is what moving the workload there costs a month more (less
	// when negative), every other route kept and the fleet re-sized; null
	// with a Reason.
	MoreUSD *float64 `json:"more_usd"`
	// DeniedBy are the policies the search learned deny the move (a
	// cheaper move is always one of these); omitted when it did not
	// gate it.
	DeniedBy []string `json:"denied_by,omitempty"`
}
