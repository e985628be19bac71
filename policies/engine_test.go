package policies_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/policies"
)

// builtinEngine compiles the built-in policies once for every test that
// needs nothing else.
var builtinEngine = sync.OnceValues(func() (*policies.Engine, error) {
	return policies.New(policies.Options{})
})

func engine(t testing.TB) *policies.Engine {
	t.Helper()
	e, err := builtinEngine()
	if err != nil {
		t.Fatalf("compile built-in policies: %v", err)
	}
	return e
}

// loadPlan reads testdata/plans/NAME/plan.json as maps, so a test case can
// change a field before evaluating it. (Each plan sits in its own folder
// so that stock `opa test policies/`, which loads every JSON file below
// the folder as data, loads them side by side without merge conflicts.)
func loadPlan(t testing.TB, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", name, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return plan
}

// option returns the plan's option of the given architecture.
func option(t *testing.T, plan map[string]any, arch string) map[string]any {
	t.Helper()
	for _, o := range plan["options"].([]any) {
		if o := o.(map[string]any); o["architecture"] == arch {
			return o
		}
	}
	t.Fatalf("plan has no %s option", arch)
	return nil
}

type finding = policies.Finding

func TestEvaluatePlan(t *testing.T) {
	tests := []struct {
		name     string
		plan     string
		edit     func(t *testing.T, plan map[string]any)
		wantDeny []finding
		wantWarn []finding
	}{
		{
			name:     "every option allowed",
			plan:     "allowed",
			wantDeny: []finding{},
			wantWarn: []finding{},
		},
		{
			name: "code may not leave the network",
			plan: "code_stays_inside",
			wantDeny: []finding{
				{Policy: "compliance.external_api", Option: "hybrid", Message: "The hybrid option sends code to external APIs (review via anthropic/claude-sonnet-4.6), but the spec's compliance block says code may not leave the network.", Attribute: "compliance.code_may_leave_network"},
				{Policy: "compliance.external_api", Option: "managed", Message: "The managed option sends code to external APIs (autocomplete via openai/gpt-5.4-mini, review via anthropic/claude-sonnet-4.6), but the spec's compliance block says code may not leave the network.", Attribute: "compliance.code_may_leave_network"},
			},
			wantWarn: []finding{},
		},
		{
			name: "provider outside the allow-list",
			plan: "provider_allow_list",
			wantDeny: []finding{
				{Policy: "compliance.provider", Option: "hybrid", Message: `The hybrid option sends review to provider "anthropic", which is not an allowed provider (allowed: bedrock).`, Attribute: "compliance.allowed_providers"},
				{Policy: "compliance.provider", Option: "managed", Message: `The managed option sends review to provider "anthropic", which is not an allowed provider (allowed: bedrock).`, Attribute: "compliance.allowed_providers"},
			},
			wantWarn: []finding{},
		},
		{
			name: "provider allow-list that lists every provider used",
			plan: "provider_allow_list",
			edit: func(t *testing.T, plan map[string]any) {
				plan["inputs"].(map[string]any)["compliance"].(map[string]any)["allowed_providers"] = []any{"anthropic", "bedrock"}
			},
			wantDeny: []finding{},
			wantWarn: []finding{},
		},
		{
			name: "over the limit and the approval threshold",
			plan: "over_budget",
			wantDeny: []finding{
				{Policy: "spend.approval", Option: "managed", Message: "The managed option's expected cash cost of $42,000 a month (its bill, the quality gap left out) is above the $15,000 that needs approval; an unexpired override for spend.approval allows it.", Attribute: "budget.approval_above_usd"},
				{Policy: "spend.approval", Option: "self_hosted", Message: "The self-hosted option's expected cash cost of $18,000 a month (its bill, the quality gap left out) is above the $15,000 that needs approval; an unexpired override for spend.approval allows it.", Attribute: "budget.approval_above_usd"},
				{Policy: "spend.limit", Option: "managed", Message: "The managed option's expected cash cost of $42,000 a month (its bill, the quality gap left out) is above the budget's monthly limit of $30,000.", Attribute: "budget.monthly_limit_usd"},
			},
			wantWarn: []finding{
				{Policy: "spend.limit_risk", Option: "self_hosted", Message: "The self-hosted option is expected to bill $18,000 a month (its cash, the quality gap left out), within the budget's monthly limit of $30,000, but its high estimate of $31,000 is above it.", Attribute: "budget.monthly_limit_usd"},
			},
		},
		{
			name: "no budget set",
			plan: "over_budget",
			edit: func(t *testing.T, plan map[string]any) {
				plan["inputs"].(map[string]any)["budget"] = map[string]any{"monthly_limit_usd": nil, "approval_above_usd": nil, "alert_emails": []any{}}
			},
			wantDeny: []finding{},
			wantWarn: []finding{},
		},
		{
			name: "expected cost missing under a budget",
			plan: "allowed",
			edit: func(t *testing.T, plan map[string]any) {
				delete(option(t, plan, "hybrid")["cash_usd"].(map[string]any), "expected")
			},
			wantDeny: []finding{
				{Policy: "spend.unknown", Option: "hybrid", Message: "The hybrid option has no expected monthly cash cost, so it cannot be checked against the budget's approval threshold of $15,000 and monthly limit of $30,000.", Attribute: "budget"},
			},
			wantWarn: []finding{},
		},
		{
			name: "time to first token above the target or unknown",
			plan: "latency",
			wantDeny: []finding{
				{Policy: "latency.ttft", Option: "hybrid", Message: "The hybrid option serves autocomplete with qwen3-coder-30b-a3b, whose p95 time to first token is unknown; the workload requires at most 200 ms.", Attribute: "workload.autocomplete.max_ttft_ms"},
				{Policy: "latency.ttft", Option: "managed", Message: "The managed option serves autocomplete with gpt-5.4-mini at a p95 time to first token of 450 ms, above the workload's limit of 200 ms.", Attribute: "workload.autocomplete.max_ttft_ms"},
			},
			wantWarn: []finding{},
		},
		{
			name:     "small team: checklist and peak capacity",
			plan:     "small_team",
			wantDeny: []finding{},
			wantWarn: []finding{
				{Policy: "capacity.peak", Option: "hybrid", Message: "The hybrid fleet (2 x H100) would run at 95% of its capacity at peak, above the 70% target utilization; expect queueing and slower first tokens at peak.", Attribute: "self_hosted.target_utilization"},
				{Policy: "capacity.peak", Option: "self_hosted", Message: "The self-hosted fleet (1 x H100) would run at 95% of its capacity at peak, above the 70% target utilization; expect queueing and slower first tokens at peak.", Attribute: "self_hosted.target_utilization"},
				{Policy: "checklist.self_hosting", Option: "hybrid", Message: "The hybrid option runs its own GPU fleet, but only 1 checklist item is met, and the checklist finds self-hosting worth evaluating from 3 (not met: Monthly managed API spend exceeds $10,000; GPU infrastructure expertise in-house; Compliance prohibits sending code to external APIs; Latency consistency matters more than peak model quality)."},
				{Policy: "checklist.self_hosting", Option: "self_hosted", Message: "The self-hosted option runs its own GPU fleet, but only 1 checklist item is met, and the checklist finds self-hosting worth evaluating from 3 (not met: Monthly managed API spend exceeds $10,000; GPU infrastructure expertise in-house; Compliance prohibits sending code to external APIs; Latency consistency matters more than peak model quality)."},
			},
		},
		{
			name: "fixed fleet over capacity",
			plan: "allowed",
			edit: func(t *testing.T, plan map[string]any) {
				option(t, plan, "self_hosted")["sizing"].(map[string]any)["peak_utilization"] = 1.42
			},
			wantDeny: []finding{
				{Policy: "capacity.exceeded", Option: "self_hosted", Message: "The self-hosted fleet (4 x H100) would run at 142% of its capacity at peak: it cannot serve the load. No fleet the catalog can size would carry it.", Attribute: "self_hosted.gpus"},
			},
			wantWarn: []finding{},
		},
	}
	e := engine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := loadPlan(t, tt.plan)
			if tt.edit != nil {
				tt.edit(t, plan)
			}
			got, err := e.EvaluatePlan(context.Background(), plan)
			if err != nil {
				t.Fatalf("EvaluatePlan: %v", err)
			}
			if diff := cmp.Diff(tt.wantDeny, got.Deny); diff != "" {
				t.Errorf("deny (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarn, got.Warn); diff != "" {
				t.Errorf("warn (-want +got):\n%s", diff)
			}
		})
	}
}

