package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBudgetLimitIsTheBill: without a budget.monthly_limit_usd the AWS
// Budget's limit is the decided option's expected bill (cash_usd), not its
// monthly_usd, which adds the quality gap's rework: AWS never bills that,
// so a limit holding it puts every alert above the real spend (regulated's
// fleet bills 7,499 a month; a limit of 16,739 would stay silent at twice
// the bill).
func TestBudgetLimitIsTheBill(t *testing.T) {
	raw, err := os.ReadFile("../../examples/regulated.hcl")
	if err != nil {
		t.Fatal(err)
	}
	src := regexp.MustCompile(`(?s)\nbudget \{.*?\n\}\n`).ReplaceAllString(string(raw), "\n")
	if strings.Contains(src, "budget {") {
		t.Fatal("the budget block is still there")
	}
	path := filepath.Join(t.TempDir(), "regulated.hcl")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI("plan", path, "--as-of", "2026-11-26", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p struct {
		Decision struct {
			Architecture string `json:"architecture"`
		} `json:"decision"`
		Options []struct {
			Architecture string                     `json:"architecture"`
			MonthlyUSD   struct{ Expected float64 } `json:"monthly_usd"`
			CashUSD      struct{ Expected float64 } `json:"cash_usd"`
		} `json:"options"`
		Resources []struct {
			Type  string         `json:"type"`
			Props map[string]any `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	var cash, monthly float64
	for _, o := range p.Options {
		if o.Architecture == p.Decision.Architecture {
			cash, monthly = o.CashUSD.Expected, o.MonthlyUSD.Expected
		}
	}
	if cash == monthly {
		t.Fatalf("the decided option (%s) has no quality gap: the test needs one", p.Decision.Architecture)
	}
	found := false
	for _, r := range p.Resources {
		if r.Type != "aws:budgets/budget:Budget" {
			continue
		}
		found = true
		if got, want := r.Props["limitAmount"], fmt.Sprintf("%.2f", cash); got != want {
			t.Errorf("budget limit %v, want the expected bill %s (monthly_usd with the quality gap is %.2f)", got, want, monthly)
		}
	}
	if !found {
		t.Fatalf("no budget among the resources")
	}
}

// TestBudgetLimitOfNearlyNothing: a team whose bill rounds to 0.00 (one
// developer, 1,000 tokens a month on Bedrock, which needs no key secret)
// still plans: the budget's limit is a cent, the least AWS Budgets takes,
// where a limit of 0.00 failed the preview and so the plan (exit 2).
func TestBudgetLimitOfNearlyNothing(t *testing.T) {
	spec := "team \"tiny\" {\n  developers           = 1\n  tokens_per_developer = 1000\n  cost_center          = \"x\"\n}\n\nworkload \"a\" {\n  share      = 1\n  complexity = \"simple\"\n}\n\nmanaged {\n  simple_model  = \"claude-haiku-5.5\"\n  complex_model = \"claude-sonnet-4.6\"\n  provider      = \"bedrock\"\n}\n"
	path := filepath.Join(t.TempDir(), "tiny.hcl")
	if err := os.WriteFile(path, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI("plan", path, "--as-of", "2026-11-26", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"limitAmount": "0.01"`) {
		t.Errorf("no budget of a cent in the plan:\n%s", out)
	}
}
