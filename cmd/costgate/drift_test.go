package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

const (
	driftSpec  = "testdata/drift/team.hcl"
	driftUsage = "testdata/drift/anthropic-usage.json"
)

// TestDriftGoldens: the drift spec guesses 20 developers at 5M-10M tokens;
// its Anthropic export measures 100 at 76M (2.5M a day each: 1.75M on
// Sonnet, 0.75M on Opus, four working hours with the second at double
// load). Managed wins on the guess and self-hosted at the measurement.
func TestDriftGoldens(t *testing.T) {
	for _, tt := range []struct{ golden, format string }{
		{"plan.txt", "text"}, {"plan.md", "markdown"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			code, stdout, stderr := runCLI("plan", driftSpec, "--usage", driftUsage, "--format", tt.format, "--as-of", asOf)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, filepath.Join("testdata", "drift", tt.golden), stdout)
		})
	}
}

func TestDriftPlanJSON(t *testing.T) {
	code, stdout, stderr := runCLI("plan", driftSpec, "--usage", driftUsage, "--usage-format", "anthropic-usage", "--format", "json", "--as-of", asOf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.Usage == nil || p.Usage.Tokens == nil {
		t.Fatalf("no usage section: %.1000s", stdout)
	}
	var raw struct {
		Usage struct {
			Tokens map[string]any `json:"tokens"`
		} `json:"usage"`
	}
	json.Unmarshal([]byte(stdout), &raw)
	if raw.Usage.Tokens["developers"] != 100.0 || raw.Usage.Tokens["format"] != "anthropic-usage" {
		t.Errorf("usage.tokens: developers %v format %v", raw.Usage.Tokens["developers"], raw.Usage.Tokens["format"])
	}
	if p.Decision.Architecture != architecture.Managed || p.Usage.Decision != architecture.SelfHosted {
		t.Errorf("decision %s, at measured usage %s; want managed then self_hosted", p.Decision.Architecture, p.Usage.Decision)
	}
	ids := map[string]string{}
	for _, w := range p.Warnings {
		ids[w.Policy] = w.Message
	}
	for id, want := range map[string]string{
		plan.UsageDrift:     "above the plan's high",
		plan.UsageBreakeven: "the decision would change: self_hosted",
	} {
		if !strings.Contains(ids[id], want) {
			t.Errorf("warning %s = %q, want it to say %q", id, ids[id], want)
		}
	}
	for _, moved := range []string{"team.developers 100 (spec 20)", "team.tokens_per_developer 54.3M (spec 5M–10M)", "team.cached_input_share 0.714 (spec 0)"} {
		if !strings.Contains(ids[plan.UsageDrift], moved) {
			t.Errorf("drift does not name %q: %s", moved, ids[plan.UsageDrift])
		}
	}
	if strings.Contains(ids[plan.UsageDrift], "workload.") {
		t.Errorf("the measured workload shares equal the spec's (0.7 Sonnet), yet drift names one: %s", ids[plan.UsageDrift])
	}
}

// TestDriftMatchesCalibratedPlan: each option's cost at the measured usage
// is what planning the calibrated spec gives (every developer measured the
// same, so the calibrated range is the mean itself).
func TestDriftMatchesCalibratedPlan(t *testing.T) {
	code, calibrated, stderr := runCLI("usage", "calibrate", driftSpec, driftUsage)
	if code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "calibrated.hcl")
	os.WriteFile(path, []byte(calibrated), 0o644)
	_, out, _ := runCLI("plan", path, "--format", "json", "--as-of", asOf)
	var cal plan.Plan
	if err := json.Unmarshal([]byte(out), &cal); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runCLI("plan", driftSpec, "--usage", driftUsage, "--format", "json", "--as-of", asOf)
	var drift plan.Plan
	if err := json.Unmarshal([]byte(out), &drift); err != nil {
		t.Fatal(err)
	}
	if len(drift.Usage.Options) != len(cal.Options) {
		t.Fatalf("%d measured options, %d calibrated", len(drift.Usage.Options), len(cal.Options))
	}
	for i, o := range drift.Usage.Options {
		want := cal.Options[i].MonthlyUSD.Expected
		if got := o.Measured.Expected; got < want*0.99 || got > want*1.01 {
			t.Errorf("%s at measured usage $%.2f, calibrated plan $%.2f", o.Architecture, got, want)
		}
	}
	if cal.Decision.Architecture != drift.Usage.Decision {
		t.Errorf("calibrated plan decides %s, the usage section %s", cal.Decision.Architecture, drift.Usage.Decision)
	}
}

