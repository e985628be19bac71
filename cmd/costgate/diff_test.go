package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	goldenfile "github.com/costgate/costgate/internal/golden"
)

const (
	asOf     = "2026-11-26"
	diffBase = "testdata/diff/base.hcl"
	diffHead = "testdata/diff/head.hcl"
	// diffReview approves the head's override and its loosening in review.
	diffReview = "testdata/diff/approvals.json"
)

// TestGoldens pins the plan and diff outputs meant for people: text for a
// terminal, Markdown for pull requests, and the diff's JSON. Rerun with
// -update after an intended change and review the diff of testdata/golden.
func TestGoldens(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
		code   int
	}{
		{"plan-enterprise.txt", []string{"plan", "../../examples/enterprise-hybrid.hcl"}, 0},
		{"plan-enterprise.md", []string{"plan", "../../examples/enterprise-hybrid.hcl", "--format", "markdown"}, 0},
		{"plan-two.md", []string{"plan", "../../examples/startup-10.hcl", "../../examples/regulated.hcl", "--format", "markdown"}, 0},
		// The head raises a max_ttft_ms, a spec.loosened a reviewer approves.
		{"diff.txt", []string{"diff", diffBase, diffHead, "--approvals", diffReview}, 0},
		{"diff.md", []string{"diff", diffBase, diffHead, "--format", "markdown", "--approvals", diffReview}, 0},
		{"diff.json", []string{"diff", diffBase, diffHead, "--format", "json", "--approvals", diffReview}, 0},
		{"diff-none.md", []string{"diff", diffBase, diffBase, "--format", "markdown"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, stdout, stderr := runCLI(append(tt.args, "--as-of", asOf)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			golden(t, filepath.Join("testdata", "golden", tt.golden), stdout)
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	goldenfile.Check(t, path, []byte(got))
}

// TestDiffMarkdownStable: the comment starts with the marker a bot looks
// for, and two runs give the same bytes, so an unchanged PR leaves the
// comment alone.
func TestDiffMarkdownStable(t *testing.T) {
	args := []string{"diff", diffBase, diffHead, "--format", "markdown", "--as-of", asOf}
	_, first, _ := runCLI(args...)
	_, second, _ := runCLI(args...)
	if !strings.HasPrefix(first, "<!-- costgate -->\n") {
		t.Errorf("no marker on the first line:\n%s", first)
	}
	if first != second {
		t.Error("two runs differ")
	}
	if strings.Count(first, "<!-- costgate -->") != 1 {
		t.Error("the marker appears more than once")
	}
}

// TestDiffJSONAddsUp reads the attribution back from JSON: the inputs are
// the ones edited between the two test specs, in order, and add up.
func TestDiffJSONAddsUp(t *testing.T) {
	code, stdout, stderr := runCLI("diff", diffBase, diffHead, "--format", "json", "--as-of", asOf, "--approvals", diffReview)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d struct {
		Decision struct {
			DeltaUSD *float64 `json:"delta_usd"`
		} `json:"decision"`
		Inputs []struct {
			Input       string   `json:"input"`
			DecisionUSD *float64 `json:"decision_usd"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	sum := 0.0
	for _, in := range d.Inputs {
		inputs = append(inputs, in.Input)
		sum += *in.DecisionUSD
	}
	want := []string{"team.developers", "workload.autocomplete.max_ttft_ms", "managed.complex_model", "budget.approval_above_usd", "override.rollout"}
	if diff := cmp.Diff(want, inputs); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if d.Decision.DeltaUSD == nil || abs(sum-*d.Decision.DeltaUSD) > 0.01 {
		t.Errorf("inputs add up to %.2f, decided cost moved %v", sum, d.Decision.DeltaUSD)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestDiffExitCodes: informational by default; 1 only past
// --fail-on-increase-above; 2 for invalid input or usage.
func TestDiffExitCodes(t *testing.T) {
	up := []string{"diff", diffBase, diffBase} // the same spec: no change
	// head → base raises the decided cost (head decides managed, cheaper);
	// it also lowers the approval threshold back, which a reviewer approved.
	rise := []string{"diff", diffHead, diffBase, "--as-of", asOf, "--approvals", "testdata/diff/approvals.json"}
	tests := []cliCase{
		{"no change", append(up, "--as-of", asOf), 0, "No change in the decided cost", ""},
		{"rise is informational", rise, 0, "Decided cost up", ""},
		{"rise above USD limit", append(rise, "--fail-on-increase-above", "500"), 1, "Decided cost up", "above the limit of $500"},
		{"rise above percent limit", append(rise, "--fail-on-increase-above", "10%"), 1, "", "above the limit of 10%"},
		{"rise under limit", append(rise, "--fail-on-increase-above", "1000000"), 0, "", ""},
		{"rise under percent limit", append(rise, "--fail-on-increase-above", "1000%"), 0, "", ""},
		{"fall never fails", []string{"diff", diffBase, diffHead, "--as-of", asOf, "--fail-on-increase-above", "0", "--approvals", diffReview}, 0, "Decided cost down", ""},
		{"bad limit", append(rise, "--fail-on-increase-above", "ten"), 2, "", "--fail-on-increase-above"},
		{"negative limit", append(rise, "--fail-on-increase-above", "-5"), 2, "", "--fail-on-increase-above"},
		{"NaN limit", append(rise, "--fail-on-increase-above", "NaN"), 2, "", "--fail-on-increase-above"},
		{"NaN percent limit", append(rise, "--fail-on-increase-above", "nan%"), 2, "", "--fail-on-increase-above"},
		{"infinite limit", append(rise, "--fail-on-increase-above", "Inf"), 2, "", "--fail-on-increase-above"},
		{"one file", []string{"diff", diffBase}, 2, "", "BASE and HEAD"},
		{"three files", []string{"diff", diffBase, diffHead, diffBase}, 2, "", "BASE and HEAD"},
		{"invalid spec", []string{"diff", diffBase, "testdata/invalid.hcl"}, 2, "", "invalid.hcl:"},
		{"missing file", []string{"diff", "testdata/nope.hcl", diffHead}, 2, "", "nope.hcl"},
		{"unknown format", []string{"diff", diffBase, diffHead, "--format", "html"}, 2, "", "unknown format"},
		{"bad date", []string{"diff", diffBase, diffHead, "--as-of", "tomorrow"}, 2, "", "--as-of"},
		{"base-ref without specs", []string{"diff", "--base-ref", "HEAD"}, 2, "", "--base-ref"},
	}
	runCases(t, tests)
}

// TestDiffBaseRef runs diff against a git revision in a scratch
// repository: a changed spec, a spec new since the revision, a bad ref.
func TestDiffBaseRef(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	base, err := os.ReadFile(diffBase)
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(diffHead)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gitIn := func(args ...string) {
		t.Helper()
		c := exec.Command("git", args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name string, src []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn("init", "-q")
	write("teams/ent.hcl", base)
	gitIn("add", ".")
	gitIn("commit", "-q", "-m", "base")
	write("teams/ent.hcl", head)
	// A new team's spec (a spec of a team the base has is compared with
	// that team's spec: TestDiffBaseRules).
	write("teams/new.hcl", bytes.Replace(base, []byte(`team "enterprise-platform"`), []byte(`team "new-platform"`), 1))
	review, err := filepath.Abs(diffReview)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "teams"))

	code, stdout, stderr := runCLI("diff", "--base-ref", "HEAD", "ent.hcl", "new.hcl", "--format", "markdown", "--as-of", asOf, "--approvals", review)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"<!-- costgate -->", "### `ent.hcl` — Decided cost down", "### `new.hcl` — New spec: hybrid", "`team.developers`"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Count(stdout, "<!-- costgate -->") != 1 {
		t.Error("one comment for all specs should carry one marker")
	}
	// The base of a file is read at the revision, not from the working tree.
	_, local, _ := runCLI("diff", "ent.hcl", filepath.Join(dir, "teams", "ent.hcl"), "--format", "json", "--as-of", asOf)
	_, ref, _ := runCLI("diff", "--base-ref", "HEAD", filepath.Join(dir, "teams", "ent.hcl"), "--format", "json", "--as-of", asOf)
	if !strings.Contains(local, `"inputs": []`) || strings.Contains(ref, `"inputs": []`) {
		t.Errorf("an absolute path must read the base at HEAD:\nlocal: %s\nref: %s", local, ref)
	}

	code, _, stderr = runCLI("diff", "--base-ref", "no-such-branch", "ent.hcl")
	if code != 2 || !strings.Contains(stderr, "no-such-branch") {
		t.Errorf("bad ref: exit %d, stderr %s", code, stderr)
	}
}
