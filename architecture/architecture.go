// Package architecture names the architectures costgate prices: the one place
// every layer (catalog, cost model, policies, plan, reports, stacks) takes
// them from. The policies receive them in their input.
package architecture

// Architectures of an option, and the decision when none is allowed.
const (
	Managed    = "managed"
	SelfHosted = "self_hosted"
	Hybrid     = "hybrid"
	// Blocked is the decision when no option is allowed; it is not an
	// option.
	Blocked = "blocked"
)

// All are the options of every plan, in the order they are listed and
// tie-broken.
var All = []string{Managed, SelfHosted, Hybrid}

// IsOption reports whether s names an option.
func IsOption(s string) bool {
	return s == Managed || s == SelfHosted || s == Hybrid
}

// Verdicts compare the managed and self_hosted options by cost: which is
// cheaper over its whole range, or close when the ranges overlap. A plan
// whose routes leave either option out has none.
const (
	ManagedWins    = "managed_wins"
	SelfHostedWins = "self_hosted_wins"
	Close          = "close"
)