// planInput is a typed plan with only the fields the spend policies read,
// standing in for plan.Plan: a struct is converted through its JSON tags.
type planInput struct {
	Inputs struct {
		Budget struct {
			MonthlyLimitUSD  *float64 `json:"monthly_limit_usd"`
			ApprovalAboveUSD *float64 `json:"approval_above_usd"`
		} `json:"budget"`
	} `json:"inputs"`
	Options []struct {
		Architecture string `json:"architecture"`
		MonthlyUSD   struct {
			Low, Expected, High float64
		} `json:"monthly_usd"`
		CashUSD struct {
			Low, Expected, High float64
		} `json:"cash_usd"`
	} `json:"options"`
}

func TestEvaluatePlanInputForms(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", "over_budget", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var typed planInput
	if err := json.Unmarshal(raw, &typed); err != nil {
		t.Fatal(err)
	}
	// The typed form's MonthlyUSD and CashUSD fields marshal as Low/Expected/High, not
	// the contract's lowercase names, so its expected cost is unknown to
	// the policies: the struct is seen through its JSON, tags and all.
	wantTyped := []string{"spend.unknown/hybrid", "spend.unknown/managed", "spend.unknown/self_hosted"}
	// The product's own plan (what `costgate plan` hands the policies)
	// writes every field of its contract, zero or not: the fixture must be
	// a plan it could write, or a zero the JSON lacks trips a policy.
	var product plan.Plan
	if err := json.Unmarshal(raw, &product); err != nil {
		t.Fatal(err)
	}
	want := []string{"spend.approval/managed", "spend.approval/self_hosted", "spend.limit/managed"}
	tests := []struct {
		name  string
		input any
		want  []string
	}{
		{"maps", loadPlan(t, "over_budget"), want},
		{"JSON bytes", raw, want},
		{"json.RawMessage", json.RawMessage(raw), want},
		{"struct", typed, wantTyped},
		{"plan.Plan", &product, want},
	}
	e := engine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.EvaluatePlan(context.Background(), tt.input)
			if err != nil {
				t.Fatalf("EvaluatePlan: %v", err)
			}
			if diff := cmp.Diff(tt.want, ids(got.Deny)); diff != "" {
				t.Errorf("deny (-want +got):\n%s", diff)
			}
		})
	}
}

