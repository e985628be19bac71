package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/stacks"
	"github.com/google/go-cmp/cmp"
)

// Attacks on the gate from inside a pull request: each writes what a
// change could write (an override, a policy folder, a price book, a
// loosened spec) and must not open a gate the built-in policies close.

// blockedWith writes testdata/blocked.hcl plus extra HCL to a temp file.
func blockedWith(t *testing.T, extra string) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/blocked.hcl")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "team.hcl")
	if err := os.WriteFile(p, append(raw, []byte("\n"+extra)...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func override(name, policy, approver, expires string) string {
	return "override \"" + name + "\" {\n  policy   = \"" + policy + "\"\n  approver = \"" + approver + "\"\n  reason   = \"because\"\n  expires  = \"" + expires + "\"\n}\n"
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOverrideAuthority(t *testing.T) {
	dir := t.TempDir()
	approvers := writeFile(t, dir, "approvals.json", `{"approved_by": ["cfo@corp.example", "@octocat"]}`)
	attacker := writeFile(t, dir, "attacker.json", `{"approved_by": ["me@attacker.example"]}`)
	narrow := filepath.Dir(writeFile(t, dir, "org/data.json", `{"costgate": {"waivers": {"spend.limit": {"max_days": 30, "approvers": ["cfo@corp.example"]}}}}`))
	const asOfFlag = "2026-11-26"
	tests := []cliCase{
		{"compliance waived by its author", []string{"check", blockedWith(t, override("x", "compliance.external_api", "me@attacker.example", "9999-12-31")), "--as-of", asOfFlag},
			1, "refused override \"x\" for compliance.external_api (not waivable", ""},
		{"compliance waived with evidence", []string{"check", blockedWith(t, override("x", "compliance.external_api", "me@attacker.example", "2026-12-01")), "--as-of", asOfFlag, "--approvals", attacker},
			1, "not waivable", ""},
		{"resource policy waived", []string{"check", blockedWith(t, override("x", "resources.plaintext_secret", "cfo@corp.example", "2026-12-01")), "--as-of", asOfFlag, "--approvals", approvers},
			1, "refused override \"x\" for resources.plaintext_secret", ""},
		{"policy error waived", []string{"check", blockedWith(t, override("x", "policy.error", "cfo@corp.example", "2026-12-01")), "--as-of", asOfFlag},
			1, "not waivable", ""},
		{"spend limit waived forever", []string{"check", blockedWith(t, override("x", "spend.limit", "cfo@corp.example", "9999-12-31")), "--as-of", asOfFlag, "--approvals", approvers},
			1, "expiry past the maximum", ""},
		{"spend limit waived by someone who did not approve", []string{"check", blockedWith(t, override("x", "spend.limit", "cfo@corp.example", "2027-01-15")), "--as-of", asOfFlag, "--approvals", attacker},
			1, "approval not evidenced", ""},
		{"spend limit waived by an approver the organisation does not allow", []string{"check", blockedWith(t, override("x", "spend.limit", "me@attacker.example", "2026-12-15")), "--as-of", asOfFlag, "--approvals", attacker, "--policy-dir", narrow},
			1, "approver not allowed", ""},
		{"organisation shortens the lifetime", []string{"check", blockedWith(t, override("x", "spend.limit", "cfo@corp.example", "2027-01-15")), "--as-of", asOfFlag, "--approvals", approvers, "--policy-dir", narrow},
			1, "expiry past the maximum", ""},
		{"spend limit waived with evidence", []string{"check", blockedWith(t, override("x", "spend.limit", "CFO@corp.example", "2027-01-15")), "--as-of", asOfFlag, "--approvals", approvers},
			0, "ALLOWED", ""},
		{"spend limit waived without evidence is unverified", []string{"check", blockedWith(t, override("x", "spend.limit", "cfo@corp.example", "2027-01-15")), "--as-of", asOfFlag},
			0, "unverified override \"x\" for spend.limit", ""},
		{"override of an id no policy emits", []string{"check", blockedWith(t, override("x", "spend.limitt", "cfo@corp.example", "2027-01-15")), "--as-of", asOfFlag},
			1, "override.unknown: override \"x\" names spend.limitt", ""},
		{"approvals file that is not JSON", []string{"check", "testdata/blocked.hcl", "--approvals", writeFile(t, dir, "bad.json", `approved_by: [me]`)}, 2, "", "read approvals"},
		{"approvals file with a made-up identity", []string{"check", "testdata/blocked.hcl", "--approvals", writeFile(t, dir, "bad2.json", `{"approved_by": ["everyone"]}`)}, 2, "", "neither an email nor a GitHub @login"},
	}
	runCases(t, tests)

	t.Run("refusal in every format", func(t *testing.T) {
		spec := blockedWith(t, override("x", "compliance.external_api", "me@attacker.example", "9999-12-31"))
		for _, format := range []string{"json", "github"} {
			code, out, _ := runCLI("check", spec, "--as-of", asOfFlag, "--format", format)
			if code != 1 || !strings.Contains(out, "not waivable") {
				t.Errorf("check --format %s: exit %d, output lacks the refusal:\n%s", format, code, out)
			}
		}
		for _, format := range []string{"text", "json", "markdown"} {
			code, out, _ := runCLI("plan", spec, "--as-of", asOfFlag, "--format", format)
			if code != 1 || !strings.Contains(out, "not waivable") {
				t.Errorf("plan --format %s: exit %d, output lacks the refusal:\n%s", format, code, out)
			}
		}
	})
}

func TestShadowingFolderIsInvalid(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "compliance.rego", "package costgate.compliance\n\nsprintf(_, _) := \"\" if false\n")
	code, out, stderr := runCLI("check", "testdata/blocked.hcl", "--policy-dir", dir)
	if code != 2 || out != "" {
		t.Fatalf("exit %d (stdout %q), want 2 and nothing on stdout", code, out)
	}
	if want := filepath.ToSlash(dir) + "/compliance.rego:1"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}

func TestPolicyTimeout(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "slow.rego", "package costgate.acme\n\ndeny contains {\"policy\": \"acme.slow\", \"option\": \"*\", \"msg\": \"x\"} if count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i - j]) > 0\n")
	start := time.Now()
	code, _, stderr := runCLI("check", "testdata/blocked.hcl", "--policy-dir", dir, "--policy-timeout", "1s")
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"package costgate.acme", filepath.ToSlash(dir), "--policy-timeout 1s"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("took %v; the deadline was 1s", took)
	}
}

