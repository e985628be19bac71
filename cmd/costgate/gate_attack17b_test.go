package main

import (
	"strings"
	"testing"
)

// TestStackRulesUnreadableAtTheBase: a stack whose price book or policy
// folders do not read at the base (a costgate:policyDirs that is no list)
// was compared with nothing: the change pointing it at a book of its own
// at $0.50 an H100-hour had the team's fleet, denied by spend.limit at the
// base's prices, pass with no approval.
func TestStackRulesUnreadableAtTheBase(t *testing.T) {
	team := strings.Replace(strings.Replace(attack17Team("x", "6.88"), "  gpu_hour_usd = 6.88\n", "", 1), "20000", "40000", 1)
	const book = `{"as_of": "2026-11-20", "instances": [
  {"type": "p5.4xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}},
  {"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}}]}`
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n"
	repo := gitRepo(t, map[string]string{"teams/x.hcl": team, "Pulumi.x.yaml": stack + "  costgate:policyDirs: not a list\n"},
		map[string]string{"deploy/book.json": book, "Pulumi.x.yaml": stack + "  costgate:catalog: deploy/book.json\n", "approvals.json": `{"approved_by": []}`})
	for _, args := range [][]string{{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, {"--stack-config", "Pulumi.x.yaml"}} {
		code, out, stderr := inDir(t, repo, append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, args...)...)
		if want := "the price book and policy folders it deployed with there are unknown"; code != 1 || !strings.Contains(out, want) {
			t.Errorf("%v: exit %d, want 1 with %q\nstdout: %s\nstderr: %s", args, code, want, out, stderr)
		}
	}
}

// TestStackPolicyFoldersReordered: a later policy folder's data.json
// overrides an earlier one's, and pulumi up loads a stack's folders in the
// order costgate:policyDirs lists them; a change that only reordered them
// (the team's folder, whose looser data the organisation's had overridden,
// now last) changed the rules the stack deploys with and was compared as
// no change.
func TestStackPolicyFoldersReordered(t *testing.T) {
	team := strings.Replace(attack17Team("x", "6.88"), "20000", "60000", 1)
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n  costgate:policyDirs:\n"
	base := map[string]string{"teams/x.hcl": team,
		"deploy/a/data.json": `{"costgate": {"waivers": {"spend.limit": {"max_days": 30, "approvers": ["@anyone"]}}}}`,
		"deploy/b/data.json": `{"costgate": {"waivers": {"spend.limit": {"max_days": 30, "approvers": ["@cfo"]}}}}`,
		"Pulumi.x.yaml":      stack + "    - deploy/a\n    - deploy/b\n"}
	repo := gitRepo(t, base, map[string]string{"Pulumi.x.yaml": stack + "    - deploy/b\n    - deploy/a\n", "approvals.json": `{"approved_by": []}`})
	for _, args := range [][]string{{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, {"--stack-config", "Pulumi.x.yaml"}} {
		code, out, stderr := inDir(t, repo, append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, args...)...)
		if want := "its policy folders' order changes"; code != 1 || !strings.Contains(out, want) {
			t.Errorf("%v: exit %d, want 1 with %q\nstdout: %s\nstderr: %s", args, code, want, out, stderr)
		}
	}
}

// TestStackPolicyFoldersInTheStacksOrder: the gates judge a stack's spec
// with its policy folders in the order pulumi up loads them. A stack
// listing its own folder before the organisation's has the
// organisation's data.json override its own (the cap of 100 a month
// here); loaded organisation-first, the gates let the stack's looser cap
// win, passed the team, and pulumi up's program then denied it.
func TestStackPolicyFoldersInTheStacksOrder(t *testing.T) {
	const rule = "package costgate.cap\n\ndeny contains {\"policy\": \"cap.cash\", \"option\": o.architecture, \"msg\": \"above the cap\"} if {\n\tsome o in input.options\n\to.cash_usd.expected > data.costgate.cap.limit\n}\n"
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n  costgate:policyDirs:\n    - deploy/own\n    - policies/org\n"
	base := map[string]string{"teams/x.hcl": strings.Replace(attack17Team("x", "6.88"), "20000", "900000", 1),
		"policies/org/cap.rego": rule, "policies/org/data.json": `{"costgate": {"cap": {"limit": 100}}}`,
		"deploy/own/data.json": `{"costgate": {"cap": {"limit": 1000000000}}}`, "Pulumi.x.yaml": stack}
	repo := gitRepo(t, base, map[string]string{"approvals.json": `{"approved_by": []}`})
	for _, args := range [][]string{
		{"check", "--base-ref", "HEAD", "--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml", "--policy-dir", "policies/org"},
		{"check", "--base-ref", "HEAD", "--stack-config", "Pulumi.x.yaml", "--policy-dir", "policies/org"},
		{"check", "--stack-config", "Pulumi.x.yaml"},
		{"plan", "--stack-config", "Pulumi.x.yaml"},
	} {
		code, out, stderr := inDir(t, repo, append(args, "--as-of", "2026-11-26", "--approvals", "approvals.json")...)
		if code != 1 || !strings.Contains(out, "cap.cash") {
			t.Errorf("%v: exit %d, want 1 with cap.cash\nstdout: %s\nstderr: %s", args, code, out, stderr)
		}
	}
}

// TestStackPutsItsFolderLastToLoosen is the pull request that moves a
// stack's own folder after the organisation's, so that its looser
// data.json overrides the organisation's cap: the cap denied the team at
// the base and clears at the head, which is spec.loosened and needs an
// approval, in the pull request's gate and the deploy gate alike.
func TestStackPutsItsFolderLastToLoosen(t *testing.T) {
	const rule = "package costgate.cap\n\ndeny contains {\"policy\": \"cap.cash\", \"option\": o.architecture, \"msg\": \"above the cap\"} if {\n\tsome o in input.options\n\to.cash_usd.expected > data.costgate.cap.limit\n}\n"
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n  costgate:policyDirs:\n"
	base := map[string]string{"teams/x.hcl": strings.Replace(attack17Team("x", "6.88"), "20000", "900000", 1),
		"policies/org/cap.rego": rule, "policies/org/data.json": `{"costgate": {"cap": {"limit": 100}}}`,
		"deploy/own/data.json": `{"costgate": {"cap": {"limit": 1000000000}}}`, "Pulumi.x.yaml": stack + "    - deploy/own\n    - policies/org\n"}
	repo := gitRepo(t, base, map[string]string{"Pulumi.x.yaml": stack + "    - policies/org\n    - deploy/own\n", "approvals.json": `{"approved_by": []}`})
	for _, args := range [][]string{
		{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml", "--policy-dir", "policies/org"},
		{"--stack-config", "Pulumi.x.yaml", "--policy-dir", "policies/org"},
	} {
		code, out, stderr := inDir(t, repo, append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, args...)...)
		if code != 1 || !strings.Contains(out, "spec.loosened") || strings.Contains(out, "ALLOWED") {
			t.Errorf("%v: exit %d, want 1 with spec.loosened\nstdout: %s\nstderr: %s", args, code, out, stderr)
		}
	}
}
