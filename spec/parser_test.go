package spec

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

// minimalSrc is the smallest valid spec: everything else takes its default.
const minimalSrc = `
team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
`

// defaults is minimalSrc decoded: the documented default of every field.
func defaults() Spec {
	return Spec{
		Filename: "acme.hcl",
		Team: Team{
			Name:                 "acme",
			Developers:           Range{200, 200},
			TokensPerDeveloper:   Range{2e6, 2e6},
			InputShare:           Range{0.8, 0.8},
			CachedInputShare:     Range{0, 0},
			WorkingHoursPerMonth: 176,
			PeakToAverage:        Range{2, 2},
			DeveloperHourlyUSD:   Range{100, 100},
			CostCenter:           "platform",
			Timezone:             "UTC",
		},
		Workloads: []Workload{{Name: "chat", Route: "auto", Share: 1, Complexity: "complex", ContextTokens: 32768}},
		Managed:   Managed{SimpleModel: "gpt-5.4-mini", ComplexModel: "claude-sonnet-4.6", BedrockProfile: "global"},
		SelfHosted: SelfHosted{
			Model:             "auto",
			GPU:               "h100",
			Pricing:           "on_demand",
			Schedule:          "always_on",
			HoursPerMonth:     730,
			OpsUSDPerMonth:    Range{2000, 4000},
			MinReplicas:       1,
			TargetUtilization: 0.7,
			MinQuality:        0,
			Region:            "us-east-1",
		},
		Compliance: Compliance{CodeMayLeaveNetwork: true},
		Quality:    Quality{ReworkHours: Range{0.5, 0.5}, IncludeInDecision: true},
	}
}

