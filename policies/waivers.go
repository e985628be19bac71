package policies

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/util"
)

// Which denials an override may waive, who may approve it and for how
// long is policy data: data.costgate.waivers in the built-in data.json,
// keyed by policy id. A policy folder's data.json may narrow the rules
// (drop an id with false, fewer approvers, fewer days) and never widen
// them, so a folder added by a pull request can make the gate stricter
// only. Some ids are never waivable whatever the data says.

// AnyApprover in a rule's approvers admits any approver whose approval is
// evidenced (--approvals).
const AnyApprover = "*"

// neverWaivable are policy id patterns no data can make waivable: a
// compliance or resource denial is a rule of the organisation, and a
// policy error means nothing was checked.
var neverWaivable = []string{"compliance.*", "resources.*", "policy.error", "override.*"}

// WaiverRule says who may waive one policy and for how long.
type WaiverRule struct {
	// MaxDays bounds an override's life, from the plan date to expires.
	MaxDays int `json:"max_days"`
	// Approvers are identities (emails, @logins) allowed to approve;
	// AnyApprover admits any evidenced approver.
	Approvers []string `json:"approvers"`
}

// AdmitsApprover reports whether the rule lets approver approve.
func (r WaiverRule) AdmitsApprover(approver string) bool {
	id := NormalizeIdentity(approver)
	for _, a := range r.Approvers {
		if a == AnyApprover || NormalizeIdentity(a) == id {
			return true
		}
	}
	return false
}

// WaiverRules are the waiver rules by policy id.
type WaiverRules map[string]WaiverRule

// Rule returns the rule for a policy id; ok is false when the id may not
// be waived.
func (w WaiverRules) Rule(policy string) (WaiverRule, bool) {
	if NeverWaivable(policy) {
		return WaiverRule{}, false
	}
	r, ok := w[policy]
	return r, ok
}

// clone copies the rules, so that narrowing one copy leaves the other.
func (w WaiverRules) clone() WaiverRules {
	out := make(WaiverRules, len(w))
	for id, r := range w {
		out[id] = WaiverRule{MaxDays: r.MaxDays, Approvers: slices.Clone(r.Approvers)}
	}
	return out
}

