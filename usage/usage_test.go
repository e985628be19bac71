package usage

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// month scales a day's tokens to a 730-hour month: the fixtures' figures
// below are written as the tokens counted by hand in the fixture, times
// this factor over the period's days.
// month scales a period's tokens to a month as the import does for a
// period of weekdays only (every fixture's): over a month's weekdays, 5/7
// of its 730 hours, weekend usage taken as none (aggregate.monthScale).
func month(tokens, days float64) float64 { return tokens * units.HoursPerMonth * 5 / 7 / (24 * days) }

// want is a fixture's hand-computed figures. Token figures are the
// period's raw tokens; the test scales them to the month.
type want struct {
	name                       string
	files                      []string
	period                     [2]string // --since, --until
	tz                         string
	format, source             string
	records, dups, outside     int64
	since, until               string
	days                       float64
	developers                 int
	mean, p25, p50, p75        float64 // per developer over the period
	uncached, read, write, out float64 // the period's totals
	peak                       float64 // 0: unknown
	peakHour                   string
	models, unmapped           map[string]float64
	unattributed               float64
	notes                      []string
}

func TestImportFigures(t *testing.T) {
	td := func(p ...string) []string {
		out := make([]string, len(p))
		for i, s := range p {
			out[i] = filepath.Join("testdata", s)
		}
		return out
	}
	tests := []want{
		{
			// Events: req_1 repeated on line 3 counts once; the metrics file
			// beside them is not counted; user.email, then user.account_id
			// name the developer; carol's install (user.id alone, where the
			// others name a person) is no developer's.
			name: "claude-code events", files: td("claude-code-otel/events.jsonl", "claude-code-otel/events-metrics.jsonl"),
			format: ClaudeCodeOTel, source: SourceEvents, records: 4, dups: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 2, unattributed: 100,
			// alice 1000+300, bob 1000; carol's 100 unattributed.
			mean: 2300.0 / 2, p25: 1000 + 0.25*300, p50: 1150, p75: 1000 + 0.75*300,
			uncached: 650, read: 1300, write: 50, out: 400,
			// 10:00 holds 1300 tokens; 2400 over 8 working hours is 300.
			peak: 1300.0 / 300, peakHour: "2026-11-02T10:00Z",
			models:   map[string]float64{"claude-sonnet-4.6": 2000, "claude-opus-4.8": 300},
			unmapped: map[string]float64{"claude-sonnet-5": 100},
			notes:    []string{"1 token.usage metric points were not counted"},
		},
		{
			// The same day in New York (UTC-5): the requests fall at 05:15,
			// 05:40, 09:05 and 09:30; only the last two are in working
			// hours, and all 2,400 tokens count in the mean working hour.
			name: "claude-code events in a timezone", files: td("claude-code-otel/events.jsonl"), tz: "America/New_York",
			format: ClaudeCodeOTel, source: SourceEvents, records: 4, dups: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 2, unattributed: 100,
			mean: 2300.0 / 2, p25: 1075, p50: 1150, p75: 1225,
			uncached: 650, read: 1300, write: 50, out: 400,
			peak: 1300 / (2400.0 / 8), peakHour: "2026-11-02T05:00-05:00",
			models:   map[string]float64{"claude-sonnet-4.6": 2000, "claude-opus-4.8": 300},
			unmapped: map[string]float64{"claude-sonnet-5": 100},
		},
		{
			// Delta metrics in two rotated files passed newest first: the
			// second repeats the first's 10:00 export (4 points), asDouble
			// and asInt both read, the account id comes from the resource,
			// and "claude-opus-4-8[1m]" maps to the catalog. A point counts
			// in the hours of its interval: 09:59-10:00 is the 09:00 hour's
			// (1000 tokens), 10:00-10:01 the 10:00 hour's (300), 15:29-15:30
			// the 15:00 hour's (1000).
			name: "claude-code delta metrics", files: td("claude-code-otel/delta-b.jsonl", "claude-code-otel/delta-a.jsonl"),
			format: ClaudeCodeOTel, source: SourceMetrics, records: 9, dups: 4,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 2,
			mean: 1150, p25: 1000 + 0.25*300, p50: 1150, p75: 1000 + 0.75*300,
			uncached: 600, read: 1300, write: 50, out: 350,
			peak: 1000 / (2300.0 / 8), peakHour: "2026-11-02T09:00Z",
			models: map[string]float64{"claude-sonnet-4.6": 1300, "claude-opus-4.8": 1000},
		},
		{
			// Cumulative metrics: input 100, 250, (250 again), 400 from one
			// start, then 30 from a new start (a restart); output 50, 80,
			// then 20 (went down: a reset) and 60. Increases: input 100 +
			// 150 + 150 + 30, output 50 + 30 + 20 + 40.
			name: "claude-code cumulative metrics with resets", files: td("claude-code-otel/cumulative.jsonl"),
			format: ClaudeCodeOTel, source: SourceMetrics, records: 8, dups: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 1,
			mean: 570, p25: 570, p50: 570, p75: 570,
			uncached: 430, out: 140,
			// Hours: 10:00 150, 11:00 180, 12:00 170, 13:00 70.
			peak:   180 / (570.0 / 8),
			models: map[string]float64{"claude-sonnet-4.6": 570},
			notes:  []string{"1 cumulative counters went down"},
		},
		{
			// Two pages, the second repeating the 10:00 bucket; account_id,
			// else api_key_id; a playground row with neither is
			// unattributed; cache writes are the 1h and 5m sum.
			name: "anthropic overlapping pages", files: td("anthropic-usage/page1.json", "anthropic-usage/page2.json"),
			format: AnthropicUsage, records: 5, dups: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 3,
			// user_A 6000+300, apikey_B 1000, user_C 500.
			mean: 7800.0 / 3, p25: 750, p50: 1000, p75: 1000 + 0.5*5300,
			uncached: 2200, read: 4000, write: 500, out: 1300,
			peak:         7000 / (8000.0 / 8),
			unattributed: 200,
			models:       map[string]float64{"claude-sonnet-4.6": 6200, "claude-opus-4.8": 1000, "claude-haiku-5.5": 300},
			unmapped:     map[string]float64{"claude-mystery-1": 500},
		},
		{
			// OpenAI's input_tokens includes the cache: 10000 input with
			// 6000 cached and 1000 cache writes is 3000 uncached; a row
			// with input_uncached_tokens uses it. The second file repeats
			// the first. Daily buckets leave the peak unknown.
			name: "openai cache-inclusive input", files: td("openai-usage/page1.json", "openai-usage/page1-again.json"),
			format: OpenAIUsage, records: 4, dups: 4,
			since: "2026-11-02", until: "2026-11-04", days: 2, developers: 3,
			// user_1 12000+2200, key_2 6000, user_3 800.
			mean: 21000.0 / 3, p25: 800 + 0.5*5200, p50: 6000, p75: 6000 + 0.5*8200,
			uncached: 9500, read: 7200, write: 1000, out: 3300,
			models: map[string]float64{"gpt-5.5": 14200, "gpt-5.4-mini": 6000, "gpt-6-luna": 800},
			notes:  []string{"peak_to_average is unknown"},
		},
		{
			name: "openai one day of two", files: td("openai-usage/page1.json"), period: [2]string{"2026-11-02", "2026-11-03"},
			format: OpenAIUsage, records: 3, outside: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 3,
			mean: 18800.0 / 3, p25: 800 + 0.5*5200, p50: 6000, p75: 6000 + 0.5*6000,
			uncached: 7500, read: 7200, write: 1000, out: 3100,
			models: map[string]float64{"gpt-5.5": 12000, "gpt-5.4-mini": 6000, "gpt-6-luna": 800},
		},
	}
	for _, f := range []string{"logs.json", "logs.csv"} {
		tests = append(tests, want{
			// prompt_tokens includes the cache: 127505 - 118243 - 9254 is
			// text_tokens' 8; gpt-5.5's 1000 with 600 cached is 400; a row
			// whose cache exceeds prompt_tokens is an older LiteLLM's
			// (uncached 1500 - 1000); a response-cache hit and a repeated
			// request_id are not counted.
			name: "litellm " + f, files: td("litellm-spend/" + f),
			format: LiteLLMSpend, records: 4, dups: 1,
			since: "2026-11-02", until: "2026-11-03", days: 1, developers: 3,
			// alice 128507+2350, bob 1100, the api key 1000.
			mean: 132957.0 / 3, p25: 1050, p50: 1100, p75: 1100 + 0.5*(130857-1100),
			uncached: 1208, read: 119843, write: 10054, out: 1852,
			peak:   128507 / (132957.0 / 8),
			models: map[string]float64{"claude-sonnet-4.6": 130857, "gpt-5.5": 1100, "qwen3-coder-30b-a3b": 1000},
			notes:  []string{"1 rows were LiteLLM response-cache hits", "1 rows had prompt_tokens below cache reads plus cache writes"},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.tz != "" {
				loc, err := time.LoadLocation(tt.tz)
				if err != nil {
					t.Fatal(err)
				}
				opts.Location = loc
			}
			if tt.period[0] != "" {
				opts.Since, _ = time.Parse(time.DateOnly, tt.period[0])
				opts.Until, _ = time.Parse(time.DateOnly, tt.period[1])
			}
			res, err := Import(tt.files, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tt.format || !res.Detected || res.Source != tt.source {
				t.Errorf("format %q detected %v source %q, want %q detected, source %q", res.Format, res.Detected, res.Source, tt.format, tt.source)
			}
			if res.Records != tt.records || res.Duplicates != tt.dups || res.OutsidePeriod != tt.outside {
				t.Errorf("records %d dups %d outside %d, want %d %d %d", res.Records, res.Duplicates, res.OutsidePeriod, tt.records, tt.dups, tt.outside)
			}
			// A period left to requests is the team's whole days, and says
			// its zone.
			zone := ""
			if tt.tz != "" && tt.tz != "UTC" && tt.period == ([2]string{}) {
				zone = tt.tz
			}
			if res.Period != (Period{Since: tt.since, Until: tt.until, Days: tt.days, Zone: zone}) {
				t.Errorf("period %+v, want %s to %s, %g days", res.Period, tt.since, tt.until, tt.days)
			}
			tok := res.Tokens
			if tok == nil {
				t.Fatal("no token figures")
			}
			if tok.Developers != tt.developers {
				t.Errorf("developers %d, want %d", tok.Developers, tt.developers)
			}
			q := tok.TokensPerDeveloperMonth
			near(t, "mean", q.Mean, month(tt.mean, tt.days))
			near(t, "p25", q.P25, month(tt.p25, tt.days))
			near(t, "p50", q.P50, month(tt.p50, tt.days))
			near(t, "p75", q.P75, month(tt.p75, tt.days))
			in := tt.uncached + tt.read + tt.write
			near(t, "input_share", tok.InputShare, in/(in+tt.out))
			near(t, "cached_input_share", tok.CachedInputShare, tt.read/in)
			near(t, "cache_write_share", tok.CacheWriteShare, tt.write/in)
			if got := tok.Totals; got != (Buckets{tt.uncached, tt.read, tt.write, tt.out}) {
				t.Errorf("totals %+v, want %v %v %v %v", got, tt.uncached, tt.read, tt.write, tt.out)
			}
			if tt.peak == 0 {
				if tok.PeakToAverage != nil {
					t.Errorf("peak_to_average %v, want unknown", *tok.PeakToAverage)
				}
			} else if tok.PeakToAverage == nil {
				t.Errorf("peak_to_average unknown, want %v", tt.peak)
			} else {
				near(t, "peak_to_average", *tok.PeakToAverage, tt.peak)
			}
			if tt.peakHour != "" && tok.PeakHour != tt.peakHour {
				t.Errorf("peak hour %s, want %s", tok.PeakHour, tt.peakHour)
			}
			if tok.UnattributedTokens != tt.unattributed {
				t.Errorf("unattributed %v, want %v", tok.UnattributedTokens, tt.unattributed)
			}
			sameMap(t, "models", tok.Models, tt.models, tt.days)
			sameMap(t, "unmapped_models", tok.UnmappedModels, tt.unmapped, tt.days)
			for _, n := range tt.notes {
				if !strings.Contains(strings.Join(res.Notes, "\n"), n) {
					t.Errorf("notes lack %q: %q", n, res.Notes)
				}
			}
		})
	}
}

// near checks a figure to within rounding: a whole token, or 1e-6 of a
// share.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	tol := 0.5
	if math.Abs(want) < 100 {
		tol = 1e-4 * math.Max(1, math.Abs(want))
	}
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func sameMap(t *testing.T, what string, got, want map[string]float64, days float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v (per period)", what, got, want)
		return
	}
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s lacks %s: %v", what, k, got)
			continue
		}
		near(t, what+"["+k+"]", g, month(v, days))
	}
}