func ids(fs []finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Policy+"/"+string(f.Option))
	}
	return out
}

func TestEvaluatePlanConcurrent(t *testing.T) {
	e := engine(t)
	plan := loadPlan(t, "over_budget")
	want, err := e.EvaluatePlan(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := e.EvaluatePlan(context.Background(), plan)
			if err == nil && !cmp.Equal(want, got) {
				err = &mismatch{cmp.Diff(want, got)}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

type mismatch struct{ diff string }

func (m *mismatch) Error() string { return "concurrent result differs (-want +got):\n" + m.diff }

func TestEvaluateRejectsNonObjectInput(t *testing.T) {
	e := engine(t)
	for _, in := range []any{nil, "plan", []any{}, json.RawMessage(`[1]`), 3} {
		if _, err := e.EvaluatePlan(context.Background(), in); err == nil || !strings.Contains(err.Error(), "want a JSON object") {
			t.Errorf("EvaluatePlan(%#v) error = %v, want a non-object error", in, err)
		}
	}
	if _, err := e.EvaluateResource(context.Background(), nil); err == nil {
		t.Error("EvaluateResource(nil) succeeded, want an error")
	}
}

func TestCustomPolicyDir(t *testing.T) {
	e, err := policies.New(policies.Options{Dirs: []string{filepath.Join("testdata", "finance")}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got, want := e.Policies(), "testdata/finance/finance.rego"; !contains(got, want) || contains(got, "testdata/finance/finance_test.rego") {
		t.Errorf("Policies() = %v, want %s and no test file", got, want)
	}

	plan := loadPlan(t, "small_team")
	sh := option(t, plan, "self_hosted")["sizing"].(map[string]any)
	sh["pricing"], sh["gpus"] = "on_demand", 8
	got, err := e.EvaluatePlan(context.Background(), plan)
	if err != nil {
		t.Fatalf("EvaluatePlan: %v", err)
	}
	wantDeny := []finding{
		{Policy: "finance.budget_required", Option: "*", Message: "Team acme-platform sets no monthly budget limit; finance requires one for every team."},
	}
	if diff := cmp.Diff(wantDeny, got.Deny); diff != "" {
		t.Errorf("deny (-want +got):\n%s", diff)
	}
	// The built-in warnings stay, and the team's sits among them in order.
	wantWarn := []string{"capacity.peak/hybrid", "capacity.peak/self_hosted", "checklist.self_hosting/hybrid", "checklist.self_hosting/self_hosted", "finance.reserved_pricing/self_hosted"}
	if diff := cmp.Diff(wantWarn, ids(got.Warn)); diff != "" {
		t.Errorf("warn (-want +got):\n%s", diff)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeDir writes files into a fresh folder. Broken policies are written
// here, not kept under testdata, because stock `opa test policies/` would
// try to parse them.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		// want are substrings of the error; "DIR" stands for the folder.
		want []string
	}{
		{
			name: "syntax error",
			files: map[string]string{"broken.rego": `package costgate.broken

deny contains v if {
	v := {"policy": "broken.rule", "option": "*" "msg": "oops"}
}
`},
			want: []string{"load policies", "DIR/broken.rego:4:", "rego_parse_error"},
		},
		{
			name: "strict mode: unused variable",
			files: map[string]string{"unused.rego": `package costgate.unused

deny contains v if {
	n := count(input.options)
	v := {"policy": "unused.rule", "option": "*", "msg": "always"}
}
`},
			want: []string{"DIR/unused.rego:4:", "assigned var n unused"},
		},
		{
			name: "nondeterministic built-in",
			files: map[string]string{"clock.rego": `package costgate.clock

deny contains v if {
	time.now_ns() > 0
	v := {"policy": "clock.rule", "option": "*", "msg": "late"}
}
`},
			want: []string{"DIR/clock.rego:4:", "undefined function time.now_ns"},
		},
		{
			name:  "package over the waiver rules",
			files: map[string]string{"waivers.rego": "package costgate.waivers\n\nx := 1\n"},
			want:  []string{"DIR/waivers.rego:1", "overlaps the built-in data costgate.waivers"},
		},
		{
			name:  "deny outside data.costgate",
			files: map[string]string{"finance.rego": "package finance\n\ndeny contains {\"policy\": \"finance.x\", \"option\": \"*\", \"msg\": \"x\"} if true\n"},
			want:  []string{"DIR/finance.rego:3", "data.finance.deny is outside data.costgate", "package costgate.NAME"},
		},
		{
			name:  "data.json that is not an object",
			files: map[string]string{"data.json": `[1, 2]`},
			want:  []string{"DIR/data.json", "must be a JSON object"},
		},
		// The second rule hidden in the comment a lone carriage return
		// ends on screen: the owners reviewing the folder would see a rule
		// Rego never reads.
		{
			name:  "a comment ending in a hidden line break",
			files: map[string]string{"finance.rego": "package costgate.finance\n\n# cap opus\rdeny contains {\"policy\": \"finance.x\", \"option\": \"*\", \"msg\": \"x\"} if true\n"},
			want:  []string{"DIR/finance.rego:3:11", "a carriage return without a line feed"},
		},
		{
			name:  "an invisible character",
			files: map[string]string{"finance.rego": "package costgate.finance\n\n# cap opus\u2060\ndeny contains {\"policy\": \"finance.x\", \"option\": \"*\", \"msg\": \"x\"} if true\n"},
			want:  []string{"DIR/finance.rego:3:11", "U+2060 WORD JOINER"},
		},
		// The rule below a raw string "closed" by a look-alike backtick
		// is string text up to the comment's backtick.
		{
			name:  "a raw string closed by a look-alike backtick",
			files: map[string]string{"finance.rego": "package costgate.finance\n\ndoc := `\nFinance cap.\u02cb\n\ndeny contains {\"policy\": \"finance.x\", \"option\": \"*\", \"msg\": \"x\"} if true\n\n# raw strings: ` # (backticks)\n"},
			want:  []string{"DIR/finance.rego:4:13", "U+02CB MODIFIER LETTER GRAVE ACCENT, which looks like `, which does not end the raw string opened at line 3, column 8"},
		},
		{
			name:  "folder without policies",
			files: map[string]string{"README.md": "nothing here"},
			want:  []string{"load policy folder DIR", "no .rego or data.json files"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, tt.files)
			_, err := policies.New(policies.Options{Dirs: []string{dir}})
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "DIR", filepath.ToSlash(dir)); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	t.Run("missing folder", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope")
		_, err := policies.New(policies.Options{Dirs: []string{missing}})
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Fatalf("New = %v, want an error naming %s", err, missing)
		}
	})
}

// TestPolicyTextIsRead: names, curly quotes, emoji and look-alike symbols
// in raw and quoted strings and in comments are text; a byte-order mark
// opens a file.
func TestPolicyTextIsRead(t *testing.T) {
	dir := writeDir(t, map[string]string{"finance.rego": "\ufeffpackage costgate.finance\n\n# Zoë’s cap ˋ 🚀 ❤️\ndoc := `Обзор “cap” ∗/ 🧑‍💻`\n\ndeny contains {\"policy\": \"finance.x\", \"option\": \"*\", \"msg\": \"Zoë’s “cap” ˋ\"} if false\n"})
	if _, err := policies.New(policies.Options{Dirs: []string{dir}}); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluatePlanFailsClosed(t *testing.T) {
	tests := []struct {
		name string
		rego string
		want []string
	}{
		{
			name: "division by zero",
			rego: `package costgate.broken

deny contains v if {
	per_option := 1000 / (count(input.options) - count(input.options))
	v := {"policy": "broken.math", "option": "*", "msg": sprintf("%v", [per_option])}
}
`,
			want: []string{"evaluate plan policies", "broken.rego:4:", "divide by zero"},
		},
		{
			name: "conflicting values",
			rego: `package costgate.broken

limit := 1 if count(input.options) > 0

limit := 2 if count(input.options) > 1

deny contains v if {
	limit > 0
	v := {"policy": "broken.conflict", "option": "*", "msg": "never"}
}
`,
			want: []string{"evaluate plan policies", "conflict"},
		},
		{
			name: "string instead of object",
			rego: `package costgate.broken

deny contains "budget too high" if true
`,
			want: []string{"data.costgate.broken.deny", `got "budget too high"`, "want an object with policy and msg"},
		},
		{
			name: "boolean rule",
			rego: `package costgate.broken

warn if count(input.options) > 0
`,
			want: []string{"data.costgate.broken.warn", "got true", "want a set"},
		},
		{
			name: "unknown option",
			rego: `package costgate.broken

deny contains {"policy": "broken.option", "option": "cloud", "msg": "no"} if true
`,
			want: []string{"finding of broken.option has option \"cloud\""},
		},
		{
			name: "missing option",
			rego: `package costgate.broken

warn contains {"policy": "broken.option", "msg": "no"} if true
`,
			want: []string{"finding of broken.option has option null"},
		},
		{
			name: "missing policy id",
			rego: `package costgate.broken

deny contains {"option": "*", "msg": "no"} if true
`,
			want: []string{"has no string policy id"},
		},
		{
			name: "message not a string",
			rego: `package costgate.broken

deny contains {"policy": "broken.msg", "option": "*", "msg": 42} if true
`,
			want: []string{"finding of broken.msg has no string msg"},
		},
	}
	plan := loadPlan(t, "allowed")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"broken.rego": tt.rego})
			e, err := policies.New(policies.Options{Dirs: []string{dir}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			res, err := e.EvaluatePlan(context.Background(), plan)
			if err == nil {
				t.Fatalf("EvaluatePlan = %+v, want an error", res)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The gate's deny-only evaluation fails alike, a folder's
			// failing warn rule included.
			deny, err := e.EvaluatePlanDeny(context.Background(), plan)
			if err == nil {
				t.Fatalf("EvaluatePlanDeny = %+v, want an error", deny)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("deny-only error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestResourcePolicies(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"fixture.rego": `package costgate.resources.fixture

deny contains {"policy": "fixture.public_port", "msg": sprintf("%s opens port 8000 to the internet.", [input.__name])} if {
	some rule in input.properties.ingress
	rule.fromPort == 8000
	"0.0.0.0/0" in rule.cidrBlocks
}

warn contains {"policy": "fixture.always", "msg": "Resource policies ran."} if true
`,
		// A plan package in the same folder: resource evaluation must not
		// see it, and plan evaluation must not see the resource package.
		"planfixture.rego": `package costgate.planfixture

warn contains {"policy": "planfixture.always", "option": "*", "msg": "Plan policies ran."} if true
`,
	})
	e, err := policies.New(policies.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	props := map[string]any{"ingress": []any{map[string]any{"fromPort": 8000, "toPort": 8000, "protocol": "tcp", "cidrBlocks": []any{"0.0.0.0/0"}}}}
	resource := map[string]any{
		"type": "aws:ec2/securityGroup:SecurityGroup", "__type": "aws:ec2/securityGroup:SecurityGroup",
		"name": "inference-sg", "__name": "inference-sg",
		"urn":        "urn:pulumi:dev::costgate::aws:ec2/securityGroup:SecurityGroup::inference-sg",
		"ingress":    props["ingress"],
		"properties": props,
	}
	got, err := e.EvaluateResource(context.Background(), resource)
	if err != nil {
		t.Fatalf("EvaluateResource: %v", err)
	}
	// Built-in resource policies may add their own findings; only this
	// folder's are checked here.
	wantDeny := []finding{{Policy: "fixture.public_port", Message: "inference-sg opens port 8000 to the internet."}}
	wantWarn := []finding{{Policy: "fixture.always", Message: "Resource policies ran."}}
	if diff := cmp.Diff(wantDeny, only(got.Deny, "fixture.")); diff != "" {
		t.Errorf("resource deny (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantWarn, only(got.Warn, "fixture.")); diff != "" {
		t.Errorf("resource warn (-want +got):\n%s", diff)
	}
	if n := len(only(got.Warn, "planfixture.")); n != 0 {
		t.Errorf("resource evaluation ran %d plan findings", n)
	}

	plan, err := e.EvaluatePlan(context.Background(), loadPlan(t, "allowed"))
	if err != nil {
		t.Fatalf("EvaluatePlan: %v", err)
	}
	wantPlan := policies.Result{Deny: []finding{}, Warn: []finding{{Policy: "planfixture.always", Option: "*", Message: "Plan policies ran."}}}
	if diff := cmp.Diff(wantPlan, plan); diff != "" {
		t.Errorf("plan result (-want +got):\n%s", diff)
	}
}

func only(fs []finding, prefix string) []finding {
	out := []finding{}
	for _, f := range fs {
		if strings.HasPrefix(f.Policy, prefix) {
			out = append(out, f)
		}
	}
	return out
}

func TestResourcePolicyMalformed(t *testing.T) {
	dir := writeDir(t, map[string]string{"fixture.rego": `package costgate.resources.fixture

deny contains {"policy": "fixture.nomsg"} if true
`})
	e, err := policies.New(policies.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = e.EvaluateResource(context.Background(), map[string]any{"type": "aws:s3/bucket:Bucket", "properties": map[string]any{}})
	if err == nil || !strings.Contains(err.Error(), "finding of fixture.nomsg has no string msg") {
		t.Fatalf("EvaluateResource error = %v, want a malformed-finding error", err)
	}
}

func TestPolicies(t *testing.T) {
	got := engine(t).Policies()
	for _, want := range []string{
		"policies/plan/capacity_peak.rego",
		"policies/plan/checklist_self_hosting.rego",
		"policies/plan/compliance_external_api.rego",
		"policies/plan/compliance_provider.rego",
		"policies/plan/latency_ttft.rego",
		"policies/plan/spend_approval.rego",
		"policies/plan/spend_limit.rego",
		"policies/plan/spend_limit_risk.rego",
		"policies/plan/spend_unknown.rego",
	} {
		if !contains(got, want) {
			t.Errorf("Policies() lacks %s: %v", want, got)
		}
	}
	for _, f := range got {
		if strings.HasSuffix(f, "_test.rego") {
			t.Errorf("Policies() lists test file %s", f)
		}
	}
}
