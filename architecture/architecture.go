// Package architecture names the architectures costgate prices, and the
// verdicts that compare them: the one place every layer (catalog, cost
// model, policies, plan, reports, stacks, spec) takes them from. The
// policies receive them in their input.
package architecture

import (
	"encoding/json"
	"strings"
)

// Name is an architecture of an option ("managed", "self_hosted",
// "hybrid"), or the decision Blocked; in JSON, the string.
type Name string

// Architectures of an option, and the decision when none is allowed.
const (
	Managed    Name = "managed"
	SelfHosted Name = "self_hosted"
	Hybrid     Name = "hybrid"
	// Blocked is the decision when no option is allowed; it is not an
	// option.
	Blocked Name = "blocked"
)

// All are the options of every plan, in the order they are listed and
// tie-broken.
var All = []Name{Managed, SelfHosted, Hybrid}

// IsOption reports whether s names an option.
func IsOption(s string) bool {
	n := Name(s)
	return n == Managed || n == SelfHosted || n == Hybrid
}

// Verdict compares the managed and self_hosted options by cost: which is
// cheaper over its whole range, or close when the ranges overlap. A plan
// without either option (its routes leave it out, or it cannot be priced)
// has none: empty, null in JSON.
type Verdict string

// The verdicts.
const (
	ManagedWins    Verdict = "managed_wins"
	SelfHostedWins Verdict = "self_hosted_wins"
	Close          Verdict = "close"
)

// Text is the verdict in words: "managed wins", or "none" with the reason:
// pinned routes leave one side out, or it cannot be priced (a workload's
// context no fleet of its model serves, no instance in the region; the
// plan's option.unpriced warning says which).
func (v Verdict) Text() string {
	if v == "" {
		return "none, one side is not in the plan"
	}
	return strings.ReplaceAll(string(v), "_", " ")
}

// Winner is the option the verdict favours; "" when close or none.
func (v Verdict) Winner() Name {
	switch v {
	case ManagedWins:
		return Managed
	case SelfHostedWins:
		return SelfHosted
	}
	return ""
}

// MarshalJSON writes an empty verdict as null.
func (v Verdict) MarshalJSON() ([]byte, error) {
	if v == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(v))
}
