package main

import (
	"strings"
	"testing"
)

// TestStackFolderCannotLiftItsOwnNarrowing: a stack's own policy folder
// narrows who may approve a loosening (spec.loosened: finance only). The
// pull request that drops the narrowing from the folder's data.json and
// raises the team's budget is spec.loosened, but its approval was judged
// by the head's folder: the narrowing it removes no longer applied, and
// another writer's approval passed it. A data.json that gives the
// narrowed id again, wider, is refused outright.
func TestStackFolderCannotLiftItsOwnNarrowing(t *testing.T) {
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n  costgate:policyDirs:\n    - deploy/rules\n"
	team := attack17Team("x", "6.88")
	base := map[string]string{"teams/x.hcl": team, "deploy/rules/data.json": attack17Finance, "Pulumi.x.yaml": stack}
	for _, tt := range []struct {
		name, data, approver string
		code                 int
	}{
		{"narrowing dropped, another writer approves", `{"costgate": {"note": {"kept": true}}}`, "@dana", 1},
		{"narrowing given twice, the second wider", `{"costgate": {"waivers": {"spec.loosened": {"max_days": 0, "approvers": ["@finance"]}, "spec.loosened": {"max_days": 0, "approvers": ["*"]}}}}`, "@dana", 2},
		{"narrowing dropped, finance approves", `{"costgate": {"note": {"kept": true}}}`, "@finance", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, base, map[string]string{"deploy/rules/data.json": tt.data,
				"teams/x.hcl":    strings.Replace(team, "20000", "900000", 1),
				"approvals.json": `{"approved_by": ["` + tt.approver + `"]}`})
			for _, args := range [][]string{{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, {"--stack-config", "Pulumi.x.yaml"}} {
				code, out, stderr := inDir(t, repo, append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, args...)...)
				if code != tt.code || (code == 1 && (!strings.Contains(out, "spec.loosened") || strings.Contains(out, "ALLOWED"))) {
					t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, tt.code, out, stderr)
				}
			}
		})
	}
}
