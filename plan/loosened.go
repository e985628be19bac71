package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/hashicorp/hcl/v2"
)

// Loosening is one way a change relaxes a spec's compliance or budget: a
// waiver the change grants itself unless a reviewer approves it.
type Loosening struct {
	// Attribute is the spec attribute, such as "compliance.code_may_leave_network".
	Attribute string `json:"attribute"`
	// Range is where the head spec sets it (or its block, when removed).
	Range   hcl.Range `json:"-"`
	Line    int       `json:"line"`
	Message string    `json:"message"`
}

// Loosenings lists how head relaxes base's compliance block, lets Bedrock
// serve beyond a geography, or raises its budget limits. A nil base (a new spec) loosens nothing.
func Loosenings(base, head *spec.Spec) []Loosening {
	if base == nil || head == nil {
		return nil
	}
	var out []Loosening
	add := func(attr, format string, args ...any) {
		rng := attrRange(head, attr)
		out = append(out, Loosening{Attribute: attr, Range: rng, Line: rng.Start.Line, Message: fmt.Sprintf(format, args...)})
	}
	bc, hc := base.Compliance, head.Compliance
	if !bc.CodeMayLeaveNetwork && hc.CodeMayLeaveNetwork {
		add("compliance.code_may_leave_network", "compliance.code_may_leave_network changes from false to true: agent code may now be sent to external APIs")
	}
	if bc.AllowedProviders != nil {
		if hc.AllowedProviders == nil {
			add("compliance.allowed_providers", "compliance.allowed_providers is removed: any provider is now allowed (was %s)", strings.Join(bc.AllowedProviders, ", "))
		} else {
			var added []string
			for _, p := range hc.AllowedProviders {
				if !slices.Contains(bc.AllowedProviders, p) {
					added = append(added, p)
				}
			}
			if len(added) > 0 {
				add("compliance.allowed_providers", "compliance.allowed_providers adds %s", strings.Join(added, ", "))
			}
		}
	}
	// A regional (geographic) inference profile keeps Bedrock's requests,
	// and the code in them, in the Regions of one geography; a global one
	// sends them to any commercial Region.
	switch {
	case base.Managed.BedrockProfile != modelcatalog.BedrockRegional:
	case head.Managed.Provider != modelcatalog.ProviderBedrock:
		// Whatever bedrock_profile still says: it has no effect off Bedrock.
		add("managed.bedrock_profile", "managed routes leave Bedrock's regional profile for %s: the team's requests, and the code in them, may now be served anywhere the provider runs, not only in the Regions of the fleet's geography",
			providerName(head.Managed.Provider))
	case head.Managed.BedrockProfile == modelcatalog.BedrockRegional:
	default:
		add("managed.bedrock_profile", "managed.bedrock_profile changes from %s to %s: Bedrock may now serve the team's requests, and the code in them, in any commercial Region worldwide, not only those of the fleet's geography",
			base.Managed.BedrockProfile, head.Managed.BedrockProfile)
	}
	raised := func(attr string, b, h *float64) {
		switch {
		case b == nil:
		case h == nil:
			add(attr, "%s is removed (was %s/month)", attr, units.USD(*b).Whole())
		case *h > *b:
			add(attr, "%s rises from %s to %s/month", attr, units.USD(*b).Whole(), units.USD(*h).Whole())
		}
	}
	raised("budget.monthly_limit_usd", base.Budget.MonthlyLimitUSD, head.Budget.MonthlyLimitUSD)
	raised("budget.approval_above_usd", base.Budget.ApprovalAboveUSD, head.Budget.ApprovalAboveUSD)
	// The budget's alerts (AWS Budgets notifications) are a control too:
	// an address dropped no longer hears of the spend.
	var dropped []string
	for _, e := range base.Budget.AlertEmails {
		if !slices.ContainsFunc(head.Budget.AlertEmails, func(h string) bool { return sameAddress(h, e) }) {
			dropped = append(dropped, e)
		}
	}
	if len(dropped) > 0 {
		add("budget.alert_emails", "budget.alert_emails drops %s: the budget's alerts no longer reach %s", strings.Join(dropped, ", "), map[bool]string{true: "it", false: "them"}[len(dropped) == 1])
	}
	return out
}

// sameAddress reports whether two email addresses name one mailbox as
// mail servers take them: alike but for the case of ASCII letters.
// Unicode case folding (strings.EqualFold) also matches ſ to s and the
// Kelvin sign to K, so a look-alike address dropped the one it replaced
// without a loosening.
func sameAddress(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// TeamLoosening is a loosening of the spec's identity (attribute "team"):
// the spec is deleted, or its team replaces one that is no longer
// specified. Either drops a compliance block and a budget that the base
// enforced, so it needs a reviewer's approval like a loosened one.
func TeamLoosening(s *spec.Spec, message string) Loosening {
	rng := attrRange(s, "team")
	return Loosening{Attribute: "team", Range: rng, Line: rng.Start.Line, Message: message}
}

// providerName names a spec's managed provider: the vendors' own APIs
// when it sets none.
func providerName(id string) string {
	if id == "" {
		return "the vendors' own APIs"
	}
	return id
}

// attrRange finds where head sets attr, else its block, else the team.
func attrRange(s *spec.Spec, attr string) hcl.Range {
	block, _, _ := strings.Cut(attr, ".")
	for _, k := range []string{attr, block, "team"} {
		if r, ok := s.Ranges[k]; ok {
			return r
		}
	}
	return hcl.Range{Filename: s.Filename, Start: hcl.Pos{Line: 1, Column: 1}}
}

// loosenedDenials are the plan's spec.loosened denials, on every option.
func loosenedDenials(ls []Loosening) []Finding {
	out := make([]Finding, 0, len(ls))
	for _, l := range ls {
		out = append(out, Finding{Policy: PolicyLoosened, Option: "*", Attribute: l.Attribute,
			Message: fmt.Sprintf("%s (line %d); a loosened spec needs a reviewer's approval (--approvals)", l.Message, l.Line)})
	}
	return out
}
