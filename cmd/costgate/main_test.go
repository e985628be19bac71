package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/report"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// cliCase is one CLI run: its arguments, the exit code it must give, and
// text its stdout and stderr must contain.
type cliCase struct {
	name       string
	args       []string
	want       int
	wantStdout string
	wantStderr string
}

// runCases runs each case in process.
func runCases(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr)
			}
		})
	}
}

// TestExitCodes pins the contract: 0 allowed, 1 blocked, 2 invalid input
// or usage.
func TestExitCodes(t *testing.T) {
	tests := []cliCase{
		{"plan allowed", []string{"plan", "../../examples/startup-10.hcl", "--as-of", "2026-11-26"}, 0, "DECISION   MANAGED", ""},
		{"plan blocked", []string{"plan", "testdata/blocked.hcl", "--as-of", "2026-11-26"}, 1, "DECISION   BLOCKED", ""},
		{"plan invalid spec", []string{"plan", "testdata/invalid.hcl"}, 2, "", "testdata/invalid.hcl:2:"},
		{"plan missing file", []string{"plan", "testdata/nope.hcl"}, 2, "", "nope.hcl"},
		{"plan without a spec", []string{"plan"}, 2, "", "requires at least 1 arg"},
		{"plan unknown format", []string{"plan", "../../examples/startup-10.hcl", "--format", "yaml"}, 2, "", "unknown format"},
		{"plan bad date", []string{"plan", "../../examples/startup-10.hcl", "--as-of", "26/11/2026"}, 2, "", "--as-of"},
		// The zero time means "today" inside: year 1 must not be priced as today.
		{"plan on the first day of year 1", []string{"plan", "../../examples/startup-10.hcl", "--as-of", "0001-01-01"}, 2, "", "--as-of \"0001-01-01\""},
		{"usage since the first day of year 1", []string{"usage", "import", "../../usage/testdata/claude-code-otel/events.jsonl", "--since", "0001-01-01"}, 2, "", "--since \"0001-01-01\""},
		{"usage until the first day of year 1", []string{"usage", "import", "../../usage/testdata/claude-code-otel/events.jsonl", "--until", "0001-01-01"}, 2, "", "--until \"0001-01-01\""},
		{"plan missing policy dir", []string{"plan", "../../examples/startup-10.hcl", "--policy-dir", "testdata/no-such-dir"}, 2, "", "no-such-dir"},
		{"unknown command", []string{"deploy"}, 2, "", "unknown command"},
		{"a typo in a flag", []string{"plan", "--fromat", "json", "../../examples/startup-10.hcl"}, 2, "", "unknown flag: --fromat; did you mean --format?\nusage: costgate plan [SPEC...]"},
		{"breakeven without a spec", []string{"breakeven"}, 2, "", "usage: costgate breakeven SPEC [flags] (costgate breakeven --help lists the flags)"},
		{"check allowed", []string{"check", "../../examples/regulated.hcl", "--as-of", "2026-11-26"}, 0, "ALLOWED", ""},
		{"check blocked", []string{"check", "testdata/blocked.hcl", "../../examples/startup-10.hcl", "--as-of", "2026-11-26"}, 1, "BLOCKED  testdata/blocked.hcl", ""},
		{"check invalid", []string{"check", "testdata/invalid.hcl"}, 2, "", "invalid.hcl:3:"},
	}
	runCases(t, tests)
}

// TestEmptyFlagValues: a flag given an empty value (an unset variable in
// a script: --as-of "$DATE") is invalid input naming the flag. Each ran as
// if not given: priced for today, at list prices without the price book,
// gated with no base to compare with, diffed with no threshold, exit 0.
func TestEmptyFlagValues(t *testing.T) {
	const startup = "../../examples/startup-10.hcl"
	var tests []cliCase
	for _, args := range [][]string{
		{"plan", startup, "--as-of", ""},
		{"plan", startup, "--as-of", "2026-11-26", "--catalog", ""},
		{"check", startup, "--as-of", "2026-11-26", "--approvals", ""},
		{"check", startup, "--as-of", "2026-11-26", "--base-ref="},
		{"check", startup, "--as-of", "2026-11-26", "--stack-config", ""},
		{"diff", startup, startup, "--as-of", "2026-11-26", "--fail-on-increase-above", ""},
		{"breakeven", startup, "--as-of", ""},
		{"catalog", "--as-of", ""},
	} {
		flag := ""
		for i, a := range args {
			switch {
			case strings.HasSuffix(a, "="):
				flag = strings.TrimSuffix(a, "=")
			case a == "" && i > 0:
				flag = args[i-1]
			}
		}
		tests = append(tests, cliCase{strings.Join(args[:1], "") + " " + flag, args, 2, "", flag + " is empty"})
	}
	tests = append(tests, cliCase{"a flag given its value", []string{"plan", startup, "--as-of", "2026-11-26", "--format", "json"}, 0, "\"decision\"", ""})
	runCases(t, tests)
}

// TestPlanJSONMany: several specs give a JSON array, one plan each.
func TestPlanJSONMany(t *testing.T) {
	code, stdout, stderr := runCLI("plan", "../../examples/startup-10.hcl", "../../examples/regulated.hcl", "--format", "json", "--as-of", "2026-11-26")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var plans []map[string]any
	if err := json.Unmarshal([]byte(stdout), &plans); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(plans) != 2 || plans[0]["team"] != "startup" || plans[1]["team"] != "payments-core" {
		t.Errorf("got %d plans, teams %v and %v", len(plans), plans[0]["team"], plans[1]["team"])
	}
}

// TestCheckGitHub: a blocked plan annotates the spec line behind each denial.
func TestCheckGitHub(t *testing.T) {
	code, stdout, _ := runCLI("check", "testdata/blocked.hcl", "--format", "github", "--as-of", "2026-11-26")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"::error file=testdata/blocked.hcl,line=15,", // compliance.code_may_leave_network
		"::error file=testdata/blocked.hcl,line=19,", // budget.monthly_limit_usd
		"title=compliance.external_api (managed)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("annotations lack %q:\n%s", want, stdout)
		}
	}
}

// TestVersion: --version names the module version, the commit and the
// embedded catalog's date.
func TestVersion(t *testing.T) {
	code, stdout, stderr := runCLI("--version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "catalog " + modelcatalog.Default().AsOf + "\n"
	if !strings.HasPrefix(stdout, "costgate ") || !strings.Contains(stdout, ", commit ") || !strings.HasSuffix(stdout, want) {
		t.Errorf("--version printed %q, want costgate VERSION, commit C, %s", stdout, want)
	}
}

// A panic is reported through the escaping writer and exits 2, never 0 or 1.
func TestPanicReportedSafely(t *testing.T) {
	var b bytes.Buffer
	errs := report.NewCommandSafe(&b)
	code := guarded(func() int { panic("::add-mask::x\n::error::forged") }, errs)
	if err := errs.Flush(); err != nil {
		t.Fatal(err)
	}
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	out := b.String()
	if !strings.Contains(out, "internal error") {
		t.Errorf("no internal error message: %q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("live workflow command in panic report: %q", line)
		}
	}
}