// gitRepo makes a repository with the files committed, then applies the
// change to the working tree; it returns the folder.
func gitRepo(t *testing.T, base, change map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for n, b := range base {
		writeEntry(t, dir, n, b)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base"}} {
		c := exec.Command("git", args...)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for n, b := range change {
		if b == "" {
			os.Remove(filepath.Join(dir, n))
			continue
		}
		writeEntry(t, dir, n, b)
	}
	return dir
}

// writeEntry writes a file, or a symlink to TARGET for a body "-> TARGET".
func writeEntry(t *testing.T, dir, name, body string) {
	t.Helper()
	target, link := strings.CutPrefix(body, "-> ")
	if !link {
		writeFile(t, dir, name, body)
		return
	}
	p := filepath.Join(dir, name)
	os.Remove(p)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// inDir runs the CLI from dir (git reads the repository there).
func inDir(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	return runCLI(args...)
}

func TestDiffBaseRules(t *testing.T) {
	spec, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	book, err := os.ReadFile("testdata/catalog/discount_book.json")
	if err != nil {
		t.Fatal(err)
	}
	cheap := string(book)
	t.Run("a price book change is priced on the base's book", func(t *testing.T) {
		repo := gitRepo(t, map[string]string{"team.hcl": string(spec), "prices.json": `{"as_of": "2026-11-20"}`}, map[string]string{"prices.json": cheap})
		code, out, stderr := inDir(t, repo, "diff", "--base-ref", "HEAD", "--catalog", "prices.json", "--as-of", "2026-11-26", "--", "team.hcl")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"PRICE BOOKS AND POLICIES CHANGED", "price book prices.json modified", "discount vendor=anthropic added", "  price book  "} {
			if !strings.Contains(out, want) {
				t.Errorf("diff lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "No change in the decided cost") {
			t.Errorf("diff hides the price change:\n%s", out)
		}
	})
	t.Run("a price book's change is listed field by field", func(t *testing.T) {
		reserved := func(low string) string {
			return `{"as_of": "2026-11-20", "instances": [{"type": "p5.48xlarge", "region": "us-east-1", "gpu_hour_usd": {"reserved": {"low": ` + low + `, "high": 3.5, "source": "quote", "as_of": "2026-11-12"}}}]}`
		}
		repo := gitRepo(t, map[string]string{"team.hcl": string(spec), "prices.json": reserved("3.1")}, map[string]string{"prices.json": reserved("2.9")})
		code, out, stderr := inDir(t, repo, "diff", "--base-ref", "HEAD", "--catalog", "prices.json", "--as-of", "2026-11-26", "--", "team.hcl")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if want := "instance p5.48xlarge@us-east-1: gpu_hour_usd.reserved.low 3.1 → 2.9"; !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	})
	t.Run("a suspicious figure of the head's book warns in the review", func(t *testing.T) {
		free, err := os.ReadFile("testdata/pricebook/zero_price.json")
		if err != nil {
			t.Fatal(err)
		}
		repo := gitRepo(t, map[string]string{"team.hcl": string(spec), "prices.json": `{"as_of": "2026-11-20"}`}, map[string]string{"prices.json": string(free)})
		for _, format := range []string{"text", "markdown"} {
			code, out, stderr := inDir(t, repo, "diff", "--base-ref", "HEAD", "--catalog", "prices.json", "--as-of", "2026-11-26", "--format", format, "--", "team.hcl")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(out, "catalog.suspicious_price") || !strings.Contains(out, "a discount of 100 % makes every token it covers free") {
				t.Errorf("%s: the review hides the head book's 100 %% discount:\n%s", format, out)
			}
		}
	})
	t.Run("a new policy folder is gated on the base's policies", func(t *testing.T) {
		deny := "package costgate.acme\n\ndeny contains {\"policy\": \"acme.no\", \"option\": \"*\", \"msg\": \"no\"} if true\n"
		repo := gitRepo(t, map[string]string{"team.hcl": string(spec), "policies/acme/keep.rego": "package costgate.acme\n\nx := 1\n"}, map[string]string{"policies/acme/deny.rego": deny})
		code, out, stderr := inDir(t, repo, "diff", "--base-ref", "HEAD", "--policy-dir", "policies/acme", "--as-of", "2026-11-26", "--", "team.hcl")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"policy policies/acme/deny.rego added", "acme.no", "Now blocked"} {
			if !strings.Contains(out, want) {
				t.Errorf("diff lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("check --base-ref denies a loosened spec unless approved", func(t *testing.T) {
		strict := strings.Replace(string(spec), "team \"", "compliance {\n  code_may_leave_network = false\n}\n\nteam \"", 1)
		repo := gitRepo(t, map[string]string{"team.hcl": strict}, map[string]string{"team.hcl": string(spec)})
		code, out, _ := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--", "team.hcl")
		if code != 1 || !strings.Contains(out, "spec.loosened") {
			t.Errorf("exit %d, want 1 with spec.loosened:\n%s", code, out)
		}
		writeFile(t, repo, "approvals.json", `{"approved_by": ["@octocat"]}`)
		code, out, _ = inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--", "team.hcl")
		if code != 0 {
			t.Errorf("exit %d with an approval, want 0:\n%s", code, out)
		}
	})
	// The pull request that renames the spec while loosening it: the file
	// is new at the base, but the team is not, and its old spec is the base.
	t.Run("a renamed spec is compared with its team's spec at the base", func(t *testing.T) {
		strict := strings.Replace(string(spec), "team \"", "compliance {\n  code_may_leave_network = false\n}\n\nteam \"", 1)
		repo := gitRepo(t, map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/acme.hcl": "", "teams/acme-v2.hcl": string(spec)})
		code, out, _ := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--", "teams/acme-v2.hcl")
		if code != 1 || !strings.Contains(out, "spec.loosened") {
			t.Errorf("exit %d, want 1 with spec.loosened:\n%s", code, out)
		}
		code, out, _ = inDir(t, repo, "diff", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--", "teams/acme-v2.hcl")
		if code != 0 || !strings.Contains(out, "LOOSENED") || !strings.Contains(out, "HEAD:teams/acme.hcl") {
			t.Errorf("diff exit %d, want the rename's base and the loosening:\n%s", code, out)
		}
	})
}

// TestRoutesCannotOpenTheGate: pull requests that use the routing
// attributes (route, model, min_quality, managed.candidates) to get a
// denied spec through. Each moves which assignments the search tries; none
// may leave an option allowed that a built-in policy denies.
func TestRoutesCannotOpenTheGate(t *testing.T) {
	dir := t.TempDir()
	const team = "team \"blocked\" {\n  developers           = 20\n  tokens_per_developer = 3e6\n  cost_center          = \"research\"\n}\n"
	const closed = "compliance {\n  code_may_leave_network = false\n}\nbudget {\n  monthly_limit_usd = 1000\n}\n"
	const asOfFlag = "2026-11-26"
	tests := []cliCase{
		{"pin the workload to the cheapest managed model", []string{"check", writeFile(t, dir, "pin.hcl", team+
			"workload \"agent\" {\n  share = 1\n  complexity = \"complex\"\n  route = \"managed\"\n  model = \"claude-haiku-5.5\"\n}\n"+closed), "--as-of", asOfFlag},
			1, "compliance.external_api", ""},
		{"split off a sliver for the fleet, the rest to a cheap candidate", []string{"check", writeFile(t, dir, "split.hcl", team+
			"workload \"agent\" {\n  share = 0.99\n  complexity = \"complex\"\n}\nworkload \"tiny\" {\n  share = 0.01\n  complexity = \"simple\"\n  route = \"self_hosted\"\n}\n"+
			"managed {\n  candidates = [\"claude-haiku-5.5\", \"gpt-6-luna\"]\n}\n"+closed), "--as-of", asOfFlag},
			1, "BLOCKED", ""},
		{"waive the closed network for a pinned route", []string{"check", writeFile(t, dir, "waive.hcl", team+
			"workload \"agent\" {\n  share = 1\n  complexity = \"complex\"\n  route = \"managed\"\n}\n"+closed+override("x", "compliance.external_api", "cfo@corp.example", "2026-12-15")), "--as-of", asOfFlag},
			1, "not waivable", ""},
		{"pin a weaker model under the floor and waive the floor", []string{"check", writeFile(t, dir, "floor.hcl",
			"team \"startup\" {\n  developers = 10\n  tokens_per_developer = 3e6\n  cost_center = \"engineering\"\n}\n"+
				"workload \"agent\" {\n  share = 1\n  complexity = \"complex\"\n  route = \"managed\"\n  model = \"claude-haiku-5.5\"\n  min_quality = 0.9\n}\n"+
				override("x", "quality.floor", "cfo@corp.example", "2026-12-15")), "--as-of", asOfFlag},
			1, "refused override \"x\" for quality.floor (not waivable", ""},
		{"an allowed provider list dodged by a candidate of another provider", []string{"check", writeFile(t, dir, "provider.hcl",
			"team \"startup\" {\n  developers = 10\n  tokens_per_developer = 3e6\n  cost_center = \"engineering\"\n}\n"+
				"workload \"agent\" {\n  share = 1\n  complexity = \"complex\"\n  route = \"managed\"\n}\n"+
				"managed {\n  candidates = [\"gpt-6.2-sol\", \"deepseek-v4-pro\"]\n}\ncompliance {\n  allowed_providers = [\"anthropic\"]\n}\n"), "--as-of", asOfFlag},
			1, "compliance.provider", ""},
	}
	runCases(t, tests)
}

// TestSpecIdentityCannotOpenTheGate: pull requests that rename, move,
// re-case or delete a spec, or swap its team for a new one, to drop a
// compliance block the base enforced. With --spec-dir each is compared by
// team and stays blocked unless approved.
// TestOneSpecATeam: a team whose whole load its budget denies, split into
// two files of half the developers each, was two allowed plans (exit 0):
// each half was gated as if it were the team. Two specs of one team are
// invalid in every plan and check, with or without a base; the same file
// named twice is planned once. Split under two team names in a pull
// request, the team's lighter spec is spec.loosened.
func TestOneSpecATeam(t *testing.T) {
	raw, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	tight := strings.Replace(string(raw), "monthly_limit_usd  = 2000", "monthly_limit_usd  = 100", 1)
	tight = strings.Replace(tight, "approval_above_usd = 1000", "approval_above_usd = 90", 1)
	half := strings.Replace(tight, "developers           = 10", "developers           = 5", 1)
	dir := t.TempDir()
	whole := writeFile(t, dir, "whole.hcl", tight)
	a, b := writeFile(t, dir, "a.hcl", half), writeFile(t, dir, "b.hcl", half)
	if code, out, stderr := runCLI("check", "--as-of", "2026-11-26", whole); code != exitBlocked {
		t.Fatalf("the whole team: exit %d, want %d (its budget denies every option)\n%s%s", code, exitBlocked, out, stderr)
	}
	if code, out, _ := runCLI("check", "--as-of", "2026-11-26", a); code != exitOK {
		t.Fatalf("half the team alone: exit %d, want %d (the attack needs each half allowed)\n%s", code, exitOK, out)
	}
	for _, cmd := range []string{"check", "plan"} {
		code, out, stderr := runCLI(cmd, "--as-of", "2026-11-26", a, b)
		if code != exitInvalid || !strings.Contains(stderr, `both team "startup"`) || !strings.Contains(stderr, "a.hcl") || !strings.Contains(stderr, "b.hcl") {
			t.Errorf("%s of two halves of one team: exit %d, want %d naming both files\nstdout: %s\nstderr: %s", cmd, code, exitInvalid, out, stderr)
		}
	}
	// The same split under another team name for the second half, as a
	// pull request: the halves are two teams now, but the team's own spec
	// lost half its load, which cleared its budget's denial at the base:
	// spec.loosened (the load rule) until a reviewer approves.
	other := strings.Replace(half, `team "startup"`, `team "startup-b"`, 1)
	repo := gitRepo(t, map[string]string{"teams/startup.hcl": tight}, map[string]string{"teams/startup.hcl": half, "teams/startup-b.hcl": other})
	code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--spec-dir", "teams")
	if code != exitBlocked || !strings.Contains(out, "spec.loosened") {
		t.Errorf("a team split in two under two names: exit %d, want %d with spec.loosened\nstdout: %s\nstderr: %s", code, exitBlocked, out, stderr)
	}
	// Named thrice, under three spellings: one plan.
	rel, err := filepath.Rel(mustGetwd(t), whole)
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI("plan", "--as-of", "2026-11-26", "--format", "json", whole, rel, filepath.Join(dir, ".", "whole.hcl"))
	if code != exitBlocked {
		t.Fatalf("plan of one file named thrice: exit %d\n%s", code, stderr)
	}
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Errorf("plan of one file named thrice is not one plan object: %v\n%.300s", err, out)
	}
}

func TestSpecIdentityCannotOpenTheGate(t *testing.T) {
	raw, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	loose := string(raw)
	strict := strings.Replace(loose, "team \"", "compliance {\n  code_may_leave_network = false\n}\n\nteam \"", 1)
	renamed := func(s, team string) string { return strings.Replace(s, `team "startup"`, `team "`+team+`"`, 1) }
	book, err := os.ReadFile("testdata/catalog/discount_book.json")
	if err != nil {
		t.Fatal(err)
	}
	cheapBook := string(book)
	const stackWithRules = "config:\n  costgate:spec: teams/acme.hcl\n  costgate:catalog: deploy/prices.json\n  costgate:policyDirs:\n    - deploy/rules\n"
	const acmeRule = "package costgate.acme\n\nwarn contains v if {\n\tinput.inputs.team == \"nobody\"\n\tv := {\"policy\": \"acme.note\", \"option\": \"*\", \"msg\": \"a note\"}\n}\n"
	const asOf = "2026-11-26"
	tests := []struct {
		name         string
		base, change map[string]string
		args         []string // after check --base-ref HEAD --as-of
		want         int
		wantOut      []string
	}{
		{"letter case of the extension changed, compliance loosened",
			map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/acme.hcl": "", "teams/acme.HCL": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"teams/acme.HCL", "spec.loosened", "code_may_leave_network"}},
		{"moved to a sub-folder, with a looser spec of the same team in examples/",
			map[string]string{"teams/acme.hcl": strict, "examples/acme.hcl": loose}, map[string]string{"teams/acme.hcl": "", "teams/sub/moved.hcl": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"spec.loosened", "code_may_leave_network"}},
		{"moved without --spec-dir: the head's own folder is searched, not examples/",
			map[string]string{"teams/acme.hcl": strict, "examples/acme.hcl": loose}, map[string]string{"teams/acme.hcl": "", "teams/moved.hcl": loose},
			[]string{"--", "teams/moved.hcl"}, 1, []string{"spec.loosened", "code_may_leave_network"}},
		{"deleted, and a new team with no compliance block added",
			map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/acme.hcl": "", "teams/acme-next.hcl": renamed(loose, "startup-next")},
			[]string{"--spec-dir", "teams"}, 1, []string{"team \"startup-next\" is new while team \"startup\" (teams/acme.hcl) is no longer specified", "the spec of team \"startup\" (teams/acme.hcl at HEAD) is deleted"}},
		// A spec kept as a symlink was read at the base as the link's
		// text, which is no spec: its team was unknown there, so moving
		// it to a regular file left it no base (exit 0), and leaving it
		// alone failed every review (exit 2).
		{"a symlinked spec replaced by a looser regular file of its team",
			map[string]string{"examples/acme.hcl": strict, "teams/acme.hcl": "-> ../examples/acme.hcl"}, map[string]string{"teams/acme.hcl": "", "teams/acme-next.hcl": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"teams/acme-next.hcl", "spec.loosened", "code_may_leave_network"}},
		{"a symlinked spec's target loosened",
			map[string]string{"examples/acme.hcl": strict, "teams/acme.hcl": "-> ../examples/acme.hcl"}, map[string]string{"examples/acme.hcl": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"spec.loosened", "code_may_leave_network"}},
		{"a symlinked spec unchanged",
			map[string]string{"examples/acme.hcl": loose, "teams/acme.hcl": "-> ../examples/acme.hcl"}, nil,
			[]string{"--spec-dir", "teams"}, 0, []string{"ALLOWED  teams/acme.hcl"}},
		// A spec the base's folder holds but today's costgate cannot
		// parse (a model the catalog retired, a rule made stricter) has
		// no team at the base: moved and loosened, it was a new team.
		{"a spec that no longer parses at the base, moved and loosened",
			map[string]string{"teams/acme.hcl": strings.Replace(strict, "team \"", "retired = true\n\nteam \"", 1)}, map[string]string{"teams/acme.hcl": "", "teams/acme-next.hcl": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"team \"startup\" is new while teams/acme.hcl at HEAD does not parse, so its team is unknown"}},
		{"team renamed in place",
			map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/acme.hcl": renamed(loose, "other")},
			[]string{"--", "teams/acme.hcl"}, 1, []string{"team changes from \"startup\" to \"other\""}},
		{"deleted outright",
			map[string]string{"teams/acme.hcl": loose, "teams/b.hcl": renamed(loose, "b")}, map[string]string{"teams/acme.hcl": ""},
			[]string{"--spec-dir", "teams"}, 1, []string{"BLOCKED  HEAD:teams/acme.hcl", "is deleted"}},
		{"two head specs of one team",
			map[string]string{"teams/acme.hcl": strict}, map[string]string{"teams/copy.hcl": loose},
			[]string{"--spec-dir", "teams"}, 2, nil},
		{"two base specs of one team",
			map[string]string{"teams/a.hcl": strict, "teams/b.hcl": loose}, map[string]string{"teams/b.hcl": ""},
			[]string{"--spec-dir", "teams"}, 2, nil},
		{"one spec checked among several: nothing else is deleted",
			map[string]string{"teams/acme.hcl": loose, "teams/b.hcl": renamed(loose, "b")}, nil,
			[]string{"--", "teams/acme.hcl"}, 0, []string{"ALLOWED"}},
		{"a stack's spec outside the spec folder, loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"deploy/acme.hcl": loose},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"ALLOWED  teams/b.hcl", "deploy/acme.hcl", "spec.loosened"}},
		{"a stack config pointed at a new, looser spec of the same team",
			map[string]string{"deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme-v2.hcl\n", "deploy/acme-v2.hcl": loose},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"deploy/acme-v2.hcl", "spec.loosened"}},
		// A stack's spec that lives outside the spec folders, moved and
		// loosened with the stack pointed at it: the base was looked for by
		// team in teams/ and at the same path only, so it was a new spec
		// (exit 0, and the deploy job's gate passed too).
		{"a stack's spec outside the spec folder moved, loosened, the stack repointed",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"deploy/acme.hcl": "", "deploy-v2/acme.hcl": loose, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy-v2/acme.hcl\n"},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy-v2/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		{"a stack's spec outside the spec folder moved, loosened, the stack renamed",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"deploy/acme.hcl": "", "Pulumi.acme.yaml": "", "deploy-v2/acme.hcl": loose, "Pulumi.acme2.yaml": "config:\n  costgate:spec: deploy-v2/acme.hcl\n"},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme2.yaml"}, 1, []string{"deploy-v2/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		// A new team's spec has no base, so its own price figures were
		// compared with nothing: an H100 on demand at $0.90 an hour (the
		// catalog's $6.88) priced its fleet unchecked.
		{"a new team with its own GPU-hour price",
			map[string]string{"teams/acme.hcl": loose}, map[string]string{"teams/fresh.hcl": renamed(loose, "fresh") + "\nself_hosted {\n  gpu_hour_usd = 0.9\n}\n"},
			[]string{"--spec-dir", "teams"}, 1, []string{"teams/fresh.hcl", "spec.loosened", "gpu_hour_usd falls from $6.88 (the catalog", "to $0.90 per GPU-hour"}},
		{"a new team at the catalog's prices",
			map[string]string{"teams/acme.hcl": loose}, map[string]string{"teams/fresh.hcl": renamed(loose, "fresh")},
			[]string{"--spec-dir", "teams"}, 0, []string{"ALLOWED  teams/fresh.hcl"}},
		// A stack deleted with its spec loosened in place: the spec was not
		// gated at all (no stack names it, no spec folder holds it).
		{"a stack deleted, its spec outside the spec folder loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"Pulumi.acme.yaml": "", "deploy/acme.hcl": loose},
			[]string{"--spec-dir", "teams"}, 1, []string{"BLOCKED  HEAD:deploy/acme.hcl", "is deleted"}},
		// A value of another namespace that YAML cannot type (!!int hello)
		// made the base's stack file read as deploying nothing, so the
		// moved spec had no base.
		{"a stack file with an untypable value elsewhere, its spec moved and loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "deploy/acme.hcl": strict, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n  other:note: !!int hello\n"},
			map[string]string{"deploy/acme.hcl": "", "deploy-v2/acme.hcl": loose, "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy-v2/acme.hcl\n  other:note: !!int hello\n"},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy-v2/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		// Two specs swap contents: each team keeps its base, but the stack
		// that deployed team a's $2,000 budget now deploys team b's $9,000.
		{"two specs swap contents under a stack",
			map[string]string{"teams/a.hcl": renamed(loose, "a"), "teams/b.hcl": strings.Replace(renamed(loose, "b"), "2000", "9000", 1), "Pulumi.a.yaml": "config:\n  costgate:spec: teams/a.hcl\n"},
			map[string]string{"teams/a.hcl": strings.Replace(renamed(loose, "b"), "2000", "9000", 1), "teams/b.hcl": renamed(loose, "a")},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.a.yaml"}, 1, []string{"stack Pulumi.a.yaml deployed team \"a\" (teams/a.hcl) at HEAD and now deploys team \"b\""}},
		// A stack's price book and policy folders may live outside the
		// reviewed price and policy folders; pulumi up decides with them,
		// the pull request's gate with the default branch's rules.
		{"a stack's price book edited",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"deploy/prices.json": cheapBook},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"stack Pulumi.acme.yaml deploys with rules that change since HEAD (its price book deploy/prices.json changes)"}},
		{"a stack's price book swapped for another",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"deploy/cheap.json": cheapBook, "Pulumi.acme.yaml": strings.Replace(stackWithRules, "prices.json", "cheap.json", 1)},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its price book changes from deploy/prices.json to deploy/cheap.json"}},
		{"a stack's policy file edited",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"deploy/rules/acme.rego": strings.Replace(acmeRule, "nobody", "somebody", 1)},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its policy file deploy/rules/acme.rego changes"}},
		// A file added to a stack's policy folder can switch a rule off: a
		// later data.json overrides the folder's values, a rule its
		// package's default. Only removed and changed files counted.
		{"a file added to a stack's policy folder",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"deploy/rules/zz/data.json": `{"costgate": {"acme": {"off": true}}}`},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its policy file deploy/rules/zz/data.json is added"}},
		{"a policy folder added to a stack",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"deploy/more/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules + "    - deploy/more\n"},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its policy folder deploy/more is added"}},
		// The base's files of a folder with a hidden name were filtered
		// out as hidden, so no edit there was ever a change.
		{"a stack's policy file edited in a hidden folder",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, ".costgate/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": strings.Replace(stackWithRules, "deploy/rules", ".costgate/rules", 1)},
			map[string]string{".costgate/rules/acme.rego": strings.Replace(acmeRule, "nobody", "somebody", 1)},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its policy file .costgate/rules/acme.rego changes"}},
		// A folder that is a symlink at the base: git found nothing through
		// it, so a spec or policy file reached through it had no base.
		{"a stack's spec reached through a symlinked folder, loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "real/acme.hcl": strict, "deploy": "-> real", "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"real/acme.hcl": loose},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		// git answers "dangling" for a link whose target holds a "." step,
		// which the operating system and pulumi up follow.
		{"a stack's spec reached through a folder linked as ./real, loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "real/acme.hcl": strict, "deploy": "-> ./real", "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"real/acme.hcl": loose},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		{"a stack's spec linked as ../real/./acme.hcl, loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "real/acme.hcl": strict, "deploy/acme.hcl": "-> ../real/./acme.hcl", "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"real/acme.hcl": loose},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		// The walk took "sub/.." off the link's text, where the operating
		// system steps up from where sub leads: a decoy beside the real
		// spec was the base.
		{"a stack's spec linked through sub/.. where sub is a link, loosened",
			map[string]string{"teams/b.hcl": renamed(loose, "b"), "store/a/b/keep.txt": "x", "store/other/acme.hcl": strict, "other/acme.hcl": loose,
				"deploy/sub": "-> ../store/a/b", "deploy/acme.hcl": "-> ./sub/../../other/acme.hcl", "Pulumi.acme.yaml": "config:\n  costgate:spec: deploy/acme.hcl\n"},
			map[string]string{"store/other/acme.hcl": loose},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 1, []string{"deploy/acme.hcl", "spec.loosened", "code_may_leave_network"}},
		{"a stack's rules reached through a folder linked as ./real, unchanged",
			map[string]string{"teams/acme.hcl": loose, "real/prices.json": `{"as_of": "2026-11-20"}`, "real/rules/acme.rego": acmeRule, "deploy": "-> ./real", "Pulumi.acme.yaml": stackWithRules}, nil,
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 0, []string{"ALLOWED  teams/acme.hcl"}},
		{"a stack's policy file reached through a symlinked folder, edited",
			map[string]string{"teams/acme.hcl": loose, "real/prices.json": `{"as_of": "2026-11-20"}`, "real/rules/acme.rego": acmeRule, "deploy": "-> real", "Pulumi.acme.yaml": stackWithRules},
			map[string]string{"real/rules/acme.rego": strings.Replace(acmeRule, "nobody", "somebody", 1)},
			[]string{"--stack-config", "Pulumi.acme.yaml"}, 1, []string{"its policy file deploy/rules/acme.rego changes"}},
		{"a stack's rules reached through a symlinked folder, unchanged",
			map[string]string{"teams/acme.hcl": loose, "real/prices.json": `{"as_of": "2026-11-20"}`, "real/rules/acme.rego": acmeRule, "deploy": "-> real", "Pulumi.acme.yaml": stackWithRules}, nil,
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 0, []string{"ALLOWED  teams/acme.hcl"}},
		// docs/CI.md names a stack's folders in COSTGATE_POLICY_DIRS too:
		// the folder was loaded twice and every deploy exited 2.
		{"a stack's policy folder named by --policy-dir too",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules}, nil,
			[]string{"--stack-config", "Pulumi.acme.yaml", "--policy-dir", "./deploy/rules"}, 0, []string{"ALLOWED  teams/acme.hcl"}},
		// Two stacks deploy one spec (with one book, as the review
		// requires): each is compared, not only the last.
		{"the first of two stacks deploying a spec has its price book edited",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.a.yaml": stackWithRules, "Pulumi.b.yaml": "config:\n  costgate:spec: teams/acme.hcl\n  costgate:catalog: deploy/prices.json\n"},
			map[string]string{"deploy/prices.json": cheapBook},
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.a.yaml", "--stack-spec", "Pulumi.b.yaml"}, 1, []string{"stack Pulumi.a.yaml deploys with rules that change since HEAD (its price book deploy/prices.json changes)"}},
		{"a stack's rules unchanged",
			map[string]string{"teams/acme.hcl": loose, "deploy/prices.json": `{"as_of": "2026-11-20"}`, "deploy/rules/acme.rego": acmeRule, "Pulumi.acme.yaml": stackWithRules}, nil,
			[]string{"--spec-dir", "teams", "--stack-spec", "Pulumi.acme.yaml"}, 0, []string{"ALLOWED  teams/acme.hcl"}},
		{"unchanged folder",
			map[string]string{"teams/acme.hcl": loose, "teams/b.HCL": renamed(loose, "b")}, nil,
			[]string{"--spec-dir", "teams"}, 0, []string{"ALLOWED  teams/acme.hcl", "ALLOWED  teams/b.HCL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, tt.base, tt.change)
			args := append([]string{"check", "--base-ref", "HEAD", "--as-of", asOf}, tt.args...)
			code, out, stderr := inDir(t, repo, args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tt.want != 1 {
				return
			}
			// A reviewer's approval is what lets it through.
			writeFile(t, repo, "approvals.json", `{"approved_by": ["@octocat"]}`)
			code, out, stderr = inDir(t, repo, append(args[:5:5], append([]string{"--approvals", "approvals.json"}, tt.args...)...)...)
			if code != 0 {
				t.Errorf("exit %d with an approval, want 0\nstdout: %s\nstderr: %s", code, out, stderr)
			}
			// diff shows the same loosening.
			diffArgs := append([]string{"diff", "--base-ref", "HEAD", "--as-of", asOf}, tt.args...)
			code, out, stderr = inDir(t, repo, diffArgs...)
			if code != 0 || !strings.Contains(out, "LOOSENED") {
				t.Errorf("diff exit %d, want 0 with LOOSENED:\n%s\n%s", code, out, stderr)
			}
		})
	}
}

// TestModelFiguresCannotOpenTheGate: the pull request that raised
// dense_layers in the model block its fleet runs (1 → 45) predicted a first
// token 1,241 → 832 ms and cleared an unwaivable latency.ttft denial with
// exit 0, unseen: the loosener compared a hand-kept list of architecture
// fields. Every figure of the block is compared with the base's now.
func TestModelFiguresCannotOpenTheGate(t *testing.T) {
	raw, err := os.ReadFile("testdata/gate/own-model.hcl")
	if err != nil {
		t.Fatal(err)
	}
	base := string(raw)
	code, out, _ := runCLI("check", "testdata/gate/own-model.hcl", "--as-of", "2026-11-26")
	if code != 1 || !strings.Contains(out, "latency.ttft") {
		t.Fatalf("the base spec: exit %d, want 1 with latency.ttft:\n%s", code, out)
	}
	for _, edit := range [][2]string{
		{"dense_layers      = 1\n", "dense_layers      = 45\n"},
		{"shared_experts    = 1\n", "shared_experts    = 0\n"},
		{"hidden_size       = 4096\n", "hidden_size       = 2048\n"},
	} {
		if !strings.Contains(base, edit[0]) {
			t.Fatalf("the spec lacks %q", edit[0])
		}
		head := strings.Replace(base, edit[0], edit[1], 1)
		repo := gitRepo(t, map[string]string{"teams/acme.hcl": base}, map[string]string{"teams/acme.hcl": head})
		code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--spec-dir", "teams", "--as-of", "2026-11-26", "--", "teams/acme.hcl")
		attr := "model.mine." + strings.Fields(edit[0])[0]
		if code != 1 || !strings.Contains(out, "spec.loosened: "+attr) {
			t.Errorf("%s: exit %d, want 1 with spec.loosened on %s:\n%s%s", strings.TrimSpace(edit[1]), code, attr, out, stderr)
		}
	}
}

// TestDeployGateLoadsWhatTheProgramLoads: the deploy gate (--stack-config)
// refuses a --policy-dir the stack's costgate:policyDirs does not list.
// pulumi up's program loads the stack's folders alone: the organisation's
// folder, given to the gate by CI, denied the managed option there while
// the program deployed it.
func TestDeployGateLoadsWhatTheProgramLoads(t *testing.T) {
	spec, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	const rule = "package costgate.org\n\nwarn contains v if {\n\tinput.inputs.team == \"nobody\"\n\tv := {\"policy\": \"org.note\", \"option\": \"*\", \"msg\": \"a note\"}\n}\n"
	files := map[string]string{"teams/acme.hcl": string(spec), "policies/org/org.rego": rule, "Pulumi.prod.yaml": "config:\n  costgate:spec: teams/acme.hcl\n"}
	repo := gitRepo(t, files, nil)
	code, out, stderr := inDir(t, repo, "check", "--as-of", asOf, "--stack-config", "Pulumi.prod.yaml", "--policy-dir", "./policies/org")
	if code != 2 || !strings.Contains(stderr, "policies/org is not among Pulumi.prod.yaml's costgate:policyDirs") {
		t.Errorf("a folder the stack does not load: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	writeFile(t, repo, "Pulumi.prod.yaml", "config:\n  costgate:spec: teams/acme.hcl\n  costgate:policyDirs:\n    - policies/org\n")
	if code, out, stderr := inDir(t, repo, "check", "--as-of", asOf, "--stack-config", "Pulumi.prod.yaml", "--policy-dir", "./policies/org"); code != 0 {
		t.Errorf("a folder the stack loads: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}

// TestClaimsCannotOpenTheGate: the organization block and team.cost_center
// are claims the team writes about itself, and an organisation's folder
// may read them. A change to one that clears a denial the base's claims
// had is spec.loosened, as a lower load figure is: flipping the two
// organization flags cleared a binding self-hosting checklist, and moving
// the cost centre off "sandbox" cleared a rule keeping it off GPU fleets.
func TestClaimsCannotOpenTheGate(t *testing.T) {
	const rules = `package costgate.org

deny contains v if {
	input.inputs.cost_center == "sandbox"
	some o in input.options
	o.architecture in {"self_hosted", "hybrid"}
	v := {"policy": "org.sandbox_no_fleet", "option": o.architecture, "msg": "cost centre sandbox may not run a GPU fleet"}
}

deny contains v if {
	some o in input.options
	o.architecture in {"self_hosted", "hybrid"}
	input.checklist.met < input.checklist.threshold
	v := {"policy": "org.checklist", "option": o.architecture, "msg": "the self-hosting checklist is not met"}
}
`
	team := func(cc, org string) string {
		return `team "research" {
  developers           = 100
  tokens_per_developer = 3e6
  cost_center          = "` + cc + `"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model = "auto"
  gpu   = "auto"
}

compliance {
  code_may_leave_network = false
}
` + org
	}
	const claims = "\norganization {\n  gpu_expertise        = true\n  latency_over_quality = true\n}\n"
	for _, tt := range []struct {
		name, base, head, want string
	}{
		{"the organization flags flipped", team("research", ""), team("research", claims),
			"spec.loosened: organization.gpu_expertise changes from false to true: at the base's load self_hosted was denied by org.checklist"},
		{"the cost centre moved off sandbox", team("sandbox", claims), team("platform", claims),
			`spec.loosened: team.cost_center changes from "sandbox" to "platform": at the base's load self_hosted was denied by org.sandbox_no_fleet`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"teams/research.hcl": tt.base, "policies/org/org.rego": rules},
				map[string]string{"teams/research.hcl": tt.head})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", asOf, "--policy-dir", "policies/org", "--spec-dir", "teams", "--", "teams/research.hcl")
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want 1 with %q\nstdout: %s\nstderr: %s", code, tt.want, out, stderr)
			}
		})
	}
}

// TestGatedDeploymentIsTheProgramsToo: the deploy gate's --gated-out file
// holds what pulumi up's program deploys when it reads the same stack,
// approvals and date: the program's own plan of the stack gives the same
// Gated, so a deploy the gate passed is never refused by the comparison,
// and one it did not pass is (stacks.TestProgramRefusesAnUngatedPlan).
func TestGatedDeploymentIsTheProgramsToo(t *testing.T) {
	regulated, err := os.ReadFile("../../examples/regulated.hcl")
	if err != nil {
		t.Fatal(err)
	}
	overLimit, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	// The regulated team's code allowed to leave the network, approved
	// in review: the gate's plan holds the review's waiver of
	// spec.loosened, which the program, without a base, has no need of.
	loosened := strings.Replace(string(regulated), "code_may_leave_network = false", "code_may_leave_network = true", 1)
	for _, tt := range []struct{ name, base, spec, approved, want string }{
		{"regulated, nobody approved", "", string(regulated), `[]`, "self_hosted"},
		{"regulated, approved", "", string(regulated), `["cfo@payments.example"]`, "self_hosted"},
		// Unchanged since the last deployed commit, the override counts
		// whoever approved this deploy (its approver approved the change
		// that wrote it); the program counts it from the gated file.
		{"over the limit, carried from the deployed commit", "", string(overLimit), `[]`, "managed"},
		{"over the limit, approved", "", string(overLimit), `["@cfo"]`, "managed"},
		{"regulated, loosened and approved in review", string(regulated), loosened, `["@octocat"]`, "managed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := map[string]string{"teams/team.hcl": tt.spec, "Pulumi.prod.yaml": "config:\n  costgate:spec: teams/team.hcl\n",
				"approvals.json": `{"approved_by": ` + tt.approved + `}`}
			var change map[string]string
			if tt.base != "" {
				base["teams/team.hcl"], change = tt.base, map[string]string{"teams/team.hcl": tt.spec}
			}
			repo := gitRepo(t, base, change)
			code, out, stderr := inDir(t, repo, "check", "--stack-config", "Pulumi.prod.yaml", "--base-ref", "HEAD", "--approvals", "approvals.json", "--gated-out", "gated.json", "--format", "github")
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
			}
			gated, err := stacks.ReadGated(filepath.Join(repo, "gated.json"))
			if err != nil {
				t.Fatal(err)
			}
			wd, _ := os.Getwd()
			if err := os.Chdir(repo); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(wd)
			cfg, err := stacks.ReadStackConfig("Pulumi.prod.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Approvals, err = plan.LoadApprovals("approvals.json"); err != nil {
				t.Fatal(err)
			}
			cfg.Gated = gated // as the program reads COSTGATE_GATED
			p, err := stacks.BuildPlan(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(gated.Architecture) != tt.want {
				t.Errorf("the gate passed %s, want %s", gated.Architecture, tt.want)
			}
			if d := cmp.Diff(*gated, stacks.GatedOf(p)); d != "" {
				t.Errorf("the gate's file and the program's plan differ (-gate +program):\n%s", d)
			}
		})
	}
	repo := gitRepo(t, map[string]string{"teams/regulated.hcl": string(regulated)}, nil)
	if code, _, stderr := inDir(t, repo, "check", "--gated-out", "gated.json", "teams/regulated.hcl"); code != 2 || !strings.Contains(stderr, "give --stack-config") {
		t.Errorf("--gated-out without --stack-config: exit %d, %s", code, stderr)
	}
}

// TestStackFoldersJudgeTheirSpecInTheReview: the pull-request gate judges
// a stack's spec (--stack-spec) with the stack's own policy folders
// (costgate:policyDirs), as the deploy gate does: a load cut that cleared
// only the stack's own cap passed the review unremarked, and the deploy
// gate's denial was then waived by the merged pull request's approval,
// which had approved nothing of the kind. Other teams' specs are not
// judged by the stack's folder.
func TestStackFoldersJudgeTheirSpecInTheReview(t *testing.T) {
	const rule = `package costgate.research

deny contains {"policy": "research.managed_cap", "option": "managed", "msg": "managed above the research cap"} if {
	some o in input.options
	o.architecture == "managed"
	o.cash_usd.expected > 3000
}
`
	team := func(name string, devs int) string {
		return fmt.Sprintf("team %q {\n  developers           = %d\n  tokens_per_developer = 3e6\n  cost_center          = %q\n}\n\nworkload \"agent\" {\n  share      = 1\n  complexity = \"complex\"\n}\n", name, devs, name)
	}
	repo := gitRepo(t, map[string]string{"teams/research.hcl": team("research", 300), "teams/other.hcl": team("other", 300),
		"policies/research/cap.rego": rule, "Pulumi.prod.yaml": "config:\n  costgate:spec: teams/research.hcl\n  costgate:policyDirs:\n    - policies/research\n"},
		map[string]string{"teams/research.hcl": team("research", 150), "teams/other.hcl": team("other", 150)})
	code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", asOf, "--spec-dir", "teams", "--stack-spec", "Pulumi.prod.yaml")
	if code != 1 || !strings.Contains(out, "team.developers falls from 300 to 150: at the base's load managed was denied by research.managed_cap") {
		t.Errorf("exit %d, want 1 with the stack's cap cleared by the load cut\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	if strings.Contains(out, "other.hcl") && strings.Contains(out[strings.Index(out, "other.hcl"):], "research.managed_cap") {
		t.Errorf("another team's spec is judged by the stack's folder:\n%s", out)
	}
}

// TestStackFoldersOnceEach: a stack folder the organisation's folders
// already name (policies/org in the change, rules/policies/org in the
// base's rules checkout) is judged once, with the base's copy: loaded
// both, a default rule clashed and every review exited 2. A spec two
// stacks deploy with different folders of their own is refused (merged,
// one's data.json overrode the other's threshold).
func TestStackFoldersOnceEach(t *testing.T) {
	spec, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	const org = "package costgate.org\n\ndefault strict := false\n\nwarn contains v if {\n\tstrict\n\tv := {\"policy\": \"org.note\", \"option\": \"*\", \"msg\": \"strict\"}\n}\n"
	const own = "package costgate.own\n\nwarn contains v if {\n\tinput.inputs.team == \"nobody\"\n\tv := {\"policy\": \"own.note\", \"option\": \"*\", \"msg\": \"a note\"}\n}\n"
	files := map[string]string{"teams/acme.hcl": string(spec), "policies/org/org.rego": org, "rules/policies/org/org.rego": org,
		"policies/own/own.rego": own, "Pulumi.prod.yaml": "config:\n  costgate:spec: teams/acme.hcl\n  costgate:policyDirs:\n    - policies/org\n"}
	repo := gitRepo(t, files, nil)
	if code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", asOf, "--spec-dir", "teams", "--stack-spec", "Pulumi.prod.yaml", "--policy-dir", "rules/policies/org", "--rules-root", "rules"); code != 0 {
		t.Errorf("the organisation's folder named by the stack: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	writeFile(t, repo, "policies/prod/prod.rego", strings.ReplaceAll(own, "own", "prod"))
	writeFile(t, repo, "Pulumi.prod.yaml", "config:\n  costgate:spec: teams/acme.hcl\n  costgate:policyDirs:\n    - policies/org\n    - policies/prod\n")
	writeFile(t, repo, "Pulumi.staging.yaml", "config:\n  costgate:spec: teams/acme.hcl\n  costgate:policyDirs:\n    - policies/own\n")
	code, _, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", asOf, "--spec-dir", "teams", "--stack-spec", "Pulumi.prod.yaml", "--stack-spec", "Pulumi.staging.yaml", "--policy-dir", "rules/policies/org", "--rules-root", "rules")
	if code != 2 || !strings.Contains(stderr, "deployed by stacks with policy folders of their own, or in an order of their own, that differ") {
		t.Errorf("two stacks with different folders: exit %d\n%s", code, stderr)
	}
}

// TestSameRulePath: a stack folder is the organisation's folder the rules
// checkout holds only where it is that folder's path (policies or under
// it) in this checkout or under --rules-root: a stack's own "org" was
// taken for rules/policies/org, and left out of the review, and so was a
// stack's policies/org for rules/x/policies/org.
func TestSameRulePath(t *testing.T) {
	for _, tt := range []struct {
		root, given, d string
		want           bool
	}{
		{"rules", "rules/policies/org", "policies/org", true},
		{"/ws/rules", "/ws/rules/policies/org", "policies/org", true},
		{"", "./policies/org", "policies/org", true},
		{"rules", "rules/policies", "policies", true},
		{"rules/", "rules/policies/org/", "policies/org", true},
		{"", "rules/policies/org", "policies/org", false},
		{"rules", "rules/x/policies/org", "policies/org", false},
		{"rules", "rules/policies/org", "org", false},
		{"rules", "rules/policies/org", "teams/policies/org", false},
		{"rules", "rules/policies/org2", "policies/org", false},
		{"rules", "rules/xpolicies/org", "policies/org", false},
	} {
		if got := sameRulePath(tt.root, tt.given, tt.d); got != tt.want {
			t.Errorf("sameRulePath(%q, %q, %q) = %v, want %v", tt.root, tt.given, tt.d, got, tt.want)
		}
	}
}

// TestSameRuleBook: the organisation's book is a stack's only at its own
// path, here or under --rules-root: rules/finance/acme.prices.json was
// taken for a stack's acme.prices.json at the root (a book no owner need
// review there), which the review then priced with the organisation's copy.
func TestSameRuleBook(t *testing.T) {
	for _, tt := range []struct {
		root, given, stack string
		want               bool
	}{
		{"rules", "rules/finance/acme.prices.json", "finance/acme.prices.json", true},
		{"rules", "rules/prices/org.json", "prices/org.json", true},
		{"", "prices/org.json", "./prices/org.json", true},
		{"rules", "rules/finance/acme.prices.json", "acme.prices.json", false},
		{"rules", "rules/prices/org.json", "org.json", false},
		{"", "rules/prices/org.json", "prices/org.json", false},
		{"rules", "rules/books/org.json", "books/org.json", false},
	} {
		if got := sameRuleBook(tt.root, tt.given, tt.stack); got != tt.want {
			t.Errorf("sameRuleBook(%q, %q, %q) = %v, want %v", tt.root, tt.given, tt.stack, got, tt.want)
		}
	}
}

// TestStackBookPricesItsSpecInTheReview: the review prices a stack's spec
// with the stack's own price book (costgate:catalog), as the deploy gate
// and pulumi up do: a load cut that cleared the stack's cap only at the
// stack's discounted prices showed nothing in the review, and the deploy
// took its approval from it. With the organisation's book (--catalog),
// every stack must name it; stacks of one spec must name one book.
func TestStackBookPricesItsSpecInTheReview(t *testing.T) {
	const rule = `package costgate.research

deny contains {"policy": "research.managed_cap", "option": "managed", "msg": "managed above the research cap"} if {
	some o in input.options
	o.architecture == "managed"
	o.cash_usd.expected > 3000
}
`
	const book = `{"as_of": "2026-11-20", "discounts": [{"vendor": "anthropic", "percent_off": 30, "source": "enterprise agreement", "as_of": "2026-07-01"}]}`
	team := func(devs int) string {
		return fmt.Sprintf("team \"research\" {\n  developers           = %d\n  tokens_per_developer = 3e6\n  cost_center          = \"research\"\n}\n\nworkload \"agent\" {\n  share      = 1\n  complexity = \"complex\"\n}\n", devs)
	}
	stack := "config:\n  costgate:spec: teams/research.hcl\n  costgate:catalog: books/acme.json\n  costgate:policyDirs:\n    - policies/research\n"
	base := map[string]string{"teams/research.hcl": team(300), "policies/research/cap.rego": rule, "books/acme.json": book, "Pulumi.prod.yaml": stack,
		"prices/org.json": book, "rules/prices/org.json": book}
	repo := gitRepo(t, base, map[string]string{"teams/research.hcl": team(250)})
	review := []string{"check", "--base-ref", "HEAD", "--as-of", asOf, "--spec-dir", "teams", "--stack-spec", "Pulumi.prod.yaml"}
	code, out, stderr := inDir(t, repo, review...)
	if code != 1 || !strings.Contains(out, "team.developers falls from 300 to 250: at the base's load managed was denied by research.managed_cap") {
		t.Errorf("the stack's book: exit %d, want 1 with the cap cleared at its prices\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	for _, tt := range []struct {
		name, prod, staging string
		flags               []string
		want                string
	}{
		{"the organisation's book, the stack names none", strings.Replace(stack, "  costgate:catalog: books/acme.json\n", "", 1), "", []string{"--catalog", "rules/prices/org.json", "--rules-root", "rules"},
			"is not Pulumi.prod.yaml's costgate:catalog: pulumi up prices with the stack's book"},
		{"the organisation's book, the stack names another", stack, "", []string{"--catalog", "rules/prices/org.json", "--rules-root", "rules"},
			"and Pulumi.prod.yaml's costgate:catalog books/acme.json differ"},
		{"the organisation's book, named by the stack", strings.Replace(stack, "books/acme.json", "prices/org.json", 1), "", []string{"--catalog", "rules/prices/org.json", "--rules-root", "rules"}, ""},
		{"two stacks, two books", stack, strings.Replace(stack, "books/acme.json", "prices/org.json", 1), nil,
			"is deployed by stacks that price it with different books"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, repo, "Pulumi.prod.yaml", tt.prod)
			args := append(slices.Clone(review), tt.flags...)
			if tt.staging != "" {
				writeFile(t, repo, "Pulumi.staging.yaml", tt.staging)
				defer os.Remove(filepath.Join(repo, "Pulumi.staging.yaml"))
				args = append(args, "--stack-spec", "Pulumi.staging.yaml")
			}
			code, out, stderr := inDir(t, repo, args...)
			switch {
			case tt.want == "" && code == 2:
				t.Errorf("exit 2:\n%s%s", out, stderr)
			case tt.want != "" && (code != 2 || !strings.Contains(stderr, tt.want)):
				t.Errorf("exit %d, want 2 with %q\nstdout: %s\nstderr: %s", code, tt.want, out, stderr)
			}
		})
	}
}

// TestDeployGateRefusesABookTheStackDoesNotName: --catalog (the
// organisation's book, which costgate.sh now passes in the deploy job too)
// where the stack names no costgate:catalog is refused: pulumi up prices
// with the embedded catalog, and the deploy gate and the program had
// dropped the book every review priced with.
func TestDeployGateRefusesABookTheStackDoesNotName(t *testing.T) {
	spec, err := os.ReadFile("../../examples/startup-10.hcl")
	if err != nil {
		t.Fatal(err)
	}
	repo := gitRepo(t, map[string]string{"teams/acme.hcl": string(spec), "prices/org.json": `{"as_of": "2026-11-20"}`,
		"Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n  costgate:spec: teams/acme.hcl\n"}, nil)
	code, out, stderr := inDir(t, repo, "check", "--as-of", asOf, "--stack-config", "Pulumi.prod.yaml", "--catalog", "./prices/org.json")
	if code != 2 || !strings.Contains(stderr, "is not Pulumi.prod.yaml's costgate:catalog") {
		t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	writeFile(t, repo, "Pulumi.prod.yaml", "config:\n  aws:region: us-east-1\n  costgate:spec: teams/acme.hcl\n  costgate:catalog: prices/org.json\n")
	if code, out, stderr := inDir(t, repo, "check", "--as-of", asOf, "--stack-config", "Pulumi.prod.yaml", "--catalog", "./prices/org.json"); code == 2 {
		t.Errorf("the stack names the book: exit 2\n%s%s", out, stderr)
	}
}

// TestOverrideApprovalCarries: an override counts in a reviewed change
// where its approver approved that change, or where the base holds it
// unchanged (its approver approved the change that wrote it); a change
// that writes an override its approver has not approved is blocked, so
// that no override reaches the base unapproved. Counted only on the
// change's own approvals, the merge of an unrelated typo approved by
// another writer moved a team from managed to a GPU fleet. A change that
// moves the team's load carries none: the approver approved waiving at
// the base's load.
func TestOverrideApprovalCarries(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	withOverride := string(raw)
	without := withOverride[:strings.Index(withOverride, "override \"")]
	tenfold := strings.Replace(withOverride, "developers           = 100", "developers           = 1000", 1)
	if tenfold == withOverride {
		t.Fatal("the fixture's developers line moved")
	}
	// The same load on a fixed fleet of 256 B200s the workload is pinned
	// to: the fleet's bill, which the base's override never waived.
	fleet := strings.NewReplacer("complexity = \"complex\"", "complexity = \"complex\"\n  route      = \"self_hosted\"",
		"gpu   = \"auto\"", "gpu   = \"b200\"\n  gpus  = 256").Replace(withOverride)
	// Opus at a pricier model's bill.
	pricier := strings.Replace(withOverride, "claude-opus-4.8", "gpt-6.2-astra", 1)
	// A comment and the budget block moved to the top: nothing it waives moves.
	budget := "budget {\n  monthly_limit_usd = 8500\n}\n"
	reordered := "# reviewed\n" + budget + strings.Replace(withOverride, budget, "", 1)
	if fleet == withOverride || pricier == withOverride || reordered == budget+withOverride {
		t.Fatal("the fixture's lines moved")
	}
	for _, tt := range []struct {
		name, base, head, approver string
		code                       int
		want                       string
	}{
		{"unchanged since the base, approved by another", withOverride, withOverride, "@dana", 0, "ALLOWED  team.hcl: managed"},
		{"added, approved by its approver", without, withOverride, "@cfo", 0, "ALLOWED  team.hcl: managed"},
		{"added, approved by another", without, withOverride, "@dana", 1, `override.unapproved: override "opus-for-agents" for spend.limit is new or changed in this change and @cfo has not approved it`},
		{"its expiry moved, approved by another", withOverride, strings.Replace(withOverride, "2026-12-30", "2026-12-31", 1), "@dana", 1, "override.unapproved"},
		// Approved at the base's load: a tenfold team waived 90,000 dollars
		// a month on a 9,000-dollar approval.
		{"unchanged, the team raised tenfold, approved by another", withOverride, tenfold, "@dana", 1,
			`was approved at the base's load and rules, which this change moves (team.developers`},
		{"unchanged, the team raised tenfold, approved by its approver", withOverride, tenfold, "@cfo", 0, "ALLOWED  team.hcl: managed"},
		// A look-alike approver is no login: the denial says which character.
		{"added for a look-alike of its approver", without, strings.Replace(withOverride, `"@cfo"`, "\"@cf\u043e\"", 1), "@cfo", 1,
			"holds U+043E CYRILLIC SMALL LETTER O, which looks like 'o'"},
		// Approved at the base's bill: the same load on 256 pinned B200s
		// waived 2.9M dollars a month on an 8,550-dollar approval.
		{"unchanged, pinned to a fixed fleet, approved by another", withOverride, fleet, "@dana", 1,
			`waives more than it waived at the base, planned with the same rules and the base's deployment (self_hosted was not waived at the base),`},
		{"unchanged, pinned to a fixed fleet, approved by its approver", withOverride, fleet, "@cfo", 0, "ALLOWED  team.hcl: self_hosted"},
		{"unchanged, a pricier model, approved by another", withOverride, pricier, "@dana", 1,
			`(managed's bill rises from $8,550 to $13,680 a month),`},
		{"unchanged, a comment and a block moved, approved by another", withOverride, reordered, "@dana", 0, "ALLOWED  team.hcl: managed"},
		// A claim is no load: the same options waived at the same bill.
		{"unchanged, the cost centre renamed, approved by another", withOverride, strings.Replace(withOverride, `cost_center          = "research"`, `cost_center          = "research-ml"`, 1), "@dana", 0, "ALLOWED  team.hcl: managed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"team.hcl": tt.base}, map[string]string{"team.hcl": tt.head, "README.md": "typo\n", "approvals.json": `{"approved_by": ["` + tt.approver + `"]}`})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--", "team.hcl")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}

// TestOverrideCarriesOnlyWhatItsApproverApproved: an override counts as
// the base's only where its approver approved the change that wrote it,
// for its team. One merged while the waiver rules refused it (its
// approver not yet allowed, its policy not yet waivable) waived, never
// approved, once the rules admitted it; one carried to another team by a
// change of the team at its path waived that team's denials, with only
// a reviewer's approval of the loosening.
func TestOverrideCarriesOnlyWhatItsApproverApproved(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	withOverride := string(raw)
	under := strings.Replace(withOverride, "developers           = 100", "developers           = 80", 1)
	without := under[:strings.Index(under, "override \"")]
	gamma := strings.NewReplacer(`team "research"`, `team "gamma"`, `cost_center          = "research"`, `cost_center          = "gamma"`).Replace(withOverride)
	narrowing := map[string]string{
		"approver not yet allowed":  `{"costgate": {"waivers": {"spend.limit": {"max_days": 90, "approvers": ["@vp"]}}}}`,
		"policy not yet waivable":   `{"costgate": {"waivers": {"spend.limit": false}}}`,
		"rules that admit @cfo now": `{"costgate": {"waivers": {}}}`,
	}
	for _, tt := range []struct {
		name       string
		base, head map[string]string
		code       int
		want       string
	}{
		{"written while its approver was not allowed", map[string]string{"teams/team.hcl": without, "org/data.json": narrowing["approver not yet allowed"]},
			map[string]string{"teams/team.hcl": under}, 1, `override.unapproved: override "opus-for-agents"`},
		{"written while its policy was not waivable", map[string]string{"teams/team.hcl": without, "org/data.json": narrowing["policy not yet waivable"]},
			map[string]string{"teams/team.hcl": under}, 1, `override.unapproved: override "opus-for-agents"`},
		{"held unchanged by the base, refused there", map[string]string{"teams/team.hcl": under, "org/data.json": narrowing["approver not yet allowed"]},
			map[string]string{"teams/team.hcl": under, "README.md": "typo\n"}, 0, "ALLOWED  teams/team.hcl: managed"},
		{"carried to another team at its path", map[string]string{"teams/team.hcl": withOverride, "org/data.json": narrowing["rules that admit @cfo now"]},
			map[string]string{"teams/team.hcl": gamma, "teams/research.hcl": without}, 1, `override.unapproved: override "opus-for-agents"`},
		{"unchanged in its team, approved by another", map[string]string{"teams/team.hcl": withOverride, "org/data.json": narrowing["rules that admit @cfo now"]},
			map[string]string{"teams/team.hcl": withOverride, "README.md": "typo\n"}, 0, "ALLOWED  teams/team.hcl: managed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.head["approvals.json"] = `{"approved_by": ["@dana"]}`
			repo := gitRepo(t, tt.base, tt.head)
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--policy-dir", "org", "--approvals", "approvals.json", "--spec-dir", "teams")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}

// TestOverrideOfAnUngatedSpecIsNotCarried: a spec merged where no gate
// read it (outside the spec folders, deployed by no stack) held an
// override its approver never approved; a later change pointed the stack
// at it, and the base's copy counted as approved in the pull request's
// gate and the deploy gate alike. The spec a stack deployed, or one in
// the spec folders, still carries its overrides.
func TestOverrideOfAnUngatedSpecIsNotCarried(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	withOverride := string(raw)
	under := strings.Replace(withOverride, "developers           = 100", "developers           = 80", 1)
	research := under[:strings.Index(under, "override \"")]
	other := strings.NewReplacer(`team "research"`, `team "other"`, `cost_center          = "research"`, `cost_center          = "other"`).Replace(withOverride)
	stack := func(spec string) string { return "config:\n  aws:region: us-east-1\n  costgate:spec: " + spec + "\n" }
	base := map[string]string{"teams/research.hcl": research, "deploy/other.hcl": other, "Pulumi.prod.yaml": stack("teams/research.hcl")}
	for _, tt := range []struct {
		name string
		base map[string]string
		args []string
		code int
		want string
	}{
		{"the pull request's gate", base, []string{"--spec-dir", "teams", "--stack-spec", "Pulumi.prod.yaml"}, 1, `override.unapproved: override "opus-for-agents"`},
		{"the deploy gate", base, []string{"--stack-config", "Pulumi.prod.yaml"}, 1, `override.unapproved: override "opus-for-agents"`},
		{"the deploy gate, the stack's own spec", map[string]string{"deploy/other.hcl": other, "Pulumi.prod.yaml": stack("deploy/other.hcl")},
			[]string{"--stack-config", "Pulumi.prod.yaml"}, 0, "ALLOWED  deploy/other.hcl: managed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, tt.base, map[string]string{"Pulumi.prod.yaml": stack("deploy/other.hcl"), "approvals.json": `{"approved_by": ["@dana"]}`})
			args := append([]string{"check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json"}, tt.args...)
			code, out, stderr := inDir(t, repo, args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}

// TestOverrideCarryNeedsTheBaseRules: a change of the rules a stack
// deploys with (its price book) carries no override from the base: the
// base is re-planned with the head's rules, and a book that doubled Opus's
// price had an override approved at 8,550 dollars a month waive 17,100 in
// the deploy gate, approved as a loosening by any writer.
func TestOverrideCarryNeedsTheBaseRules(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	book := func(in, out int) string {
		return fmt.Sprintf(`{"as_of": "2026-11-20", "managed": [{"id": "claude-opus-4.8", "prices": [{"effective_from": "2026-11-01", "input_per_m": %d, "output_per_m": %d, "cache_read_per_m": 0.5, "cache_write_per_m": {"5m": 6.25, "1h": 10}, "source": "addendum", "as_of": "2026-11-01"}]}]}`, in, out)
	}
	stack := "config:\n  aws:region: us-east-1\n  costgate:spec: teams/team.hcl\n  costgate:catalog: prices/acme.json\n"
	for _, tt := range []struct {
		name, headBook, approver string
		code                     int
		want                     string
	}{
		{"the book unchanged, approved by another", book(5, 25), "@dana", 0, "ALLOWED  teams/team.hcl: managed"},
		{"the book doubles Opus, approved by another", book(10, 50), "@dana", 1, "which this change moves (stack Pulumi.prod.yaml deploys with rules that change since HEAD"},
		{"the book doubles Opus, approved by its approver", book(10, 50), "@cfo", 0, "ALLOWED  teams/team.hcl: managed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"teams/team.hcl": string(raw), "prices/acme.json": book(5, 25), "Pulumi.prod.yaml": stack},
				map[string]string{"prices/acme.json": tt.headBook, "README.md": "typo\n", "approvals.json": `{"approved_by": ["` + tt.approver + `"]}`})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--stack-config", "Pulumi.prod.yaml")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
		})
	}
}

// A carried override waives no more than at the base as the base's stack
// deployed it: a change that turns on the stack's PrivateLink front (a
// Network Load Balancer and an endpoint service on the fleet's bill)
// raises the self-hosted bill the override waives, so its approver
// approves again; one that turns it off lowers the bill and carries.
func TestOverrideCarryNeedsTheBaseDeployment(t *testing.T) {
	raw, err := os.ReadFile("../../stacks/testdata/over-limit-override.hcl")
	if err != nil {
		t.Fatal(err)
	}
	// The fleet decided (code stays in the network) and over the limit:
	// the override waives its bill.
	team := strings.Replace(string(raw), "monthly_limit_usd = 8500", "monthly_limit_usd = 3000", 1) + "\ncompliance {\n  code_may_leave_network = false\n}\n"
	stack := "config:\n  aws:region: us-east-1\n  costgate:spec: teams/team.hcl\n"
	front := stack + "  costgate:endpointServicePrincipals: '[\"arn:aws:iam::210987654321:root\"]'\n"
	for _, tt := range []struct {
		name, base, head, approver string
		code                       int
		want                       string
	}{
		{"the deployment unchanged, approved by another", stack, stack, "@dana", 0, "ALLOWED  teams/team.hcl: self_hosted"},
		{"PrivateLink turned on, approved by another", stack, front, "@dana", 1, "self_hosted's bill rises from"},
		{"PrivateLink turned on, approved by its approver", stack, front, "@cfo", 0, "ALLOWED  teams/team.hcl: self_hosted"},
		{"PrivateLink turned off, approved by another", front, stack, "@dana", 0, "ALLOWED  teams/team.hcl: self_hosted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := gitRepo(t, map[string]string{"teams/team.hcl": team, "Pulumi.prod.yaml": tt.base},
				map[string]string{"Pulumi.prod.yaml": tt.head, "README.md": "typo\n", "approvals.json": `{"approved_by": ["` + tt.approver + `"]}`})
			code, out, stderr := inDir(t, repo, "check", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--approvals", "approvals.json", "--stack-config", "Pulumi.prod.yaml")
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out, stderr)
			}
			// diff prices each side with its own deployment and says so.
			_, out, stderr = inDir(t, repo, "diff", "--base-ref", "HEAD", "--as-of", "2026-11-26", "--stack-config", "Pulumi.prod.yaml")
			if moved := strings.Contains(out, "stack deployment"); moved != (tt.base != tt.head) {
				t.Errorf("diff names the stack deployment: %v\nstdout: %s\nstderr: %s", moved, out, stderr)
			}
		})
	}
}
