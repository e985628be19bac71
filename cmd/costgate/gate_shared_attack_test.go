package main

import (
	"encoding/json"
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
