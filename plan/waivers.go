package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/costgate/costgate/policies"
)

// Why an override was refused (Waiver.Refused).
const (
	RefusedNotWaivable = "not waivable"
	RefusedApprover    = "approver not allowed"
	RefusedEvidence    = "approval not evidenced"
	RefusedExpiry      = "expiry past the maximum"
)

// Policy ids the plan itself reports (not a Rego policy).
const (
	PolicyLoosened        = "spec.loosened"
	PolicyOverrideRefused = "override.refused"
	PolicyOverrideUnknown = "override.unknown"
	PolicyOverrideExpired = "override.expired"
	PolicyError           = "policy.error"
)

// goPolicies are the ids Go code reports, which an override may name.
var goPolicies = map[string]bool{PolicyLoosened: true, PolicyError: true}

// authorize decides, for each unexpired override, whether the waiver
// rules and the approvals let it waive anything. A refused override keeps
// its reason and waives nothing.
func authorize(p *Plan, rules policies.WaiverRules, approvals *Approvals, canEmit func(string) bool, date time.Time) {
	for i := range p.Waivers {
		w := &p.Waivers[i]
		w.Verified = approvals.Has(w.Approver)
		if w.Expired {
			continue
		}
		w.Refused = refusal(w, rules, approvals, date)
		if !goPolicies[w.Policy] && !canEmit(w.Policy) {
			p.Warnings = append(p.Warnings, Finding{Policy: PolicyOverrideUnknown,
				Message: fmt.Sprintf("override %q names %s, which no loaded policy reports; it waives nothing (a typo, or a policy folder that is not loaded?)", w.Name, w.Policy)})
		}
		if w.Refused != "" {
			p.Warnings = append(p.Warnings, Finding{Policy: PolicyOverrideRefused,
				Message: fmt.Sprintf("override %q for %s is refused (%s) and waives nothing", w.Name, w.Policy, w.refusalDetail(rules, date))})
		}
	}
}

// refusal returns why w may not waive anything, or "".
func refusal(w *Waiver, rules policies.WaiverRules, approvals *Approvals, date time.Time) string {
	rule, ok := rules.Rule(w.Policy)
	switch {
	case !ok || w.Policy == PolicyLoosened:
		// A loosened spec is approved in review (--approvals), never by
		// an override the change itself writes.
		return RefusedNotWaivable
	case !rule.AdmitsApprover(w.Approver):
		return RefusedApprover
	case approvals != nil && !approvals.Has(w.Approver):
		return RefusedEvidence
	}
	if exp, err := time.Parse(time.DateOnly, w.Expires); err != nil || exp.Sub(date) > time.Duration(rule.MaxDays)*24*time.Hour {
		return RefusedExpiry
	}
	return ""
}

// refusalDetail says the reason in a sentence with its figures.
func (w *Waiver) refusalDetail(rules policies.WaiverRules, date time.Time) string {
	rule, _ := rules.Rule(w.Policy)
	switch w.Refused {
	case RefusedNotWaivable:
		if w.Policy == PolicyLoosened {
			return "not waivable: a loosened spec is approved by a review, through --approvals"
		}
		ids := slices.DeleteFunc(rules.IDs(), func(id string) bool { return id == PolicyLoosened })
		if len(ids) > 0 {
			return fmt.Sprintf("not waivable: the waiver rules allow %s", strings.Join(ids, ", "))
		}
		return "not waivable: the waiver rules allow no override"
	case RefusedApprover:
		return fmt.Sprintf("approver not allowed: %s may be approved by %s", w.Policy, strings.Join(rule.Approvers, ", "))
	case RefusedEvidence:
		return fmt.Sprintf("approval not evidenced: %s is not among the change's approvers (--approvals)", w.Approver)
	case RefusedExpiry:
		return fmt.Sprintf("expiry past the maximum: %s is more than %d days after %s", w.Expires, rule.MaxDays, date.Format(time.DateOnly))
	}
	return w.Refused
}

// Active reports whether the override may waive: unexpired and not refused.
func (w *Waiver) Active() bool { return !w.Expired && w.Refused == "" }

// Unverified reports whether the override counts without evidence of its
// approval (no --approvals was given).
func (w *Waiver) Unverified() bool { return w.Active() && !w.Verified }

// approveLoosening waives spec.loosened when an approver the rules admit
// approved the change; the waiver is recorded like an override's.
func approveLoosening(p *Plan, rules policies.WaiverRules, approvals *Approvals) {
	rule, ok := rules.Rule(PolicyLoosened)
	if !ok || approvals == nil {
		return
	}
	var by []string
	for _, a := range approvals.ApprovedBy {
		if rule.AdmitsApprover(a) {
			by = append(by, a)
		}
	}
	if len(by) == 0 {
		return
	}
	p.Waivers = append(p.Waivers, Waiver{Name: "review approval", Policy: PolicyLoosened, Approver: strings.Join(by, ", "),
		Reason: "the change was approved in review", Expires: p.AsOf, Verified: true, Waived: []string{}, Review: true})
}

// State says in a few words whether the override counts: "active",
// "active, unverified", "REFUSED: reason", "EXPIRED", or "approved in
// review".
func (w *Waiver) State() string {
	switch {
	case w.Review:
		return "approved in review"
	case w.Expired:
		return "EXPIRED"
	case w.Refused != "":
		return "REFUSED: " + w.Refused
	case !w.Verified:
		return "active, unverified"
	}
	return "active, verified"
}