// TestDriftInTheGate: check shows the measured warnings in each format.
func TestDriftInTheGate(t *testing.T) {
	for _, tt := range []struct{ format, want string }{
		{"text", "  warn    usage.breakeven: at the measured usage (100 developers"},
		{"json", `"policy": "usage.drift"`},
		{"github", "::warning file=testdata/drift/team.hcl,line=2,col=1,title=usage.breakeven::"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			code, stdout, stderr := runCLI("check", driftSpec, "--usage", driftUsage, "--format", tt.format, "--as-of", asOf)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, stdout)
			}
		})
	}
	// Without --usage, nothing changes.
	_, stdout, _ := runCLI("check", driftSpec, "--format", "json", "--as-of", asOf)
	if strings.Contains(stdout, "usage.") {
		t.Errorf("usage warnings without --usage:\n%s", stdout)
	}
}

// TestDriftTeamPolicy: a team's policy turns measured drift into a denial.
func TestDriftTeamPolicy(t *testing.T) {
	dir := t.TempDir()
	rego := `package costgate.team.drift

deny contains v if {
	some o in input.usage.options
	o.architecture == "managed"
	o.measured_usd.expected > o.planned_usd.high
	v := {"policy": "team.usage_drift", "option": "managed", "msg": sprintf("managed costs %v a month at measured usage", [o.measured_usd.expected])}
}
`
	os.WriteFile(filepath.Join(dir, "drift.rego"), []byte(rego), 0o644)
	code, stdout, stderr := runCLI("check", driftSpec, "--usage", driftUsage, "--policy-dir", dir, "--as-of", asOf)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "ALLOWED  testdata/drift/team.hcl: self_hosted") || !strings.Contains(stdout, "deny    managed team.usage_drift: managed costs") {
		t.Errorf("the team policy did not move the decision:\n%s", stdout)
	}
}

// TestCapacityMeasured compares the vLLM scrapes' busiest interval with
// the drift spec's one-replica fleet: a minute at 100 prompt and 10
// generation tok/s keeps it far under half its 70 % target; a minute at
// 50 million prompt tokens is far above it.
func TestCapacityMeasured(t *testing.T) {
	dir := t.TempDir()
	scrapes := func(name string, counts ...float64) []string {
		var out []string
		for i, v := range counts {
			p := filepath.Join(dir, fmt.Sprintf("%s%d.prom", name, i))
			os.WriteFile(p, []byte(fmt.Sprintf("vllm:prompt_tokens_total{engine=\"0\",model_name=\"qwen\"} %g %d\nvllm:generation_tokens_total{engine=\"0\",model_name=\"qwen\"} %g %d\n",
				v, 1793620800000+int64(i)*60000, v/10, 1793620800000+int64(i)*60000)), 0o644)
			out = append(out, p)
		}
		return out
	}
	low, high := scrapes("low", 1e6, 1e6+6000), scrapes("high", 1e6, 51e6)
	for _, tt := range []struct {
		name  string
		files []string
		want  string
	}{
		{"oversized", low, "under half the 70 % target: the fleet is oversized"},
		{"overloaded", high, "above the 70 % target"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"plan", driftSpec, "--format", "json", "--as-of", asOf}
			for _, f := range tt.files {
				args = append(args, "--usage", f)
			}
			code, stdout, stderr := runCLI(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var p plan.Plan
			json.Unmarshal([]byte(stdout), &p)
			found := false
			for _, w := range p.Warnings {
				if w.Policy == plan.CapacityMeasured {
					found = true
					if !strings.Contains(w.Message, tt.want) {
						t.Errorf("capacity.measured %q lacks %q", w.Message, tt.want)
					}
				}
			}
			if !found || p.Usage == nil || p.Usage.Fleet == nil {
				t.Errorf("no capacity.measured warning or fleet section: %v", p.Warnings)
			}
		})
	}
}