func ptr(v float64) *float64 { return &v }

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want returns the expected Spec, built from defaults().
		want func(s *Spec)
		// ranges lists every key Spec.Ranges must hold, no more.
		ranges []string
	}{
		{
			name:   "minimal spec takes every default",
			src:    minimalSrc,
			want:   func(s *Spec) {},
			ranges: []string{"team", "team.developers", "team.tokens_per_developer", "team.cost_center", "workload.chat", "workload.chat.share", "workload.chat.complexity"},
		},
		{
			name: "design example",
			src:  readFile(t, "testdata/valid/full.hcl"),
			want: func(s *Spec) {
				s.Team = Team{
					Name: "acme-platform", Developers: Range{200, 200}, TokensPerDeveloper: Range{2e6, 5e6},
					InputShare: Range{0.8, 0.8}, CachedInputShare: Range{0, 0}, WorkingHoursPerMonth: 176,
					PeakToAverage: Range{2, 2}, DeveloperHourlyUSD: Range{100, 100}, CostCenter: "platform", Timezone: "UTC",
				}
				s.Workloads = []Workload{
					{Name: "autocomplete", Route: "auto", Share: 0.6, Complexity: "simple", ContextTokens: 8192, MaxTTFTMs: 200},
					{Name: "agent", Route: "auto", Share: 0.4, Complexity: "complex", ContextTokens: 32768},
				}
				s.Managed.Provider = "bedrock"
				s.SelfHosted = SelfHosted{
					Model: "qwen3-coder-30b-a3b", GPU: "h100", Pricing: "reserved", GPUHourUSD: &Range{2.5, 3.5},
					GPUs: 4, Schedule: "always_on", HoursPerMonth: 730, OpsUSDPerMonth: Range{2000, 4000}, OpsFromSpec: true,
					MinReplicas: 1, TargetUtilization: 0.7, Region: "us-east-1",
				}
				s.Compliance = Compliance{CodeMayLeaveNetwork: true, AllowedProviders: []string{"bedrock"}}
				s.Budget = Budget{MonthlyLimitUSD: ptr(30000), ApprovalAboveUSD: ptr(15000), AlertEmails: []string{"finops@acme.example"}}
				s.Overrides = []Override{{
					Name: "q1-migration", Policy: "spend.approval", Approver: "cfo@acme.example",
					Reason: "Migration quarter", Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC),
				}}
			},
			ranges: []string{
				"team", "team.developers", "team.tokens_per_developer", "team.input_share", "team.cached_input_share",
				"team.working_hours_per_month", "team.peak_to_average", "team.developer_hourly_usd", "team.cost_center",
				"workload.autocomplete", "workload.autocomplete.share", "workload.autocomplete.complexity",
				"workload.autocomplete.context_tokens", "workload.autocomplete.max_ttft_ms",
				"workload.agent", "workload.agent.share", "workload.agent.complexity",
				"managed", "managed.simple_model", "managed.complex_model", "managed.provider",
				"self_hosted", "self_hosted.model", "self_hosted.gpu", "self_hosted.pricing", "self_hosted.gpu_hour_usd",
				"self_hosted.gpus", "self_hosted.schedule", "self_hosted.hours_per_month", "self_hosted.ops_usd_per_month",
				"self_hosted.min_replicas", "self_hosted.target_utilization", "self_hosted.min_quality", "self_hosted.region",
				"compliance", "compliance.code_may_leave_network", "compliance.allowed_providers",
				"organization", "organization.gpu_expertise", "organization.latency_over_quality",
				"budget", "budget.monthly_limit_usd", "budget.approval_above_usd", "budget.alert_emails",
				"override.q1-migration", "override.q1-migration.policy", "override.q1-migration.approver",
				"override.q1-migration.reason", "override.q1-migration.expires",
				"quality", "quality.rework_hours", "quality.include_in_decision",
			},
		},
		{
			name: "ranges, empty blocks and non-default values",
			src: `
team "t-1" {
  developers              = [50, 400]
  tokens_per_developer    = [1e6, 8e6]
  input_share             = [0.7, 0.9]
  cached_input_share      = [0, 0.5]
  working_hours_per_month = 160
  peak_to_average         = [1.5, 3]
  developer_hourly_usd    = [80, 150]
  cost_center             = "r+d / platform"
}
workload "autocomplete" {
  share      = 0.3333
  complexity = "simple"
}
workload "review" {
  share          = 0.3333
  complexity     = "complex"
  context_tokens = 65536
}
workload "agent_loop" {
  share       = 0.3334
  complexity  = "simple"
  max_ttft_ms = 150.5
}
managed {}
self_hosted {
  model    = "auto"
  pricing  = "capacity_block"
  schedule = "business_hours"
  gpu_hour_usd = 2.1
  min_quality  = 0.6
  region       = "eu-west-1"
}
compliance {
  code_may_leave_network = false
  allowed_providers      = []
}
organization {
  gpu_expertise        = true
  latency_over_quality = true
}
budget {
  monthly_limit_usd = 50000
}
quality {
  rework_hours        = [0.25, 1]
  include_in_decision = false
}
`,
			want: func(s *Spec) {
				s.Team = Team{
					Name: "t-1", Developers: Range{50, 400}, TokensPerDeveloper: Range{1e6, 8e6},
					InputShare: Range{0.7, 0.9}, CachedInputShare: Range{0, 0.5}, WorkingHoursPerMonth: 160,
					PeakToAverage: Range{1.5, 3}, DeveloperHourlyUSD: Range{80, 150}, CostCenter: "r+d / platform", Timezone: "UTC",
				}
				s.Workloads = []Workload{
					{Name: "autocomplete", Route: "auto", Share: 0.3333, Complexity: "simple", ContextTokens: 8192},
					{Name: "review", Route: "auto", Share: 0.3333, Complexity: "complex", ContextTokens: 65536},
					{Name: "agent_loop", Route: "auto", Share: 0.3334, Complexity: "simple", ContextTokens: 8192, MaxTTFTMs: 150.5},
				}
				s.SelfHosted.Pricing = "capacity_block"
				s.SelfHosted.Schedule = "business_hours"
				s.SelfHosted.GPUHourUSD = &Range{2.1, 2.1}
				s.SelfHosted.MinQuality = 0.6
				s.SelfHosted.Region = "eu-west-1"
				s.Compliance = Compliance{CodeMayLeaveNetwork: false, AllowedProviders: []string{}}
				s.Organization = Organization{GPUExpertise: true, LatencyOverQuality: true}
				s.Budget = Budget{MonthlyLimitUSD: ptr(50000)}
				s.Quality = Quality{ReworkHours: Range{0.25, 1}, IncludeInDecision: false}
			},
		},
		{
			name: "custom model with throughput",
			src: minimalSrc + `
model "my-coder-14b" {
  name            = "My Coder 14B"
  hf_repo         = "Qwen/Qwen2.5-Coder-14B-Instruct"
  gated           = true
  params_b        = 14.7
  layers          = 48
  q_heads         = 40
  kv_heads        = 8
  head_dim        = 128
  max_context     = 131072
  weights_dtype   = "bf16"
  weights_gb      = 29.5
  quality         = { simple = 0.8, complex = 0.4 }
  source          = "internal benchmark"
  as_of           = "2026-11-01"

  throughput "h100" {
    tensor_parallel = 1
    prefill_tok_s   = 20000
    decode_tok_s    = 1500
    ttft_ms         = 300
    concurrency     = 32
  }

  throughput "h100" {
    tensor_parallel = 2
    prefill_tok_s   = 36000
    decode_tok_s    = 2600
    ttft_ms         = 250
    concurrency     = 64
    derived_from    = "qwen2.5-coder-32b"
    source          = "scaled from TP1"
    as_of           = "2026-11-02"
    estimate        = true
    note            = "linear scaling assumed"
  }
}

self_hosted {
  model = "my-coder-14b"
}
`,
			want: func(s *Spec) {
				src := modelcatalog.Source{Source: "internal benchmark", AsOf: "2026-11-01"}
				s.SelfHosted.Model = "my-coder-14b"
				s.Models = []modelcatalog.OpenModel{{
					ID: "my-coder-14b", Name: "My Coder 14B", HFRepo: "Qwen/Qwen2.5-Coder-14B-Instruct", Gated: true,
					ParamsB: 14.7, ActiveParamsB: 14.7, Layers: 48, QHeads: 40, KVHeads: 8, HeadDim: 128,
					MaxContext: 131072, WeightsDType: "bf16", WeightsGB: 29.5,
					Quality: map[string]modelcatalog.Figure{
						"simple":  {Value: 0.8, Source: src},
						"complex": {Value: 0.4, Source: src},
					},
					Source: src,
				}}
				s.ModelThroughput = []modelcatalog.Throughput{
					{Model: "my-coder-14b", GPU: "h100", TensorParallel: 1, PrefillTokS: 20000, DecodeTokS: 1500, TTFTMs: 300, Concurrency: 32, Source: src},
					{
						Model: "my-coder-14b", GPU: "h100", TensorParallel: 2, PrefillTokS: 36000, DecodeTokS: 2600, TTFTMs: 250, Concurrency: 64,
						DerivedFrom: "qwen2.5-coder-32b",
						Source:      modelcatalog.Source{Source: "scaled from TP1", AsOf: "2026-11-02", Estimate: true, Note: "linear scaling assumed"},
					},
				}
			},
		},
		{
			name: "price-structure attributes",
			src: `
team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cached_input_share   = [0.3, 0.5]
  cache_write_share    = [0.1, 0.5]
  cache_ttl            = "1h"
  timezone             = "Asia/Kolkata"
  cost_center          = "platform"
}
workload "chat" {
  share      = 1
  complexity = "complex"
}
managed {
  provider        = "bedrock"
  bedrock_profile = "regional"
}
`,
			want: func(s *Spec) {
				s.Team.CachedInputShare = Range{0.3, 0.5}
				s.Team.CacheWriteShare = Range{0.1, 0.5}
				s.Team.CacheTTL = "1h"
				s.Team.Timezone = "Asia/Kolkata"
				s.Managed.Provider = "bedrock"
				s.Managed.BedrockProfile = "regional"
			},
		},
		{
			name: "shares within tolerance and comments",
			src: `# Team spec.
team "acme" { // trailing comment
  developers           = 10
  tokens_per_developer = 1000
  cost_center          = "x"
}
/* two workloads */
workload "a" {
  share      = 0.5
  complexity = "simple"
}
workload "b" {
  share      = 0.5009
  complexity = "simple"
}
`,
			want: func(s *Spec) {
				s.Team.Developers = Range{10, 10}
				s.Team.TokensPerDeveloper = Range{1000, 1000}
				s.Team.CostCenter = "x"
				a, b := 0.5, 0.5009 // in float64, as the decoder sums them
				s.Workloads = []Workload{
					// Scaled to sum to 1: priced as written, 0.09 % of the
					// team's tokens would be priced twice.
					{Name: "a", Route: "auto", Share: a / (a + b), Complexity: "simple", ContextTokens: 8192},
					{Name: "b", Route: "auto", Share: b / (a + b), Complexity: "simple", ContextTokens: 8192},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewParser(modelcatalog.Default())
			got, diags := p.Parse("acme.hcl", []byte(tt.src))
			if len(diags) > 0 {
				var buf bytes.Buffer
				_ = p.WriteDiagnostics(&buf, diags)
				t.Fatalf("unexpected diagnostics:\n%s", buf.String())
			}
			want := defaults()
			tt.want(&want)
			if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(Spec{}, "Ranges")); diff != "" {
				t.Errorf("Spec mismatch (-want +got):\n%s", diff)
			}
			for key, r := range got.Ranges {
				if r.Filename != "acme.hcl" || r.Start.Line < 1 {
					t.Errorf("Ranges[%q] = %v, not a position in acme.hcl", key, r)
				}
			}
			if tt.ranges != nil {
				keys := make([]string, 0, len(got.Ranges))
				for k := range got.Ranges {
					keys = append(keys, k)
				}
				if diff := cmp.Diff(tt.ranges, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("Ranges keys mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestRanges checks that a range points at the declaring source text.
func TestRanges(t *testing.T) {
	src := readFile(t, "testdata/valid/full.hcl")
	p := NewParser(modelcatalog.Default())
	s, diags := p.Parse("full.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tests := []struct {
		key  string
		text string
	}{
		{"team", `team "acme-platform"`},
		{"team.developers", "developers              = 200"},
		{"workload.autocomplete", `workload "autocomplete"`},
		{"workload.autocomplete.max_ttft_ms", "max_ttft_ms    = 200"},
		{"managed.provider", `provider      = "bedrock"`},
		{"self_hosted.gpu_hour_usd", "gpu_hour_usd       = [2.5, 3.5]"},
		{"compliance.code_may_leave_network", "code_may_leave_network = true"},
		{"budget.monthly_limit_usd", "monthly_limit_usd  = 30000"},
		{"override.q1-migration", `override "q1-migration"`},
		{"override.q1-migration.expires", `expires  = "2027-03-31"`},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			r, ok := s.Ranges[tt.key]
			if !ok {
				t.Fatalf("Ranges has no %q", tt.key)
			}
			if got := string(r.SliceBytes([]byte(src))); got != tt.text {
				t.Errorf("Ranges[%q] covers %q, want %q", tt.key, got, tt.text)
			}
		})
	}
}

func TestModelRanges(t *testing.T) {
	src := minimalSrc + `
model "m" {
  hf_repo       = "org/m"
  params_b      = 7
  layers        = 28
  q_heads       = 28
  kv_heads      = 4
  head_dim      = 128
  max_context   = 32768
  weights_dtype = "fp8"
  weights_gb    = 8
  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
  throughput "h200" {
    tensor_parallel = 2
    prefill_tok_s   = 1
    decode_tok_s    = 1
    ttft_ms         = 1
    concurrency     = 1
  }
}
`
	p := NewParser(modelcatalog.Default())
	s, diags := p.Parse("m.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, key := range []string{"model.m", "model.m.quality", "model.m.throughput.h200.tp2", "model.m.throughput.h200.tp2.tensor_parallel", "model.m.throughput.h200.tp2.decode_tok_s"} {
		if _, ok := s.Ranges[key]; !ok {
			t.Errorf("Ranges has no %q; has %v", key, sortedRangeKeys(s.Ranges))
		}
	}
	if _, ok := s.Ranges["model.m.throughput.h200.tensor_parallel"]; ok {
		t.Error("tensor_parallel is also recorded under the block key without tpN")
	}
}

func TestWarningsKeepSpec(t *testing.T) {
	src := minimalSrc + `
budget {
  monthly_limit_usd  = 10000
  approval_above_usd = 10000
}
`
	p := NewParser(modelcatalog.Default())
	s, diags := p.Parse("w.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning {
		t.Fatalf("got diagnostics %v, want one warning", diags)
	}
	if s == nil || s.Budget.ApprovalAboveUSD == nil || *s.Budget.ApprovalAboveUSD != 10000 {
		t.Errorf("spec not decoded with its warning: %+v", s)
	}
}

// TestSeveralFiles checks that one Parser keeps each file for rendering.
func TestSeveralFiles(t *testing.T) {
	p := NewParser(modelcatalog.Default())
	if _, diags := p.Parse("a.hcl", []byte(minimalSrc)); diags.HasErrors() {
		t.Fatal(diags)
	}
	_, diags := p.Parse("b.hcl", []byte(strings.Replace(minimalSrc, "= 200", "= 0", 1)))
	if !diags.HasErrors() {
		t.Fatal("b.hcl: want an error")
	}
	if got := len(p.Files()); got != 2 {
		t.Errorf("Files() holds %d files, want 2", got)
	}
	var buf bytes.Buffer
	if err := p.WriteDiagnostics(&buf, diags); err != nil {
		t.Fatal(err)
	}
	if want := "b.hcl:3:26"; !strings.Contains(buf.String(), want) {
		t.Errorf("diagnostics lack %s:\n%s", want, buf.String())
	}
	if !strings.Contains(buf.String(), "developers           = 0") {
		t.Errorf("diagnostics lack the source snippet:\n%s", buf.String())
	}
}

func TestSuggest(t *testing.T) {
	ids := []string{"claude-opus-4.8", "claude-sonnet-4.6", "gpt-5.4-mini", "gpt-5.5"}
	tests := []struct {
		given, want string
	}{
		{"claude-sonet-4.6", "claude-sonnet-4.6"},
		{"GPT-5.5", "gpt-5.5"},
		{"gpt-5.4-mnii", "gpt-5.4-mini"},
		{"sonnet", "claude-sonnet-4.6"},
		{"claude", ""}, // in two ids: ambiguous
		{"x", ""},
		{"", ""},
		{"llama-3.3-70b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.given, func(t *testing.T) {
			if got := suggest(tt.given, ids); got != tt.want {
				t.Errorf("suggest(%q) = %q, want %q", tt.given, got, tt.want)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sortedRangeKeys(m map[string]hcl.Range) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestMootSettingsWarn: a setting another makes moot is a warning at its
// line, unless it restates the default.
func TestMootSettingsWarn(t *testing.T) {
	tests := []struct {
		name, block string
		want        []string // "line:summary"
	}{
		{"min_quality with an explicit model", "model = \"qwen3-coder-30b-a3b\"\n  min_quality = 0.5", []string{"min_quality"}},
		{"min_quality with auto", "model = \"auto\"\n  min_quality = 0.5", nil},
		{"hours_per_month on business hours", "schedule = \"business_hours\"\n  hours_per_month = 700", []string{"hours_per_month"}},
		{"hours_per_month on a reservation", "pricing = \"reserved\"\n  hours_per_month = 720", []string{"hours_per_month"}},
		{"hours_per_month on a capacity block", "pricing = \"capacity_block\"\n  hours_per_month = 744", []string{"hours_per_month"}},
		{"hours_per_month on demand", "pricing = \"on_demand\"\n  hours_per_month = 720", nil},
		{"hours_per_month on spot", "pricing = \"spot\"\n  hours_per_month = 720", nil},
		{"min_replicas with a fixed fleet", "gpus = 4\n  min_replicas = 2", []string{"min_replicas"}},
		{"on_demand_base without spot", "pricing = \"on_demand\"\n  on_demand_base = 1", []string{"on_demand_base"}},
		{"on_demand_base with spot", "pricing = \"spot\"\n  on_demand_base = 2", nil},
		{"defaults restated", "model = \"qwen3-coder-30b-a3b\"\n  gpus = 4\n  min_replicas = 1\n  min_quality = 0\n  on_demand_base = 0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimalSrc + "\nself_hosted {\n  " + tt.block + "\n}\n"
			s, diags := NewParser(modelcatalog.Default()).Parse("m.hcl", []byte(src))
			if diags.HasErrors() || s == nil {
				t.Fatalf("errors: %v", diags)
			}
			var got []string
			for _, d := range diags {
				if d.Severity == hcl.DiagWarning && d.Summary == "Attribute has no effect" {
					got = append(got, strings.SplitN(strings.TrimPrefix(d.Detail, "self_hosted."), " ", 2)[0])
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFewerHoursThanAMonth: an always_on fleet runs every hour of the
// month, so an hours_per_month below any month's is a warning at its
// line saying the plan prices AWS's month; a month's length is quiet.
func TestFewerHoursThanAMonth(t *testing.T) {
	for _, tt := range []struct {
		block string
		want  int
	}{
		{"hours_per_month = 300", 1},
		{"pricing = \"spot\"\n  hours_per_month = 671", 1},
		{"hours_per_month = 672", 0},
		{"hours_per_month = 744", 0},
		{"schedule = \"always_on\"", 0},
		{"pricing = \"reserved\"\n  hours_per_month = 300", 0}, // moot instead
		{"schedule = \"business_hours\"\n  hours_per_month = 300", 0},
	} {
		src := minimalSrc + "\nself_hosted {\n  " + tt.block + "\n}\n"
		s, diags := NewParser(modelcatalog.Default()).Parse("h.hcl", []byte(src))
		if diags.HasErrors() || s == nil {
			t.Fatalf("%s: errors: %v", tt.block, diags)
		}
		got := 0
		for _, d := range diags {
			if d.Severity == hcl.DiagWarning && d.Summary == "Fewer hours than a month" {
				got++
				if d.Subject == nil || !strings.Contains(d.Detail, "AWS's 730-hour month") {
					t.Errorf("%s: warning %q at %v, want the attribute's range and the month priced", tt.block, d.Detail, d.Subject)
				}
			}
		}
		if got != tt.want {
			t.Errorf("%s: %d warnings, want %d", tt.block, got, tt.want)
		}
	}
}

// TestContextLongerThanModel: a workload the chosen model cannot read is a
// warning at its context_tokens; "auto" and a long-enough model are quiet.
func TestContextLongerThanModel(t *testing.T) {
	for _, tt := range []struct {
		model string
		want  int
	}{{"qwen2.5-coder-7b", 1}, {"qwen3-coder-30b-a3b", 0}, {"auto", 0}} {
		src := strings.Replace(minimalSrc, `complexity = "complex"`, "complexity = \"complex\"\n  context_tokens = 100000", 1) +
			"\nself_hosted {\n  model = \"" + tt.model + "\"\n}\n"
		s, diags := NewParser(modelcatalog.Default()).Parse("c.hcl", []byte(src))
		if diags.HasErrors() || s == nil {
			t.Fatalf("%s: %v", tt.model, diags)
		}
		got := 0
		for _, d := range diags {
			if d.Summary == "Context longer than the model reads" {
				got++
				if !strings.Contains(d.Detail, "100000") {
					t.Errorf("%s: detail %q does not name the context", tt.model, d.Detail)
				}
			}
		}
		if got != tt.want {
			t.Errorf("%s: %d warnings, want %d", tt.model, got, tt.want)
		}
	}
}

// TestContextBeyondEveryModel: under model = "auto", a workload whose
// context no open model's window holds with room for an answer warns at
// its context_tokens, naming the longest window; a context some model
// reads, the catalog's or a model block's, is quiet. Routed to the fleet,
// such a workload failed the plan with no line and named only the last
// model the search tried.
func TestContextBeyondEveryModel(t *testing.T) {
	const longModel = `
model "long" {
  hf_repo       = "org/long"
  params_b      = 7
  layers        = 28
  q_heads       = 28
  kv_heads      = 4
  head_dim      = 128
  max_context   = 1000000000
  weights_dtype = "bf16"
  weights_gb    = 15
  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
}
`
	for _, tt := range []struct {
		context, extra string
		want           int
	}{{"1e8", "", 1}, {"262144", "", 1}, {"200000", "", 0}, {"1e8", longModel, 0}} {
		src := strings.Replace(minimalSrc, `complexity = "complex"`, "complexity = \"complex\"\n  context_tokens = "+tt.context, 1) + tt.extra
		s, diags := NewParser(modelcatalog.Default()).Parse("c.hcl", []byte(src))
		if diags.HasErrors() || s == nil {
			t.Fatalf("%s: %v", tt.context, diags)
		}
		got := 0
		for _, d := range diags {
			if d.Summary == "Context longer than any model reads" {
				got++
				if d.Subject == nil || !strings.Contains(string(d.Subject.SliceBytes([]byte(src))), tt.context) || !strings.Contains(d.Detail, "qwen3-coder-30b-a3b's, is 262144") {
					t.Errorf("%s: %v at %v does not point at context_tokens or name the longest window", tt.context, d.Detail, d.Subject)
				}
			}
		}
		if got != tt.want {
			t.Errorf("context %s: %d warnings, want %d", tt.context, got, tt.want)
		}
	}
}

// TestContextFillsTheWindow: a workload whose context is the model's whole
// window (the complex default, 32768, on a 32K model) leaves its answers
// no room: a warning at the workload, not the longer-context one; a
// context one token shorter is quiet.
func TestContextFillsTheWindow(t *testing.T) {
	for _, tt := range []struct {
		context string // "" for the complex default
		want    int
	}{{"", 1}, {"\n  context_tokens = 32768", 1}, {"\n  context_tokens = 32767", 0}} {
		src := strings.Replace(minimalSrc, `complexity = "complex"`, "complexity = \"complex\""+tt.context, 1) +
			"\nself_hosted {\n  model = \"qwen2.5-coder-7b\"\n}\n"
		s, diags := NewParser(modelcatalog.Default()).Parse("c.hcl", []byte(src))
		if diags.HasErrors() || s == nil {
			t.Fatalf("%q: %v", tt.context, diags)
		}
		got := 0
		for _, d := range diags {
			if d.Summary == "Context longer than the model reads" {
				t.Errorf("%q: %s", tt.context, d.Detail)
			}
			if d.Summary == "Context fills the model's window" {
				got++
				if !strings.Contains(d.Detail, "32768") || !strings.Contains(d.Detail, "qwen2.5-coder-7b") {
					t.Errorf("%q: detail %q names neither the context nor the model", tt.context, d.Detail)
				}
			}
		}
		if got != tt.want {
			t.Errorf("%q: %d warnings, want %d", tt.context, got, tt.want)
		}
	}
}

// TestAnswersFitTheWindow: a workload whose prompt and the answer the
// team's token mix gives it (input_share's low end) exceed the model's
// window warns at its context_tokens, naming both and the window; a mix
// whose answers fit is quiet.
func TestAnswersFitTheWindow(t *testing.T) {
	for _, tt := range []struct {
		share, context string
		want           int
	}{
		{"0.8", "24000", 0},  // 24,000 + 6,000 within 32,768
		{"0.8", "30000", 1},  // 30,000 + 7,500
		{"0.99", "30000", 0}, // 30,000 + 303
		{"[0.7, 0.99]", "30000", 1},
		{"1", "30000", 0}, // input alone: one token an answer
		{"0", "1000", 1},  // output alone: no window holds its answers
		{"[0, 0.99]", "1000", 1},
	} {
		src := strings.Replace(minimalSrc, `complexity = "complex"`, "complexity = \"complex\"\n  context_tokens = "+tt.context, 1)
		src = strings.Replace(src, `cost_center          = "platform"`, `cost_center          = "platform"`+"\n  input_share = "+tt.share, 1)
		src += "\nself_hosted {\n  model = \"qwen2.5-coder-7b\"\n}\n"
		s, diags := NewParser(modelcatalog.Default()).Parse("a.hcl", []byte(src))
		if diags.HasErrors() || s == nil {
			t.Fatalf("%s at %s: %v", tt.context, tt.share, diags)
		}
		got := 0
		for _, d := range diags {
			if d.Summary == "Answers do not fit the model's window" {
				got++
				if !strings.Contains(d.Detail, tt.context) || !strings.Contains(d.Detail, "window of 32768") {
					t.Errorf("detail %q names neither the context nor the window", d.Detail)
				}
			}
		}
		if got != tt.want {
			t.Errorf("context %s at input_share %s: %d warnings, want %d", tt.context, tt.share, got, tt.want)
		}
	}
}

// TestModelArchitecture: a model block takes the performance model's
// architecture figures and checks that they hang together.
func TestModelArchitecture(t *testing.T) {
	block := func(extra string) string {
		return minimalSrc + `
model "m" {
  hf_repo       = "org/m"
  params_b      = 30
  active_params_b = 3
  layers        = 48
  q_heads       = 32
  kv_heads      = 4
  head_dim      = 128
  max_context   = 32768
  weights_dtype = "bf16"
  weights_gb    = 61
  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
` + extra + `
}
`
	}
	p := NewParser(modelcatalog.Default())
	s, diags := p.Parse("m.hcl", []byte(block(`  hidden_size = 2048
  vocab_size = 151936
  experts = 128
  experts_per_token = 8
  sliding_window = 128
  sliding_window_layers = 24
  chunked_attention = true
  kv_lora_rank = 512
  qk_rope_head_dim = 64`)))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var m *modelcatalog.OpenModel
	for i := range s.Models {
		if s.Models[i].ID == "m" {
			m = &s.Models[i]
		}
	}
	if m == nil {
		t.Fatal("model m not decoded")
	}
	got := []int{m.HiddenSize, m.VocabSize, m.Experts, m.ExpertsPerToken, m.SlidingWindow, m.SlidingLayers, m.KVLoraRank, m.QKRopeHeadDim}
	want := []int{2048, 151936, 128, 8, 128, 24, 512, 64}
	if fmt.Sprint(got) != fmt.Sprint(want) || !m.ChunkedAttention {
		t.Errorf("architecture %v, chunked %v; want %v, chunked", got, m.ChunkedAttention, want)
	}
	for _, tc := range []struct{ extra, want string }{
		{"  chunked_attention = true", "model.m.chunked_attention needs model.m.sliding_window"},
		{"  experts = 128", "model.m.experts needs model.m.experts_per_token too"},
		{"  experts_per_token = 8", "model.m.experts_per_token needs model.m.experts too"},
		{"  experts = 8\n  experts_per_token = 16", "experts_per_token must be below experts (8)"},
		{"  experts = 8\n  experts_per_token = 8", "experts_per_token must be below experts (8)"},
		{"  sliding_window = 128\n  sliding_window_layers = 49", "sliding_window_layers cannot exceed layers (48)"},
		{"  sliding_window_layers = 12", "model.m.sliding_window_layers needs model.m.sliding_window too"},
		{"  hidden_size = 0", "hidden_size"},
	} {
		_, diags := p.Parse("m.hcl", []byte(block(tc.extra)))
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
			t.Errorf("%q: want an error saying %q, got %v", tc.extra, tc.want, diags)
		}
	}
}

// TestMixtureActiveBelowTotal: a model block with experts activates fewer
// parameters than it holds, as modelcatalog.Validate requires of the
// catalog's; active_params_b left out defaults to params_b and is an error
// on experts. Sizing had no routed experts to split off such a model, and
// its plan's figures were NaN.
func TestMixtureActiveBelowTotal(t *testing.T) {
	p := NewParser(modelcatalog.Default())
	for _, tc := range []struct{ params, want, line string }{
		{"  params_b = 30\n  active_params_b = 3", "", ""},
		{"  params_b = 30\n  active_params_b = 30", "active_params_b (30) must be below params_b (30)", "m.hcl:15,"},
		{"  params_b = 1e-9\n  active_params_b = 1e-9", "active_params_b (1e-09) must be below params_b (1e-09)", "m.hcl:15,"},
		{"  params_b = 30", "active_params_b (30) must be below params_b (30)", "m.hcl:22,"},
	} {
		src := minimalSrc + `
model "m" {
` + tc.params + `
  layers            = 48
  q_heads           = 32
  kv_heads          = 4
  head_dim          = 128
  max_context       = 32768
  weights_dtype     = "bf16"
  weights_gb        = 61
  experts           = 128
  experts_per_token = 8
  hf_repo           = "org/m"
  quality           = { simple = 0.7, complex = 0.3 }
  source            = "s"
  as_of             = "2026-01-01"
}
`
		_, diags := p.Parse("m.hcl", []byte(src))
		switch got := diags.Error(); {
		case tc.want == "" && diags.HasErrors():
			t.Errorf("%q: %v", tc.params, diags)
		case tc.want != "" && (!strings.Contains(got, tc.want) || !strings.Contains(got, tc.line)):
			t.Errorf("%q: want an error at %s saying %q, got %v", tc.params, tc.line, tc.want, diags)
		}
	}
}

// TestGPUChoices: self_hosted.gpu takes one catalog GPU, "auto" (every
// catalog GPU) or a list to choose among, and names what is wrong in a list.
func TestGPUChoices(t *testing.T) {
	p := NewParser(modelcatalog.Default())
	parse := func(gpu string) (*Spec, string) {
		s, diags := p.Parse("g.hcl", []byte(minimalSrc+"\nself_hosted {\n  gpu = "+gpu+"\n}\n"))
		if diags.HasErrors() {
			return nil, diags.Error()
		}
		return s, ""
	}
	for _, tc := range []struct {
		gpu     string
		first   string
		choices []string
		err     string
	}{
		{`"l40s"`, "l40s", nil, ""},
		{`"auto"`, "h100", modelcatalog.Default().GPUIDs(), ""},
		{`["l40s", "h100"]`, "l40s", []string{"l40s", "h100"}, ""},
		{`["l40s", "tpu"]`, "", nil, `"tpu" is not one`},
		{`["l4", "l4"]`, "", nil, `lists "l4" twice`},
		{`[]`, "", nil, "lists no GPU"},
		{`"a100"`, "", nil, "must be a GPU in the catalog"},
	} {
		s, err := parse(tc.gpu)
		if tc.err != "" {
			if !strings.Contains(err, tc.err) {
				t.Errorf("gpu = %s: error %q, want %q", tc.gpu, err, tc.err)
			}
			continue
		}
		if err != "" {
			t.Errorf("gpu = %s: %s", tc.gpu, err)
			continue
		}
		if s.SelfHosted.GPU != tc.first || fmt.Sprint(s.SelfHosted.GPUChoices) != fmt.Sprint(tc.choices) {
			t.Errorf("gpu = %s: GPU %q, choices %v; want %q, %v", tc.gpu, s.SelfHosted.GPU, s.SelfHosted.GPUChoices, tc.first, tc.choices)
		}
	}
}

// TestModelCheckpointDType: weights_dtype matches what hf_repo holds; the
// 4-bit formats need a checkpoint quantized ahead of time.
func TestModelCheckpointDType(t *testing.T) {
	block := func(repo, dtype string) string {
		return minimalSrc + `
model "m" {
  hf_repo       = "` + repo + `"
  params_b      = 72
  layers        = 80
  q_heads       = 64
  kv_heads      = 8
  head_dim      = 128
  max_context   = 32768
  weights_dtype = "` + dtype + `"
  weights_gb    = 145
  shared_experts = 0
  dense_layers   = 0
  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
}
`
	}
	p := NewParser(modelcatalog.Default())
	for _, tc := range []struct{ repo, dtype, want string }{
		{"Qwen/Qwen2.5-72B-Instruct-AWQ", "int4", ""},
		{"nvidia/Llama-3.3-70B-Instruct-FP4", "fp4", ""},
		{"Qwen/Qwen2.5-72B-Instruct", "fp8", ""}, // vLLM quantizes to FP8 on load
		{"Qwen/Qwen2.5-72B-Instruct", "bf16", ""},
		{"openai/gpt-oss-120b", "mxfp4", ""},
		{"Qwen/Qwen2.5-72B-Instruct", "int4", `needs a checkpoint quantized ahead of time`},
		{"Qwen/Qwen2.5-72B-Instruct", "fp4", `needs a checkpoint quantized ahead of time`},
		{"Qwen/Qwen2.5-72B-Instruct-AWQ", "bf16", `holds int4 weights (its name says so), so weights_dtype must be "int4"`},
		{"zai-org/GLM-4.5-Air-FP8", "int4", `weights_dtype must be "fp8"`},
		{"Qwen/Qwen2.5-72B-Instruct", "int8", "weights_dtype"},
	} {
		s, diags := p.Parse("m.hcl", []byte(block(tc.repo, tc.dtype)))
		switch {
		case tc.want == "" && diags.HasErrors():
			t.Errorf("%s at %s: %v", tc.repo, tc.dtype, diags)
		case tc.want == "" && s.Models[len(s.Models)-1].WeightsDType != tc.dtype:
			t.Errorf("%s: weights_dtype %q, want %q", tc.repo, s.Models[len(s.Models)-1].WeightsDType, tc.dtype)
		case tc.want != "" && (!diags.HasErrors() || !strings.Contains(diags.Error(), tc.want)):
			t.Errorf("%s at %s: want an error saying %q, got %v", tc.repo, tc.dtype, tc.want, diags)
		}
	}
}

// TestModelCheckpointFormat: checkpoint_dtype says what hf_repo's files
// hold where its name does not: an FP8 repository named without -FP8 (as
// Kimi's) was taken as a BF16 checkpoint twice its size, and its volume,
// mirror and scale-up lead were sized on that. It must be able to serve
// the weights: its own format, or BF16 quantized to FP8 on load.
func TestModelCheckpointFormat(t *testing.T) {
	block := func(dtype, ckpt string) string {
		line := ""
		if ckpt != "" {
			line = "  checkpoint_dtype = \"" + ckpt + "\"\n"
		}
		gb := "1030"
		if dtype == "bf16" {
			gb = "2060" // 1,000B parameters at 2 bytes each
		}
		return minimalSrc + `
model "m" {
  hf_repo       = "moonshotai/Kimi-K2-Instruct"
  params_b      = 1000
  layers        = 61
  q_heads       = 64
  kv_heads      = 64
  head_dim      = 128
  max_context   = 131072
  weights_dtype = "` + dtype + `"
  weights_gb    = ` + gb + `
` + line + `  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
}
`
	}
	p := NewParser(modelcatalog.Default())
	for _, tc := range []struct {
		dtype, ckpt string
		gb          float64
		want        string
	}{
		// A BF16 checkpoint holds every parameter at 2 bytes: 2 × 1,000B,
		// not twice the 1,030 GB resident (whose BF16 embeddings and
		// head are not doubled).
		{"fp8", "", 2000, ""},    // no name, no figure: a BF16 checkpoint quantized on load
		{"fp8", "fp8", 1030, ""}, // the repository holds FP8
		{"fp8", "bf16", 2000, ""},
		{"bf16", "fp8", 0, "cannot be served as weights_dtype"},
		{"fp8", "int4", 0, "cannot be served as weights_dtype"},
	} {
		s, diags := p.Parse("m.hcl", []byte(block(tc.dtype, tc.ckpt)))
		switch {
		case tc.want != "":
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Errorf("%s from %q: want %q, got %v", tc.dtype, tc.ckpt, tc.want, diags)
			}
		case diags.HasErrors():
			t.Errorf("%s from %q: %v", tc.dtype, tc.ckpt, diags)
		default:
			m := s.Models[len(s.Models)-1]
			if got := m.CheckpointGB(); got != tc.gb {
				t.Errorf("%s from %q: checkpoint %v GB, want %v", tc.dtype, tc.ckpt, got, tc.gb)
			}
		}
	}
}

// TestLookAlikeDelimitersAreRefused: a heredoc end marker spelled with a
// look-alike letter ("ЕOT", Cyrillic Е) or a block comment "closed" by a
// look-alike ("∗/", U+2217) ends nothing for HCL, so the compliance and
// budget blocks a reviewer reads below it are heredoc or comment text:
// the spec is refused at the look-alike. Non-ASCII text in heredocs,
// strings and comments is accepted.
func TestLookAlikeDelimitersAreRefused(t *testing.T) {
	const head = "team \"platform\" {\n  developers           = 300\n  tokens_per_developer = 3e6\n  cost_center          = \"platform\"\n}\n\nworkload \"agent\" {\n  share      = 1\n  complexity = \"complex\"\n}\n"
	const restricted = "\ncompliance {\n  code_may_leave_network = false\n}\n\nbudget {\n  monthly_limit_usd = 50000\n}\n"
	override := func(name, reason string) string {
		return "\noverride \"" + name + "\" {\n  policy   = \"spend.approval\"\n  approver = \"@cfo\"\n  expires  = \"2027-02-15\"\n  reason   = <<EOT\n" + reason + "\n}\n"
	}
	for _, tt := range []struct {
		name, src string
		line, col int // 0: accepted
		want      string
	}{
		{"Cyrillic Ie in a heredoc's end marker", head + override("q1", "Quarterly review.\n\u0415OT") + restricted + override("q2", "Second review.\nEOT"), 18, 1, "U+0415 CYRILLIC CAPITAL LETTER IE, which looks like E, in a line that reads as the end marker EOT of the heredoc opened at line 16"},
		{"asterisk operator closing a comment", head + "\n/* Restrictions agreed with security (SEC-1234) \u2217/\n" + restricted + "\n/* end of the restrictions */\n", 12, 49, "U+2217 ASTERISK OPERATOR, which looks like *"},
		{"text", head + override("q1", "Обзор расходов ЕОТ-7, “Zoë’s” team 🚀 ❤️\nEOT") + "\n/* 2 ∗ 3, a/b; Дмитрий */\n# ∗/ ЕOT\n" + restricted, 0, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := NewParser(modelcatalog.Default()).Parse("platform.hcl", []byte(tt.src))
			if tt.line == 0 {
				if diags.HasErrors() {
					t.Fatalf("refused: %v", diags)
				}
				if s.Compliance.CodeMayLeaveNetwork || s.Budget.MonthlyLimitUSD == nil || *s.Budget.MonthlyLimitUSD != 50000 {
					t.Errorf("the restrictions were not read: %+v %+v", s.Compliance, s.Budget)
				}
				return
			}
			if !diags.HasErrors() {
				t.Fatal("accepted")
			}
			d := diags[0]
			if d.Summary != "Look-alike delimiter" || !strings.Contains(d.Detail, tt.want) ||
				d.Subject.Start.Line != tt.line || d.Subject.Start.Column != tt.col {
				t.Errorf("%s at %d:%d: %s", d.Summary, d.Subject.Start.Line, d.Subject.Start.Column, d.Detail)
			}
		})
	}
}

// TestHiddenLineBreaksAreRefused: a line break HCL does not end a line at
// (a lone carriage return, NEL, U+2028, U+2029, vertical tab, form feed)
// ends a comment on screen but not for HCL, so the line after it is read
// as part of the comment; a bidirectional control reorders text on
// screen; an invisible character (a zero-width space, a word joiner, a
// soft hyphen, a tag character, a variation selector) shows as nothing.
// Each is refused at its line and column, wherever it is; CRLF line ends
// are not.
func TestHiddenLineBreaksAreRefused(t *testing.T) {
	raw, err := os.ReadFile("../examples/regulated.hcl")
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	const attr = "  code_may_leave_network = false"
	if !strings.Contains(src, attr) {
		t.Fatal("the example has no compliance attribute")
	}
	line := strings.Count(src[:strings.Index(src, attr)], "\n") + 1
	const lineBreak, invisible = "Hidden line break or text direction", "Invisible character"
	for _, tt := range []struct{ name, sep, summary, want string }{
		{"lone CR", "\r", lineBreak, "U+000D"},
		{"NEL", "\u0085", lineBreak, "U+0085"},
		{"line separator", "\u2028", lineBreak, "U+2028"},
		{"paragraph separator", "\u2029", lineBreak, "U+2029"},
		{"vertical tab", "\v", lineBreak, "U+000B"},
		{"form feed", "\f", lineBreak, "U+000C"},
		{"right-to-left override", "\u202e", lineBreak, "U+202E"},
		{"pop directional isolate", "\u2069", lineBreak, "U+2069"},
		{"zero-width space", "\u200b", invisible, "U+200B ZERO WIDTH SPACE"},
		{"word joiner", "\u2060", invisible, "U+2060 WORD JOINER"},
		{"soft hyphen", "\u00ad", invisible, "U+00AD SOFT HYPHEN"},
		{"tag character", "\U000E0041", invisible, "U+E0041 TAG CHARACTER"},
		{"variation selector", "\ufe0f", invisible, "U+FE0F VARIATION SELECTOR-16"},
		{"byte-order mark past the start", "\ufeff", invisible, "U+FEFF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The attribute hidden behind a comment that ends in sep.
			hidden := strings.Replace(src, attr, "  # PCI scope"+tt.sep+attr, 1)
			_, diags := NewParser(modelcatalog.Default()).Parse("regulated.hcl", []byte(hidden))
			if !diags.HasErrors() {
				t.Fatal("accepted")
			}
			d := diags[0]
			if d.Summary != tt.summary || !strings.Contains(d.Detail, tt.want) ||
				d.Subject.Start.Line != line || d.Subject.Start.Column != len("  # PCI scope")+1 {
				t.Errorf("%s at %d:%d: %s", d.Summary, d.Subject.Start.Line, d.Subject.Start.Column, d.Detail)
			}
		})
	}
	// Names, accents and emoji in comments and strings, and a leading
	// byte-order mark, are text.
	text := "\ufeff# Zoë Ünal’s team — Дмитрий, 山田 🚀 ❤️ 🧑‍💻\n" + src
	if _, diags := NewParser(modelcatalog.Default()).Parse("text.hcl", []byte(text)); diags.HasErrors() {
		t.Errorf("text refused: %v", diags)
	}
	crlf := strings.ReplaceAll(src, "\n", "\r\n")
	if _, diags := NewParser(modelcatalog.Default()).Parse("crlf.hcl", []byte(crlf)); diags.HasErrors() {
		t.Errorf("CRLF line ends refused: %v", diags)
	}
}

// TestModelWeightsHoldParams: weights_gb below what params_b parameters
// of weights_dtype take is refused at weights_gb (a 106B BF16 model
// written as 30 GB was placed on one 80 GB GPU a replica); a figure in
// GiB, 7 % below the GB, a checkpoint larger than its parameters (a
// wider type kept for some layers) and, at a 4-bit dtype, one of 2 or 3
// bits a parameter (no dtype is narrower) pass.
func TestModelWeightsHoldParams(t *testing.T) {
	block := func(dtype string, gb float64) string {
		return minimalSrc + fmt.Sprintf(`
model "m" {
  hf_repo       = "org/m"
  params_b      = 106
  layers        = 46
  q_heads       = 96
  kv_heads      = 8
  head_dim      = 128
  max_context   = 131072
  weights_dtype = %q
  weights_gb    = %g
  quality       = { simple = 0.7, complex = 0.3 }
  source        = "s"
  as_of         = "2026-01-01"
}
`, dtype, gb)
	}
	p := NewParser(modelcatalog.Default())
	for _, tc := range []struct {
		dtype string
		gb    float64
		ok    bool
	}{
		{"bf16", 212, true},
		{"bf16", 197.4, true}, // 212 GB written in GiB
		{"bf16", 400, true},
		{"bf16", 30, false},
		{"bf16", 190, false},
		{"fp8", 106, true},
		{"fp8", 60, false},
		{"mxfp4", 60, true},
		{"mxfp4", 30, true}, // a 2-bit checkpoint written as the nearest dtype
		{"mxfp4", 20, false},
	} {
		_, diags := p.Parse("m.hcl", []byte(block(tc.dtype, tc.gb)))
		refused := diags.HasErrors() && strings.Contains(diags.Error(), "Weights smaller than their parameters") && strings.Contains(diags.Error(), "m.hcl:")
		if refused == tc.ok || tc.ok && diags.HasErrors() {
			t.Errorf("%g GB at %s: refused %v, want %v: %v", tc.gb, tc.dtype, refused, !tc.ok, diags)
		}
	}
}