func TestVLLM(t *testing.T) {
	stamped := []string{"testdata/vllm-metrics/stamped-3.prom", "testdata/vllm-metrics/stamped-1.prom", "testdata/vllm-metrics/stamped-2.prom"}
	plain := []string{"testdata/vllm-metrics/plain-1.prom", "testdata/vllm-metrics/plain-2.prom", "testdata/vllm-metrics/plain-3.prom"}
	// Three scrapes a minute apart; the process restarted before the third
	// (created time changed, every counter lower). Prompt: 1e4 → 4e4 →
	// 6000 is 30000 + 6000 over 120 s; generation 3000 + 600; prefix cache
	// hits 12000 + 1000 of queries 24000 + 5000; TTFT sum 15 + 3 s over
	// 100 + 20 requests.
	hit := 13000.0 / 29000
	ttft := 18.0 / 120 * 1000
	kv, peakKV := 0.1, 0.5
	wantFleet := FleetMetrics{Scrapes: 3, IntervalSeconds: 120, PromptTokS: 300, GenerationTokS: 30, PeakTokS: 33000.0 / 60, PeakPromptTokS: 30000.0 / 60, PeakGenerationTokS: 3000.0 / 60,
		PrefixCacheHitRate: &hit, MeanTTFTMs: &ttft, NumRequestsRunning: 2, NumRequestsWaiting: 0,
		KVCacheUsagePerc: &kv, PeakKVCacheUsagePerc: &peakKV, PromptTokens: 36000, GenerationTokens: 3600, CounterResets: 6,
		Models: []string{"qwen3-coder-30b-a3b"}, UnmappedModels: []string{}}
	for _, tt := range []struct {
		name  string
		files []string
		opts  Options
	}{
		{"timestamped scrapes in any order", stamped, Options{}},
		{"plain scrapes with --interval", plain, Options{Interval: time.Minute}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import(tt.files, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != VLLMMetrics || res.FleetMetrics == nil {
				t.Fatalf("format %s, fleet %v", res.Format, res.FleetMetrics)
			}
			got := *res.FleetMetrics
			near(t, "prefix_cache_hit_rate", *got.PrefixCacheHitRate, hit)
			near(t, "mean_ttft_ms", *got.MeanTTFTMs, ttft)
			got.PrefixCacheHitRate, got.MeanTTFTMs = wantFleet.PrefixCacheHitRate, wantFleet.MeanTTFTMs
			if *got.KVCacheUsagePerc != kv || *got.PeakKVCacheUsagePerc != peakKV {
				t.Errorf("kv %v peak %v, want %v %v", *got.KVCacheUsagePerc, *got.PeakKVCacheUsagePerc, kv, peakKV)
			}
			got.KVCacheUsagePerc, got.PeakKVCacheUsagePerc = wantFleet.KVCacheUsagePerc, wantFleet.PeakKVCacheUsagePerc
			if d := diffFleet(got, wantFleet); d != "" {
				t.Error(d)
			}
		})
	}
	t.Run("plain scrapes need --interval", func(t *testing.T) {
		_, err := Import(plain, Options{})
		if err == nil || !strings.Contains(err.Error(), "--interval") {
			t.Errorf("err %v, want one asking for --interval", err)
		}
	})
	t.Run("one scrape is no rate", func(t *testing.T) {
		_, err := Import(stamped[:1], Options{})
		if !errors.Is(err, ErrNoUsage) {
			t.Errorf("err %v, want ErrNoUsage", err)
		}
	})
	t.Run("the period keeps the scrapes inside it", func(t *testing.T) {
		since, _ := time.Parse(time.DateOnly, "2026-11-03")
		_, err := Import(stamped, Options{Since: since})
		if !errors.Is(err, ErrNoUsage) {
			t.Errorf("err %v, want ErrNoUsage", err)
		}
	})
}