func TestDriftErrors(t *testing.T) {
	runCases(t, []cliCase{
		{"bad usage format", []string{"plan", driftSpec, "--usage", driftUsage, "--usage-format", "xml"}, 2, "", `--usage-format "xml"`},
		{"missing usage file", []string{"check", driftSpec, "--usage", "testdata/drift/nope.json"}, 2, "", "nope.json"},
		{"two token formats", []string{"plan", driftSpec, "--usage", driftUsage, "--usage", usageData + "openai-usage/page1.json"}, 2, "", "one token format at a time"},
		{"no usage in it", []string{"plan", driftSpec, "--usage", usageData + "vllm-metrics/stamped-1.prom"}, 2, "", "two or more scrapes"},
		// One export was every team's measured usage: each plan said
		// "measured: 100 developers" and charged its team with all of it.
		{"several specs", []string{"plan", "../../examples/startup-10.hcl", "../../examples/company-50.hcl", "--usage", driftUsage}, 2, "", "--usage with 2 specs"},
		{"several specs, check", []string{"check", "../../examples/startup-10.hcl", driftSpec, "--usage", driftUsage}, 2, "", "plan each spec with its own team's --usage"},
	})
}

// TestDriftGaps: a page set with a page missing is refused by plan and
// check naming the file; --usage-allow-gaps reads on and every output
// says what is missing.
func TestDriftGaps(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "rate-limited.json")
	if err := os.WriteFile(bad, []byte(`{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"check", driftSpec, "--usage", driftUsage, "--usage", bad, "--usage-format", "anthropic-usage", "--as-of", asOf}
	code, _, stderr := runCLI(args...)
	if code != 2 || !strings.Contains(stderr, bad+":1: is an API error body (rate_limit_error: slow down)") {
		t.Errorf("exit %d, stderr %q: want 2 naming the error body", code, stderr)
	}
	for _, format := range []string{"text", "json", "github"} {
		code, stdout, stderr := runCLI(append(args, "--usage-allow-gaps", "--format", format)...)
		if code != 0 || !strings.Contains(stdout, "usage.gaps") || !strings.Contains(stdout, "rate_limit_error") {
			t.Errorf("%s: exit %d, stderr %q, output lacks the gap:\n%s", format, code, stderr, stdout)
		}
	}
	code, stdout, _ := runCLI("usage", "import", "--from", "anthropic-usage", "--allow-gaps", driftUsage, bad)
	if code != 0 || !strings.Contains(stdout, "missing usage, not counted: "+bad) {
		t.Errorf("usage import --allow-gaps: exit %d:\n%s", code, stdout)
	}
}

// TestDriftOneHourWrites: the export tells its cache writes' lifetimes
// apart, and writes bought for an hour bill the one-hour rate (Claude: 2×
// input, against 1.25× for five minutes). Every write moved to the hour
// made the same measured cost as five minutes: $820 a month low on this
// team. The managed option's measured cost now rises by the writes at
// the difference of the two rates.
func TestDriftOneHourWrites(t *testing.T) {
	raw, err := os.ReadFile(driftUsage)
	if err != nil {
		t.Fatal(err)
	}
	hour := regexp.MustCompile(`"ephemeral_5m_input_tokens":(\d+),"ephemeral_1h_input_tokens":0`).
		ReplaceAllString(string(raw), `"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":${1}`)
	if hour == string(raw) {
		t.Fatal("the fixture's writes were not moved")
	}
	hourFile := filepath.Join(t.TempDir(), "hour.json")
	if err := os.WriteFile(hourFile, []byte(hour), 0o600); err != nil {
		t.Fatal(err)
	}
	measured := func(usage string) (float64, map[string]float64) {
		t.Helper()
		code, stdout, stderr := runCLI("plan", driftSpec, "--usage", usage, "--format", "json", "--as-of", asOf)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var p plan.Plan
		if err := json.Unmarshal([]byte(stdout), &p); err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Usage struct {
				Tokens struct {
					ModelBuckets map[string]struct {
						CacheWrite float64 `json:"cache_write"`
					} `json:"model_buckets"`
				} `json:"tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
			t.Fatal(err)
		}
		writes := map[string]float64{}
		for id, b := range raw.Usage.Tokens.ModelBuckets {
			writes[id] = b.CacheWrite
		}
		for _, o := range p.Usage.Options {
			if o.Architecture == architecture.Managed {
				return o.Measured.Expected, writes
			}
		}
		t.Fatal("no managed option at the measured usage")
		return 0, nil
	}
	five, _ := measured(driftUsage)
	one, writes := measured(hourFile)
	// Claude Sonnet 4.6 $3 input: $3.75 five minutes, $6 an hour; Opus
	// 4.8 $5: $6.25 and $10.
	want := (writes["claude-sonnet-4.6"]*(6-3.75) + writes["claude-opus-4.8"]*(10-6.25)) / 1e6
	if d := one - five; want <= 0 || d < want*0.99 || d > want*1.01 {
		t.Errorf("measured managed $%.2f with one-hour writes, $%.2f with five-minute: +$%.2f, want +$%.2f", one, five, d, want)
	}
}

