package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFolderDenialReadingThePlanOutsideItsOption: the cost search's gate
// runs the built-in policies' deny rules alone and converts everything of
// a plan but the option once a search. A policy folder's rule that denies
// the hybrid option only by what lies outside it (the team's size, in the
// plan's inputs) must still deny it at the gate and at the whole plan's
// judgement: were the folder's package cut to its deny rules by name or
// the shared inputs stale, enterprise-hybrid's hybrid would be decided.
func TestFolderDenialReadingThePlanOutsideItsOption(t *testing.T) {
	dir := t.TempDir()
	const rule = `package costgate.nohybrid

deny contains {"policy": "org.no_hybrid_at_scale", "option": o.architecture, "msg": "no hybrid fleet for a team of a thousand"} if {
	some o in input.options
	o.architecture == "hybrid"
	input.inputs.developers.low >= 1000
}

warn contains {"policy": "org.size", "option": "*", "msg": "a large team"} if input.inputs.developers.low >= 1000
`
	if err := os.WriteFile(filepath.Join(dir, "nohybrid.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	_, plain, _ := runCLI("plan", "../../examples/enterprise-hybrid.hcl", "--format", "json", "--as-of", "2026-11-26")
	if !strings.Contains(plain, `"architecture": "hybrid"`) {
		t.Fatal("enterprise-hybrid no longer decides hybrid without the folder: the attack tests nothing")
	}
	code, out, stderr := runCLI("plan", "../../examples/enterprise-hybrid.hcl", "--format", "json", "--as-of", "2026-11-26", "--policy-dir", dir)
	var p struct {
		Decision struct{ Architecture string } `json:"decision"`
		Options  []struct {
			Architecture string `json:"architecture"`
			Allowed      bool   `json:"allowed"`
			Violations   []struct {
				Policy string `json:"policy"`
			} `json:"violations"`
		} `json:"options"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	if p.Decision.Architecture == "hybrid" {
		t.Fatalf("the folder's denial was lifted: hybrid decided")
	}
	for _, o := range p.Options {
		if o.Architecture != "hybrid" {
			continue
		}
		denied := false
		for _, v := range o.Violations {
			denied = denied || v.Policy == "org.no_hybrid_at_scale"
		}
		if o.Allowed || !denied {
			t.Errorf("hybrid allowed %v, violations %+v: want denied by org.no_hybrid_at_scale", o.Allowed, o.Violations)
		}
	}
}

// TestFolderDenialOfTheKnapsackSplit: above the exact limit the heuristic
// finds its best split through the knapsack's sets; a policy folder that
// denies exactly that split (workload c on the fleet) keeps it denied, and
// the decision is another allowed option, not the denied split and not a
// copy of it the search met again, and no dearer than the pinned split
// without c on the fleet (heuristic-knapsack3-noc-pinned.hcl): when every
// set the knapsack tried joined the search, its near-copies holding c
// used up MaxGated and the team was decided managed at +41 %.
func TestFolderDenialOfTheKnapsackSplit(t *testing.T) {
	const spec = "../../plan/testdata/heuristic-knapsack3.hcl"
	type route struct {
		Workload string `json:"workload"`
		ServedBy string `json:"served_by"`
	}
	type planJSON struct {
		Decision struct{ Architecture string } `json:"decision"`
		Options  []struct {
			Architecture string  `json:"architecture"`
			Allowed      bool    `json:"allowed"`
			Routes       []route `json:"routes"`
			MonthlyUSD   struct {
				Expected float64 `json:"expected"`
			} `json:"monthly_usd"`
		} `json:"options"`
	}
	cost := func(p planJSON) float64 {
		for _, o := range p.Options {
			if o.Architecture == p.Decision.Architecture && o.Allowed {
				return o.MonthlyUSD.Expected
			}
		}
		return math.Inf(1)
	}
	decided := func(p planJSON) (onFleet map[string]bool) {
		for _, o := range p.Options {
			if o.Architecture == p.Decision.Architecture {
				onFleet = map[string]bool{}
				for _, r := range o.Routes {
					onFleet[r.Workload] = r.ServedBy == "self_hosted"
				}
			}
		}
		return onFleet
	}
	var plain planJSON
	_, out, _ := runCLI("plan", spec, "--format", "json", "--as-of", "2026-11-26")
	if err := json.Unmarshal([]byte(out), &plain); err != nil || plain.Decision.Architecture != "hybrid" || !decided(plain)["c"] {
		t.Fatalf("without the folder the team no longer decides a hybrid with c on the fleet (%v): the attack tests nothing", err)
	}
	dir := t.TempDir()
	const rule = `package costgate.noc

deny contains {"policy": "org.c_stays_managed", "option": o.architecture, "msg": "workload c must not run on the fleet"} if {
	some o in input.options
	some r in o.routes
	r.workload == "c"
	r.served_by == "self_hosted"
}
`
	if err := os.WriteFile(filepath.Join(dir, "noc.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI("plan", spec, "--format", "json", "--as-of", "2026-11-26", "--policy-dir", dir)
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	if onFleet := decided(p); onFleet != nil && onFleet["c"] {
		t.Fatalf("decided %s with c on the fleet, which the folder denies", p.Decision.Architecture)
	}
	var pinned planJSON
	_, out, _ = runCLI("plan", "../../plan/testdata/heuristic-knapsack3-noc-pinned.hcl", "--format", "json", "--as-of", "2026-11-26", "--policy-dir", dir)
	if err := json.Unmarshal([]byte(out), &pinned); err != nil || math.IsInf(cost(pinned), 1) {
		t.Fatalf("the pinned split without c on the fleet is not allowed under the folder (%v)", err)
	}
	if got, known := cost(p), cost(pinned); got > known+0.005 {
		t.Errorf("decided %s at $%.2f, above the allowed pinned split at $%.2f", p.Decision.Architecture, got, known)
	}
	for _, o := range p.Options {
		for _, r := range o.Routes {
			if o.Allowed && r.Workload == "c" && r.ServedBy == "self_hosted" {
				t.Errorf("%s allowed with c on the fleet", o.Architecture)
			}
		}
	}
}