func diffFleet(got, want FleetMetrics) string {
	if g, w := fleetString(got), fleetString(want); g != w || got.PromptTokens != want.PromptTokens || got.GenerationTokens != want.GenerationTokens {
		return "fleet differs:\n got " + fleetString(got) + "\nwant " + fleetString(want)
	}
	return ""
}

// fleetString writes the figures rounded as costgate usage import shows
// them, so that float noise below that does not count as a difference.
func fleetString(f FleetMetrics) string {
	opt := func(v *float64) string {
		if v == nil {
			return "unknown"
		}
		return fmt.Sprintf("%.4f", *v)
	}
	return fmt.Sprintf("%d scrapes over %.0f s, %d resets; prompt %.1f, generation %.1f, busiest %.1f (%.1f, %.1f); hit rate %s, TTFT %s; %g running, %g waiting, KV %s (peak %s); models %v, unmapped %v",
		f.Scrapes, f.IntervalSeconds, f.CounterResets, f.PromptTokS, f.GenerationTokS, f.PeakTokS, f.PeakPromptTokS, f.PeakGenerationTokS,
		opt(f.PrefixCacheHitRate), opt(f.MeanTTFTMs), f.NumRequestsRunning, f.NumRequestsWaiting, opt(f.KVCacheUsagePerc), opt(f.PeakKVCacheUsagePerc), f.Models, f.UnmappedModels)
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{5}, 0.25, 5},
		{[]float64{1, 2}, 0.5, 1.5},
		{[]float64{1, 2, 3, 4}, 0.25, 1.75},
		{[]float64{1, 2, 3, 4}, 0.75, 3.25},
		{[]float64{10, 20, 30, 40, 1000}, 0.5, 30},
		{[]float64{10, 20, 30, 40, 1000}, 0.75, 40},
		{[]float64{1, 2, 3}, 1, 3},
	}
	for _, tt := range tests {
		if got := quantile(tt.xs, tt.p); got != tt.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", tt.xs, tt.p, got, tt.want)
		}
	}
}

