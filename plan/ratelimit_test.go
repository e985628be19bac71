package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// rateLimitSpec is a team of developers whose workloads (share each, one
// managed model through provider) each send 1e7 tokens a month per
// developer over 176 working hours at peak_to_average 2: 1,893.9 tokens a
// minute per developer at peak, input_share of them input.
func rateLimitSpec(developers int, inputShare, cached float64, provider string, models ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "team \"rl\" {\n  developers = %d\n  tokens_per_developer = 1e7\n  input_share = %g\n  cached_input_share = %g\n  peak_to_average = 2\n  cost_center = \"platform\"\n}\n",
		developers, inputShare, cached)
	for i, m := range models {
		fmt.Fprintf(&b, "workload \"w%d\" {\n  share = %g\n  complexity = \"complex\"\n  route = \"managed\"\n  model = %q\n}\n", i, 1/float64(len(models)), m)
	}
	fmt.Fprintf(&b, "managed {\n  provider = %q\n}\n", provider)
	return b.String()
}

// TestRateLimitWarning: a managed route whose peak tokens a minute (summed
// over the workloads sharing its model and provider) exceed the catalog's
// limit for that provider warns managed.rate_limit on the option, with the
// peak, the limit and the multiple; at the limit, below it, or with no
// known limit it says nothing. Anthropic counts no cache reads toward its
// input limit, OpenAI counts them.
func TestRateLimitWarning(t *testing.T) {
	at := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	// Claude Sonnet 5.5 on Anthropic: 4,000,000 input and 800,000 output
	// tokens a minute (Scale). Output per developer at peak is
	// 1e7 × 2 × 0.2 / 10,560 = 378.79: 800,000 at 2,112 developers.
	tests := []struct {
		name string
		src  string
		want []string // substrings of the one warning; nil: none
	}{
		{"below the output limit", rateLimitSpec(2000, 0.8, 0, "anthropic", "claude-sonnet-5.5"), nil},
		{"at the output limit", rateLimitSpec(2112, 0.8, 0, "anthropic", "claude-sonnet-5.5"), nil},
		{"above the output limit", rateLimitSpec(2113, 0.8, 0, "anthropic", "claude-sonnet-5.5"),
			[]string{"1 workload (w0) to claude-sonnet-5.5 through Anthropic API", "800,379 output tokens a minute against the Scale tier's 800,000 (1.00×)", "Custom tier"}},
		{"two workloads on one route are summed", rateLimitSpec(2113, 0.8, 0, "anthropic", "claude-sonnet-5.5", "claude-sonnet-5.5"),
			[]string{"2 workloads (w0 and w1) to claude-sonnet-5.5", "800,379 output tokens"}},
		{"two routes are not summed", rateLimitSpec(2113, 0.8, 0, "anthropic", "claude-sonnet-5.5", "claude-opus-5.5"), nil},
		// 3,000 developers at input share 0.95: 5,397,727 input tokens a
		// minute, over 4,000,000; half of them read from the cache.
		{"input above the limit", rateLimitSpec(3000, 0.95, 0, "anthropic", "claude-sonnet-5.5"),
			[]string{"5,397,727 input (cache reads not counted) tokens a minute against the Scale tier's 4,000,000 (1.35×)"}},
		{"cache reads not counted by Anthropic", rateLimitSpec(3000, 0.95, 0.5, "anthropic", "claude-sonnet-5.5"), nil},
		// GPT-6.2 Sol on OpenAI: 40,000,000 tokens a minute, input and
		// output, cache reads counted: 25,000 developers need 47,348,485.
		{"cache reads counted by OpenAI", rateLimitSpec(25000, 0.95, 0.5, "openai", "gpt-6.2-sol"),
			[]string{"47,348,485 input and output tokens a minute against the Tier 5 tier's 40,000,000 (1.18×)"}},
		{"no token limit (DeepSeek)", rateLimitSpec(100000, 0.8, 0, "deepseek", "deepseek-v4-pro"), nil},
		{"unknown default (Bedrock)", rateLimitSpec(100000, 0.8, 0, "bedrock", "claude-sonnet-5.5"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := buildSource(t, tt.src, at)
			var got []plan.Finding
			for _, o := range p.Options {
				for _, w := range o.Warnings {
					if w.Policy == plan.RateLimitWarning {
						got = append(got, w)
					}
				}
			}
			if tt.want == nil {
				if len(got) > 0 {
					t.Fatalf("warnings %v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d rate-limit warnings %v, want 1", len(got), got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0].Message, w) {
					t.Errorf("warning %q\nlacks %q", got[0].Message, w)
				}
			}
		})
	}
}

