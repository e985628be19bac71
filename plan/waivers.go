package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/specfile"
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
	// PolicyOverrideUnapproved denies every option of a reviewed change
	// that writes an override its approver did not approve (below).
	PolicyOverrideUnapproved = "override.unapproved"
	PolicyError              = "policy.error"
)

// goPolicies are the ids Go code reports, which an override may name.
var goPolicies = map[string]bool{PolicyLoosened: true, PolicyError: true}

// authorize decides, for each unexpired override, whether the waiver
// rules and the approvals let it waive anything. A refused override keeps
// its reason and waives nothing. An override the base holds unchanged is
// evidenced by the base (carried): its approver approved the change that
// wrote it, which a reviewed change without that approval cannot merge
// (unapprovedDenials). Counted only where this change's approvers named
// the approver, an override merged with its approver's approval was
// refused in every later pull request and deploy: the next, unrelated
// merge moved the team's architecture, or blocked every change until the
// approver approved each one.
func authorize(p *Plan, rules policies.WaiverRules, approvals *Approvals, canEmit func(string) bool, date time.Time, evidenced []Waiver) {
	for i := range p.Waivers {
		w := &p.Waivers[i]
		w.Verified = approvals.Has(w.Approver) || carried(w, evidenced)
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
	case approvals != nil && !w.Verified:
		return RefusedEvidence
	}
	if exp, err := time.Parse(time.DateOnly, w.Expires); err != nil || exp.Sub(date) > time.Duration(rule.MaxDays)*24*time.Hour {
		return RefusedExpiry
	}
	return ""
}

// carried reports whether evidenced (Options.evidence) holds override w
// unchanged: the same name, policy, approver, reason and expiry.
func carried(w *Waiver, evidenced []Waiver) bool {
	return slices.ContainsFunc(evidenced, func(o Waiver) bool {
		return !o.Review && o.Name == w.Name && o.Policy == w.Policy && o.Reason == w.Reason && o.Expires == w.Expires &&
			policies.NormalizeIdentity(o.Approver) == policies.NormalizeIdentity(w.Approver)
	})
}

// unapprovedDenials deny every option of a reviewed change (one with a
// base, or a new spec, and an approvals file) that writes an override —
// new, or changed since the base — its approver has not approved: later
// changes count such an override as the base's (carried), so one merged
// unapproved while it waived nothing would waive, unapproved, once the
// load made it matter. So would one merged while the waiver rules
// refused it for another reason (its approver not yet allowed, its
// policy not yet waivable): once the rules admitted it, it was carried.
//
// A change that moves the team's load (moved, Options.movedSinceBase) carries
// no override from the base: each needs its approver again, and the
// denial says which figures moved.
//
// One carried but waiving more than at the base (beyond, beyondBase)
// needs its approver again too, and the denial says what it waives
// beyond.
func unapprovedDenials(p *Plan, approvals *Approvals, reviewed bool, moved []string, beyond map[string]string) []Finding {
	if approvals == nil || !reviewed {
		return nil
	}
	why := "is new or changed in this change"
	if len(moved) > 0 {
		why = "is new or changed, or was approved at the base's load and rules, which this change moves (" + strings.Join(moved, "; ") + "),"
	}
	var out []Finding
	for _, w := range p.Waivers {
		if w.Review || w.Expired || w.Verified {
			continue
		}
		why := why
		if b := beyond[w.Name]; b != "" {
			why = "waives more than it waived at the base, planned with the same rules and the base's deployment (" + b + "),"
		}
		out = append(out, Finding{Policy: PolicyOverrideUnapproved, Option: "*", Attribute: "override." + w.Name,
			Message: fmt.Sprintf("override %q for %s %s and %s has not approved it: an override counts in later changes because its approver approved the change that wrote it, at that change's load and bill; ask %s to approve, or remove the override%s", w.Name, w.Policy, why, w.Approver, w.Approver, lookAlikeNote(w.Approver))})
	}
	return out
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
		return fmt.Sprintf("approval not evidenced: %s is not among the change's approvers (--approvals), and the base does not hold the override unchanged", w.Approver)
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

// lookAlikeNote says where an approver's identity holds a character that
// looks like an ASCII one (specfile.LookAlike): no GitHub login (ASCII
// only) the approvals file names can match it, so asking the identity it
// reads as to approve clears nothing.
func lookAlikeNote(id string) string {
	for _, r := range id {
		if a, ok := specfile.LookAlike(r); ok {
			return fmt.Sprintf(" (%q holds %s, which looks like %q: no login the approvals file names is that identity)", id, specfile.RuneName(r), a)
		}
	}
	return ""
}