// IDs lists the waivable ids, sorted.
func (w WaiverRules) IDs() []string {
	out := make([]string, 0, len(w))
	for id := range w {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// NeverWaivable reports whether no rule can make policy waivable.
func NeverWaivable(policy string) bool {
	for _, p := range neverWaivable {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(policy, prefix) {
				return true
			}
		} else if policy == p {
			return true
		}
	}
	return false
}

// NormalizeIdentity folds an approver identity for comparison: emails and
// GitHub logins are case-insensitive.
func NormalizeIdentity(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// builtinWaivers reads the built-in rules from the built-in data.
func builtinWaivers(data map[string]any) (WaiverRules, error) {
	raw, _ := waiversDoc(data)
	rules := WaiverRules{}
	for id, v := range raw {
		r, err := decodeRule(v)
		if err != nil {
			return nil, fmt.Errorf("built-in waiver rule %s: %w", id, err)
		}
		if NeverWaivable(id) {
			return nil, fmt.Errorf("built-in waiver rule %s: %s is never waivable", id, id)
		}
		rules[id] = r
	}
	return rules, nil
}

// narrow applies one data file's waiver rules to w: each id must already
// be waivable; false (or null) makes it not waivable; an object may lower
// max_days and restrict approvers. Anything that would widen is an error.
func (w WaiverRules) narrow(file string, doc map[string]any) error {
	raw, ok := waiversDoc(doc)
	if !ok {
		return nil
	}
	for _, id := range sortedKeys(raw) {
		have, ok := w[id]
		if !ok {
			return fmt.Errorf("%s: costgate.waivers.%s: %s is not waivable by the built-in rules, and a policy folder may only narrow them (fewer ids, fewer approvers, fewer days)", file, id, id)
		}
		v := raw[id]
		if v == nil || v == false {
			delete(w, id)
			continue
		}
		r, err := decodeRule(v)
		if err != nil {
			return fmt.Errorf("%s: costgate.waivers.%s: %w", file, id, err)
		}
		w[id] = WaiverRule{MaxDays: min(have.MaxDays, r.MaxDays), Approvers: intersect(have.Approvers, r.Approvers)}
		if len(w[id].Approvers) == 0 {
			delete(w, id)
		}
	}
	return nil
}

// intersect keeps the approvers both lists admit.
func intersect(have, want []string) []string {
	switch {
	case slices.Contains(have, AnyApprover):
		return slices.Clone(want)
	case slices.Contains(want, AnyApprover):
		return slices.Clone(have)
	}
	var out []string
	for _, a := range want {
		if slices.ContainsFunc(have, func(h string) bool { return NormalizeIdentity(h) == NormalizeIdentity(a) }) {
			out = append(out, a)
		}
	}
	return out
}

// waiversDoc returns doc's costgate.waivers object.
func waiversDoc(doc map[string]any) (map[string]any, bool) {
	cg, ok := doc["costgate"].(map[string]any)
	if !ok {
		return nil, false
	}
	w, ok := cg[waiversKey].(map[string]any)
	return w, ok
}

// withoutWaivers returns doc without its costgate.waivers key; the rules
// are read by the engine, not by policies.
func withoutWaivers(doc map[string]any) map[string]any {
	cg, ok := doc["costgate"].(map[string]any)
	if !ok {
		return doc
	}
	if _, ok := cg[waiversKey]; !ok {
		return doc
	}
	out := deepCopy(doc)
	delete(out["costgate"].(map[string]any), waiversKey)
	return out
}

// decodeRule reads {"max_days": N, "approvers": [...]} strictly.
func decodeRule(v any) (WaiverRule, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return WaiverRule{}, fmt.Errorf("want false or an object with max_days and approvers, got %s", describe(v))
	}
	var r WaiverRule
	for k, val := range obj {
		switch k {
		case "max_days":
			n, ok := toFloat(val)
			if !ok || n < 0 || n != math.Trunc(n) || n > 36500 {
				return r, fmt.Errorf("max_days: want a whole number of days from 0 to 36500, got %s", describe(val))
			}
			r.MaxDays = int(n)
		case "approvers":
			list, ok := val.([]any)
			if !ok || len(list) == 0 {
				return r, fmt.Errorf("approvers: want a non-empty list of identities (emails, @logins) or [\"*\"], got %s", describe(val))
			}
			for _, a := range list {
				s, ok := a.(string)
				if !ok || strings.TrimSpace(s) == "" {
					return r, fmt.Errorf("approvers: want strings, got %s", describe(a))
				}
				r.Approvers = append(r.Approvers, strings.TrimSpace(s))
			}
		default:
			return r, fmt.Errorf("unknown field %q: want max_days and approvers", k)
		}
	}
	if r.Approvers == nil {
		return r, fmt.Errorf("approvers: missing")
	}
	if _, ok := obj["max_days"]; !ok {
		return r, fmt.Errorf("max_days: missing")
	}
	return r, nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// BaseWaivers are the built-in waiver rules as the data files given (the
// text of each data.json of a base's policy folders) narrowed them: the
// rules a change is approved under, whatever it does to those files (a
// folder that narrows who may approve spec.loosened, its narrowing
// dropped by the change, had the change approved by whom the narrowing
// excluded). Read as narrowing only, in any order: an id a file sets
// false, or sets in a way that does not read, is not waivable; a file
// that is no JSON object leaves nothing waivable, as no gate passed
// anything with it.
func BaseWaivers(files [][]byte) (WaiverRules, error) {
	b, err := builtinOnce()
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	rules := b.seal.waivers.clone()
	for _, raw := range files {
		var doc any
		if err := util.UnmarshalJSON(raw, &doc); err != nil {
			return WaiverRules{}, nil
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			return WaiverRules{}, nil
		}
		set, _ := waiversDoc(obj)
		for id, v := range set {
			have, waivable := rules[id]
			if !waivable {
				continue
			}
			r, err := decodeRule(v)
			if err != nil {
				delete(rules, id)
				continue
			}
			if a := intersect(have.Approvers, r.Approvers); len(a) > 0 {
				rules[id] = WaiverRule{MaxDays: min(have.MaxDays, r.MaxDays), Approvers: a}
			} else {
				delete(rules, id)
			}
		}
	}
	return rules, nil
}

// Within is w narrowed by base: the ids both make waivable, each with the
// fewer days and the approvers both admit.
func (w WaiverRules) Within(base WaiverRules) WaiverRules {
	out := WaiverRules{}
	for id, r := range w {
		b, ok := base[id]
		if !ok {
			continue
		}
		if a := intersect(b.Approvers, r.Approvers); len(a) > 0 {
			out[id] = WaiverRule{MaxDays: min(r.MaxDays, b.MaxDays), Approvers: a}
		}
	}
	return out
}
