package main

import (
	"strings"
	"testing"
)

// attack17Team is a team whose code stays in the network, priced on
// on-demand H100s at a GPU-hour price of its own.
func attack17Team(team, gpuHour string) string {
	return `team "` + team + `" {
  developers           = 1200
  tokens_per_developer = 5e6
  cost_center          = "payments"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model        = "auto"
  gpu          = "h100"
  pricing      = "on_demand"
  gpu_hour_usd = ` + gpuHour + `
}

compliance {
  code_may_leave_network = false
}

budget {
  monthly_limit_usd = 20000
}
`
}

// attack17Finance narrows spec.loosened to finance's approval.
const attack17Finance = `{"costgate": {"waivers": {"spec.loosened": {"max_days": 0, "approvers": ["@finance"]}}}}`

// TestStackOfAnUnjudgedSpecIsANewSpec: a spec merged outside the spec
// folders, where no gate read it, and then deployed by a stack the next
// pull request adds, was compared with its own unjudged copy at the base:
// its GPU-hour price of $0.50 (the catalog's $6.88) priced 7 H100s at
// about $5,000 a month under a $20,000 limit (on demand they bill about
// $40,000), and the gate passed with no approval of finance's. A spec new in the change is checked against the
// catalog's price; one no gate judged at the base is no more reviewed.
func TestStackOfAnUnjudgedSpecIsANewSpec(t *testing.T) {
	stack := "config:\n  aws:region: us-east-1\n  costgate:spec: other/x.hcl\n"
	for _, tt := range []struct {
		name         string
		base, change map[string]string
	}{
		{"merged earlier outside the spec folder",
			map[string]string{"other/x.hcl": attack17Team("x", "0.5")},
			map[string]string{"Pulumi.x.yaml": stack}},
		{"added with the stack",
			nil,
			map[string]string{"other/x.hcl": attack17Team("x", "0.5"), "Pulumi.x.yaml": stack}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := map[string]string{"teams/a.hcl": strings.Replace(attack17Team("a", "6.88"), "20000", "60000", 1), "policies/org/data.json": attack17Finance}
			for k, v := range tt.base {
				base[k] = v
			}
			change := map[string]string{"approvals.json": `{"approved_by": ["@dana"]}`}
			for k, v := range tt.change {
				change[k] = v
			}
			repo := gitRepo(t, base, change)
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json",
				"--policy-dir", "policies/org", "--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml")
			if want := "gpu_hour_usd falls from $6.88"; code != 1 || !strings.Contains(out, want) {
				t.Errorf("exit %d, want 1 with %q\nstdout: %s\nstderr: %s", code, want, out, stderr)
			}
		})
	}
}
