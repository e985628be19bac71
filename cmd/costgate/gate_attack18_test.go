package main

import (
	"strings"
	"testing"
)

// TestStackKeysAsPulumiReadsThem: Pulumi reads a stack file's key without
// a namespace as the project's ("catalog: deploy/book.json" is
// costgate:catalog) and "costgate:config:catalog" as costgate:catalog. The
// gates read neither, so a pull request pointing the stack at a book of
// its own passed with no approval (exit 0), the stack's rules compared as
// unchanged, while pulumi up priced with the book; and the same key twice
// let Pulumi deploy either spec.
func TestStackKeysAsPulumiReadsThem(t *testing.T) {
	team := strings.Replace(attack17Team("x", "6.88"), "20000", "60000", 1)
	// Denied by spend.limit, and read by no gate: Pulumi took it for the
	// stack's spec at random.
	denied := strings.Replace(attack17Team("x", "6.88"), "20000", "100", 1)
	const book = `{"as_of": "2026-11-20", "instances": [
  {"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"on_demand": {"low": 0.5, "high": 0.5, "source": "private quote", "as_of": "2026-11-12"}}}]}`
	const stack = "config:\n  aws:region: us-east-1\n  costgate:spec: teams/x.hcl\n"
	for _, tt := range []struct {
		name, lines string
		code        int
		want        string
	}{
		{"a price book without its namespace", "  catalog: deploy/book.json\n", 1, "its price book changes from none (the embedded catalog) to deploy/book.json"},
		{"a price book in the compatibility form", "  costgate:config:catalog: deploy/book.json\n", 1, "its price book changes from none (the embedded catalog) to deploy/book.json"},
		{"policy folders without their namespace", "  policyDirs: [deploy/team]\n", 1, "its policy folder deploy/team is added"},
		{"a second spec", "  spec: other/x.hcl\n", 2, "spec and costgate:spec (line 3) are both costgate:spec"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"teams/x.hcl": team, "Pulumi.yaml": "name: costgate\nruntime: go\n", "Pulumi.x.yaml": stack},
				map[string]string{"deploy/book.json": book, "deploy/team/data.json": `{}`, "other/x.hcl": denied, "Pulumi.x.yaml": stack + tt.lines, "approvals.json": `{"approved_by": []}`})
			for _, args := range [][]string{{"--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml"}, {"--stack-config", "Pulumi.x.yaml"}} {
				code, out, stderr := inDir(t, repo, append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, args...)...)
				if code != tt.code || !strings.Contains(out+stderr, tt.want) {
					t.Errorf("%v: exit %d, want %d with %q\nstdout: %s\nstderr: %s", args, code, tt.code, tt.want, out, stderr)
				}
			}
		})
	}
	t.Run("a key without a namespace at the base", func(t *testing.T) {
		repo := gitRepo(t, map[string]string{"teams/x.hcl": team, "Pulumi.yaml": "name: costgate\nruntime: go\n", "Pulumi.x.yaml": stack + "  catalog: deploy/book.json\n", "deploy/book.json": book},
			map[string]string{"Pulumi.x.yaml": stack, "approvals.json": `{"approved_by": []}`})
		code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--spec-dir", "teams", "--stack-spec", "Pulumi.x.yaml")
		if want := "catalog has no namespace"; code != 1 || !strings.Contains(out, want) {
			t.Errorf("exit %d, want 1 with %q\nstdout: %s\nstderr: %s", code, want, out, stderr)
		}
	})
}