// TestRateLimitWarningBedrockBook: the catalog knows no default Bedrock
// quota, so a Bedrock route warns only under a price book that sets one;
// Bedrock counts input and output together, Claude's output at 5 ×, and
// the warning names the quota to request.
func TestRateLimitWarningBedrockBook(t *testing.T) {
	book, err := modelcatalog.ParseBook("book.json", []byte(`{"as_of": "2026-12-01", "managed": [
 {"id": "claude-sonnet-5.5", "rate_limits": {"bedrock": {"tpm": 2000000, "counts": "input_output", "source": "Service Quotas, account 123456789012", "as_of": "2026-12-01"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cat := modelcatalog.Merge(modelcatalog.Default(), book)
	if err := cat.Validate(); err != nil {
		t.Fatal(err)
	}
	// 1,000 developers: 1,515,152 input and 378,788 output tokens a minute,
	// 3,409,091 as Bedrock counts them (input + 5 × output).
	s := parseSource(t, "rl.hcl", rateLimitSpec(1000, 0.8, 0, "bedrock", "claude-sonnet-5.5"))
	p, err := plan.Build(context.Background(), s, plan.Options{AsOf: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), Policies: policies, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range p.Options {
		for _, w := range o.Warnings {
			if w.Policy == plan.RateLimitWarning {
				got = append(got, w.Message)
			}
		}
	}
	want := []string{"3,409,091 input and 5 × output tokens a minute against the default quota's 2,000,000 (1.70×)",
		`quota "Global cross-Region model inference tokens per minute for Anthropic Claude Sonnet 5.5", bedrock`}
	if len(got) != 1 {
		t.Fatalf("rate-limit warnings %q, want 1", got)
	}
	for _, w := range want {
		if !strings.Contains(got[0], w) {
			t.Errorf("warning %q\nlacks %q", got[0], w)
		}
	}
}

// TestRoutePeaksInJSON: each option's managed routes carry their peak load
// in the plan's JSON (route_peaks), in whole tokens a minute, one entry a
// model and provider over the workloads it serves, summing to the team's
// peak tokens a minute over the managed workloads' shares: what a reviewer
// compares with the rate limits the organisation has.
func TestRoutePeaksInJSON(t *testing.T) {
	path := filepath.Join("..", "examples", "routed-team.hcl")
	s, diags := spec.NewParser(modelcatalog.Default()).ParseFile(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p := build(t, path, asOf)
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Options []struct {
			Architecture string `json:"architecture"`
			Routes       []struct {
				Workload string  `json:"workload"`
				ServedBy string  `json:"served_by"`
				Share    float64 `json:"share"`
			} `json:"routes"`
			RoutePeaks []map[string]any `json:"route_peaks"`
		} `json:"options"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	team := s.Team
	perMinute := team.Developers.Mid() * team.TokensPerDeveloper.Mid() / (team.WorkingHoursPerMonth * 60) * team.PeakToAverage.Mid()
	for _, o := range doc.Options {
		var managed []string
		share := 0.0
		for _, r := range o.Routes {
			if r.ServedBy == "managed" {
				managed = append(managed, r.Workload)
				share += r.Share
			}
		}
		var served []string
		total := 0.0
		for _, rp := range o.RoutePeaks {
			for _, w := range rp["workloads"].([]any) {
				served = append(served, w.(string))
			}
			for _, k := range []string{"uncached_input_tpm", "cache_read_tpm", "cache_write_tpm", "output_tpm"} {
				v := rp[k].(float64)
				if v != math.Round(v) {
					t.Errorf("%s: %s %v is not whole tokens a minute", o.Architecture, k, v)
				}
				total += v
			}
		}
		slices.Sort(managed)
		slices.Sort(served)
		if !slices.Equal(managed, served) {
			t.Errorf("%s: route_peaks cover %v, the managed routes are %v", o.Architecture, served, managed)
		}
		if want := perMinute * share; math.Abs(total-want) > 4 {
			t.Errorf("%s: route_peaks sum to %.0f tokens a minute, the managed workloads' peak is %.0f", o.Architecture, total, want)
		}
	}
}

// TestRateLimitRequests: a provider limits requests a minute too, and a
// team of short requests reaches that limit long before its tokens. GPT-6
// Luna on OpenAI takes 30,000 requests and 180,000,000 tokens a minute
// (Tier 5, the gpt-5-mini class); at 1,000 tokens of context a request,
// each developer sends 1,515.15 input tokens, 1.515 requests, a minute at
// peak, so 19,800 developers send 30,000 requests and 37.5 M tokens. The
// warning names the requests and leaves the tokens out.
func TestRateLimitRequests(t *testing.T) {
	at := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	src := func(developers, context int) string {
		return fmt.Sprintf(`team "rl" {
  developers = %d
  tokens_per_developer = 1e7
  input_share = 0.8
  peak_to_average = 2
  cost_center = "platform"
}
workload "complete" {
  share = 1
  complexity = "simple"
  context_tokens = %d
  route = "managed"
  model = "gpt-6-luna"
}
managed {
  provider = "openai"
}
`, developers, context)
	}
	tests := []struct {
		name       string
		developers int
		context    int
		want       []string // substrings of the one warning; nil: none
		requests   float64  // the route's requests a minute in the JSON
	}{
		{"at the limit", 19800, 1000, nil, 30000},
		{"above the limit", 19801, 1000, []string{"30,002 requests a minute against the Tier 5 tier's 30,000 (1.00×)"}, 30001.5},
		{"longer requests, fewer of them", 19801, 2000, nil, 15000.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := buildSource(t, src(tt.developers, tt.context), at)
			var got []string
			var peaks []plan.RoutePeak
			for _, o := range p.Options {
				peaks = append(peaks, o.RoutePeaks...)
				for _, w := range o.Warnings {
					if w.Policy == plan.RateLimitWarning {
						got = append(got, w.Message)
					}
				}
			}
			if len(peaks) == 0 {
				t.Fatal("no managed route peak")
			}
			raw, err := json.Marshal(peaks[0])
			if err != nil {
				t.Fatal(err)
			}
			var back struct {
				RequestsPerMinute float64 `json:"requests_per_minute"`
			}
			if err := json.Unmarshal(raw, &back); err != nil || back.RequestsPerMinute != tt.requests {
				t.Errorf("route peak JSON %s: requests_per_minute %v, want %v", raw, back.RequestsPerMinute, tt.requests)
			}
			if tt.want == nil {
				if len(got) > 0 {
					t.Fatalf("warnings %q, want none", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatal("no rate-limit warning")
			}
			for _, m := range got {
				for _, w := range tt.want {
					if !strings.Contains(m, w) {
						t.Errorf("warning %q\nlacks %q", m, w)
					}
				}
				if strings.Contains(m, "tokens a minute against") {
					t.Errorf("warning %q names the tokens, under their limit", m)
				}
			}
		})
	}
}
