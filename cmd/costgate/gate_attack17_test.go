package main

import (
	"os"
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

// TestOverrideCarryNeedsTheRenamedStacksDeployment: the base is planned
// with the deployment its stacks configured, but only stacks deploying
// the spec now were asked; a stack file renamed (Pulumi.prod.yaml to
// Pulumi.production.yaml) left the base at the program's default, so the
// new file dropping costgate:vpcId (the fleet's own VPC and its NAT
// gateway) raised the self-hosted bill the carried override waives, from
// $8,061 to $8,097 a month, with another writer's approval, exit 0. The
// stacks that deployed the team at the base under other names price it
// now, as the same file's would.
func TestOverrideCarryNeedsTheRenamedStacksDeployment(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	team := strings.Replace(string(raw), "monthly_limit_usd = 8500", "monthly_limit_usd = 3000", 1) + "\ncompliance {\n  code_may_leave_network = false\n}\n"
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/team.hcl\n"
	const vpc = stack + "  costgate:vpcId: vpc-0123456789abcdef0\n  costgate:subnetIds: '[\"subnet-0123456789abcdef0\",\"subnet-0123456789abcdef1\"]'\n"
	for _, tt := range []struct {
		name, approver string
		code           int
		want           string
	}{
		{"approved by another", "@dana", 1, "self_hosted's bill rises from $8,061 to $8,097 a month"},
		{"approved by its approver", "@cfo", 0, "ALLOWED  teams/team.hcl: self_hosted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"teams/team.hcl": team, "Pulumi.prod.yaml": vpc},
				map[string]string{"Pulumi.prod.yaml": "", "Pulumi.production.yaml": stack, "approvals.json": `{"approved_by": ["` + tt.approver + `"]}`})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json",
				"--spec-dir", "teams", "--stack-spec", "Pulumi.production.yaml")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}

// TestNewStackBringsItsOwnRules: a stack's price book or policy folders
// changed since the base are spec.loosened, but a stack new in the change
// was compared with nothing: one added to deploy an existing team with a
// book of its own at $0.50 an H100-hour (the catalog's $6.88) had the
// team's fleet, denied by spend.limit at the base's prices ($40,568 over
// a $40,000 limit), pass with no approval at all, in the pull request's
// gate and in the deploy gate of its first deploy. A new stack's rules
// beyond the organisation's are spec.loosened like a changed stack's.
func TestNewStackBringsItsOwnRules(t *testing.T) {
	team := strings.Replace(strings.Replace(attack17Team("x", "6.88"), "  gpu_hour_usd = 6.88\n", "", 1), "20000", "40000", 1)
	const book = `{"as_of": "2026-11-20", "instances": [
  {"type": "p5.4xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}},
  {"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}}]}`
	const rule = "package costgate.xteam\n\nwarn contains v if {\n\tinput.inputs.team == \"nobody\"\n\tv := {\"policy\": \"xteam.note\", \"option\": \"*\", \"msg\": \"a note\"}\n}\n"
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n"
	for _, tt := range []struct {
		name   string
		change map[string]string
		args   []string
		want   string
	}{
		{"its own price book, the pull request's gate",
			map[string]string{"deploy/book.json": book, "Pulumi.x.yaml": stack + "  costgate:catalog: deploy/book.json\n"},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, "the stack is new and prices with its own price book deploy/book.json"},
		{"its own price book, the deploy gate",
			map[string]string{"deploy/book.json": book, "Pulumi.x.yaml": stack + "  costgate:catalog: deploy/book.json\n"},
			[]string{"--stack-config", "Pulumi.x.yaml"}, "the stack is new and prices with its own price book deploy/book.json"},
		{"its own policy folder",
			map[string]string{"deploy/rules/x.rego": rule, "Pulumi.x.yaml": stack + "  costgate:policyDirs:\n    - deploy/rules\n"},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, "the stack is new and adds its own policy folder deploy/rules"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			change := map[string]string{"approvals.json": `{"approved_by": []}`}
			for k, v := range tt.change {
				change[k] = v
			}
			repo := gitRepo(t, map[string]string{"teams/x.hcl": team}, change)
			args := append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, tt.args...)
			code, out, stderr := inDir(t, repo, args...)
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want 1 with %q\nstdout: %s\nstderr: %s", code, tt.want, out, stderr)
			}
		})
	}
}

// TestStackBookNamedLikeTheOrganisations: a new stack's book at the root
// named as the organisation's (acme.prices.json beside
// rules/finance/acme.prices.json) is not the organisation's: matched by
// the end of its path, the review priced the team with the organisation's
// copy, and the deploy gate then refused the stack (exit 2) after the
// merge. The review refuses it as the deploy gate does.
func TestStackBookNamedLikeTheOrganisations(t *testing.T) {
	team := strings.Replace(attack17Team("x", "6.88"), "  gpu_hour_usd = 6.88\n", "", 1)
	const cheap = `{"as_of": "2026-11-20", "instances": [
  {"type": "p5.4xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}}]}`
	const org = `{"as_of": "2026-11-20"}`
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n"
	base := map[string]string{"teams/x.hcl": team, "finance/acme.prices.json": org, "rules/finance/acme.prices.json": org}
	for _, tt := range []struct {
		name, book string
		code       int
		want       string
	}{
		{"the organisation's book", "finance/acme.prices.json", 1, ""},
		{"a book of its own with the organisation's name", "acme.prices.json", 2, "and Pulumi.x.yaml's costgate:catalog acme.prices.json differ"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, base, map[string]string{"acme.prices.json": cheap, "Pulumi.x.yaml": stack + "  costgate:catalog: " + tt.book + "\n"})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml",
				"--catalog", "rules/finance/acme.prices.json", "--rules-root", "rules")
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}