func TestModelMapping(t *testing.T) {
	m := newModelMapper(catalogForTest())
	tests := []struct{ raw, want string }{
		{"claude-sonnet-4-6", "claude-sonnet-4.6"},
		{"claude-sonnet-4-6-20250929", "claude-sonnet-4.6"},
		{"claude-sonnet-4-6@20250929", "claude-sonnet-4.6"},
		{"claude-opus-4-8[1m]", "claude-opus-4.8"},
		{"anthropic/claude-opus-4-8", "claude-opus-4.8"},
		{"bedrock/us.anthropic.claude-sonnet-4-6-20250929-v1:0", "claude-sonnet-4.6"},
		{"global.anthropic.claude-sonnet-4-6", "claude-sonnet-4.6"},
		{"gpt-5.5-2026-03-05", "gpt-5.5"},
		{"GPT-5.5", "gpt-5.5"},
		{"openai/gpt-5.4-mini", "gpt-5.4-mini"},
		{"deepseek-chat", "deepseek-v4-flash"},
		{"claude-sonnet-4.6", "claude-sonnet-4.6"},
		{"Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3-coder-30b-a3b"},
		{"hosted_vllm/openai/gpt-oss-120b", "gpt-oss-120b"},
		{"claude-sonnet-5", ""},
		{"gpt-5", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := m.lookup(tt.raw)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("lookup(%q) = %q, %v; want %q", tt.raw, got, ok, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"otlp metrics", `{"resourceMetrics":[]}`, ClaudeCodeOTel},
		{"otlp logs", `{"resourceLogs":[]}`, ClaudeCodeOTel},
		{"anthropic", `{"data":[{"starting_at":"2026-11-02T00:00:00Z","results":[]}]}`, AnthropicUsage},
		{"anthropic result", `{"data":[{"results":[{"uncached_input_tokens":1}]}]}`, AnthropicUsage},
		{"openai", `{"object":"page","data":[{"object":"bucket","start_time":1,"results":[]}]}`, OpenAIUsage},
		{"litellm json", `[{"request_id":"a","prompt_tokens":1}]`, LiteLLMSpend},
		{"litellm csv", "request_id,startTime,prompt_tokens,completion_tokens\n", LiteLLMSpend},
		{"vllm", "# HELP vllm:num_requests_running x\n", VLLMMetrics},
		{"unknown json", `{"hello":1}`, ""},
		{"empty", "", ""},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Detect([]string{p})
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "--from") {
					t.Errorf("case %d: got %q, %v; want an error naming --from", i, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("mixed formats", func(t *testing.T) {
		_, err := Detect([]string{"testdata/openai-usage/page1.json", "testdata/anthropic-usage/page1.json"})
		if err == nil || !strings.Contains(err.Error(), "one format at a time") {
			t.Errorf("err %v, want a mixed-format error", err)
		}
	})
}

func catalogForTest() *modelcatalog.Catalog { return modelcatalog.Default() }
