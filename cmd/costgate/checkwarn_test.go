package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckShowsTheDecidedOptionsWarnings: the gate shows a reviewer the
// warnings of what the change would deploy — here the regulated team's
// self-hosted fleet, reserved for every hour of the month though it
// serves business hours, whose listener speaks plain HTTP — in every
// format.
func TestCheckShowsTheDecidedOptionsWarnings(t *testing.T) {
	args := []string{"check", "../../examples/regulated.hcl", "--as-of", "2026-11-26"}
	code, text, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"\n  warn    self_hosted pricing.idle_commitment: ", "\n  warn    self_hosted resources.http_listener: "} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	_, gh, _ := runCLI(append(args, "--format", "github")...)
	if !strings.Contains(gh, "title=pricing.idle_commitment (self_hosted)::") {
		t.Errorf("github lacks the decided option's pricing.idle_commitment:\n%s", gh)
	}
	_, out, _ := runCLI(append(args, "--format", "json")...)
	var res struct {
		ChosenWarnings []struct{ Policy, Option string } `json:"chosen_warnings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		// Several specs give an array; one spec gives one object.
		var many []json.RawMessage
		if json.Unmarshal([]byte(out), &many) != nil || len(many) != 1 || json.Unmarshal(many[0], &res) != nil {
			t.Fatalf("check --format json: %v\n%s", err, out)
		}
	}
	found := false
	for _, w := range res.ChosenWarnings {
		found = found || w.Policy == "pricing.idle_commitment" && w.Option == "self_hosted"
	}
	if !found {
		t.Errorf("chosen_warnings %+v lacks the self-hosted option's pricing.idle_commitment", res.ChosenWarnings)
	}
}