// TestMeasuredPeakFollowsTheData: the measured cost of a model with peak
// and off-peak prices (DeepSeek V4.1 Flash, 2× on weekdays 01-04 and
// 06-10 UTC) takes the share of the measured tokens in the peak windows
// from the hours the usage happened in, whatever time zone the spec
// gives: from the spec's, one file priced 59 % high under a Shanghai spec
// and another 36 % low under a London one. Each file's hours fall within
// one day in both zones (a period is the team's whole days, and a request
// after midnight would be a day of its own).
func TestMeasuredPeakFollowsTheData(t *testing.T) {
	dir := t.TempDir()
	rows := func(hours []int) string {
		var b []string
		for d := range 5 {
			for _, h := range hours {
				b = append(b, fmt.Sprintf(`{"request_id":"r%d-%d","call_type":"acompletion","startTime":"2026-11-%02dT%02d:20:00Z","model":"deepseek/deepseek-flash","user":"dev%d","prompt_tokens":100000,"completion_tokens":5000}`, d, h, 2+d, h, h%3))
			}
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	spec := func(tz string) string {
		return fmt.Sprintf(`team "ds" {
  developers           = 3
  tokens_per_developer = [20e6, 40e6]
  cost_center          = "eng"
  timezone             = %q
}
workload "agent" {
  share      = 1
  complexity = "complex"
}
managed {
  simple_model  = "deepseek-v4.1-flash"
  complex_model = "deepseek-v4.1-flash"
}
`, tz)
	}
	measured := map[string]float64{}
	for _, tz := range []string{"Asia/Shanghai", "Europe/London"} {
		// Asia's hours are 01-08 UTC (6 in the peak windows); Europe's are
		// hours of UTC 00-16, one day in London and in Shanghai, one of
		// them (09) in a peak window, as 09-16 was.
		for name, hours := range map[string][]int{"asia": {1, 2, 3, 4, 5, 6, 7, 8}, "europe": {4, 9, 10, 11, 12, 13, 14, 15}} {
			sp, usage := filepath.Join(dir, "ds.hcl"), filepath.Join(dir, name+".json")
			os.WriteFile(sp, []byte(spec(tz)), 0o644)
			os.WriteFile(usage, []byte(rows(hours)), 0o644)
			got := measuredManaged(t, sp, usage)
			if prev, ok := measured[name]; ok && prev != got {
				t.Errorf("%s's measured cost moved with the spec's time zone %s: %.2f and %.2f", name, tz, prev, got)
			}
			measured[name] = got
		}
	}
	// Asia's working day is 6 of 8 hours in the peak windows, Europe's
	// none: its tokens cost 1.75× Europe's, about 1.55× with the option's
	// fixed lines (the gateway's) beside them.
	if r := measured["asia"] / measured["europe"]; r < 1.5 || r > 1.6 {
		t.Errorf("asia %.2f, europe %.2f: want about ×1.55", measured["asia"], measured["europe"])
	}
}

// TestMeasuredTierFollowsThePrompts: a per-request export tells each
// request's prompt, and the measured cost prices each at the tier its
// prompt was in (GPT-5.5 bills a prompt above 272,000 tokens at 2× input
// and 1.5× output on the whole request), whatever context_tokens the spec
// guessed: 300,000-token prompts were priced at the base rates for a
// spec at 32,768 tokens, and 10,000-token ones at the tier for a spec at
// 300,000.
func TestMeasuredTierFollowsThePrompts(t *testing.T) {
	dir := t.TempDir()
	rows := func(prompt, n int) string {
		var b []string
		for i := range n {
			b = append(b, fmt.Sprintf(`{"request_id":"r%d","call_type":"acompletion","startTime":"2026-11-0%dT%02d:%02d:00Z","model":"openai/gpt-5.5","user":"dev%d","prompt_tokens":%d,"completion_tokens":%d}`,
				i, 2+i%5, 9+i%8, i%60, i%4, prompt, prompt/60))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	spec := func(ctx string) string {
		return `team "tier" {
  developers           = 4
  tokens_per_developer = [50e6, 100e6]
  cost_center          = "eng"
}
workload "agent" {
  share      = 1
  complexity = "complex"` + ctx + `
}
managed {
  simple_model  = "gpt-5.5"
  complex_model = "gpt-5.5"
}
`
	}
	measured := map[string]float64{}
	for _, ctx := range []string{"", "\n  context_tokens = 300000"} {
		for name, file := range map[string]string{"long": rows(300000, 40), "short": rows(10000, 1200)} {
			sp, usage := filepath.Join(dir, "tier.hcl"), filepath.Join(dir, name+".json")
			os.WriteFile(sp, []byte(spec(ctx)), 0o644)
			os.WriteFile(usage, []byte(file), 0o644)
			got := measuredManaged(t, sp, usage)
			if prev, ok := measured[name]; ok && math.Abs(prev-got) > 0.01 {
				t.Errorf("%s's measured cost moved with the spec's context_tokens: %.2f and %.2f", name, prev, got)
			}
			measured[name] = got
		}
	}
	// The same tokens: the long prompts' at 2× input and 1.5× output.
	if r := measured["long"] / measured["short"]; r < 1.9 || r > 2.05 {
		t.Errorf("long %.2f, short %.2f: want about ×1.98 (the tier's rates on the same tokens)", measured["long"], measured["short"])
	}
}

// measuredManaged plans spec against the usage file and returns the
// managed option's measured cost a month.
func measuredManaged(t *testing.T, spec, usage string) float64 {
	t.Helper()
	code, stdout, stderr := runCLI("plan", spec, "--usage", usage, "--format", "json", "--as-of", "2026-11-26")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	for _, o := range p.Usage.Options {
		if o.Architecture == architecture.Managed {
			return o.Measured.Expected
		}
	}
	t.Fatalf("no managed option at the measured usage: %.500s", stdout)
	return 0
}
