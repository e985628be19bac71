package usage

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBatchTierLeftOut: the batch APIs' usage (half price, results within
// a day) was counted as interactive load: an 11th developer (the batch
// job's key), a peak of 3.2 and interactive prices. It is left out, and
// the notes count it.
func TestBatchTierLeftOut(t *testing.T) {
	anthropic := `{"data":[{"starting_at":"2026-11-02T09:00:00Z","ending_at":"2026-11-02T10:00:00Z","results":[` +
		`{"account_id":"user_A","api_key_id":null,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"service_tier":"standard","uncached_input_tokens":1000},` +
		`{"account_id":null,"api_key_id":"apikey_batch","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":50000,"service_tier":"batch","uncached_input_tokens":900000}` +
		`]}],"has_more":false,"next_page":null}`
	openai := `{"object":"page","data":[{"object":"bucket","start_time":1793610000,"end_time":1793613600,"results":[` +
		`{"object":"organization.usage.completions.result","input_tokens":1000,"output_tokens":500,"input_cached_tokens":0,"user_id":"user_1","model":"gpt-5.5","batch":false},` +
		`{"object":"organization.usage.completions.result","input_tokens":900000,"output_tokens":50000,"input_cached_tokens":0,"api_key_id":"key_batch","model":"gpt-5.5","batch":true}` +
		`]}],"has_more":false,"next_page":null}`
	for name, body := range map[string]string{"anthropic": anthropic, "openai": openai} {
		t.Run(name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, name+".json", body)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Tokens.Developers != 1 || res.Tokens.Totals.Total() != 1500 {
				t.Errorf("%d developers, %v tokens: want the interactive row alone", res.Tokens.Developers, res.Tokens.Totals.Total())
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), "1 records of the batch tier") {
				t.Errorf("notes %q", res.Notes)
			}
		})
	}
}

// TestOpenAIProjectsAreNoDevelopers: grouped by project alone, an export
// counted each project as a developer (3 at 334.6M tokens for a team of
// 30 at 33.5M), and calibrate wrote that. A project names no person: such
// an export is refused as naming no developer.
func TestOpenAIProjectsAreNoDevelopers(t *testing.T) {
	body := `{"object":"page","data":[{"object":"bucket","start_time":1793610000,"end_time":1793613600,"results":[` +
		`{"object":"organization.usage.completions.result","input_tokens":1000,"output_tokens":500,"input_cached_tokens":0,"project_id":"proj_1","model":"gpt-5.5"},` +
		`{"object":"organization.usage.completions.result","input_tokens":2000,"output_tokens":500,"input_cached_tokens":0,"project_id":"proj_2","model":"gpt-5.5"}` +
		`]}],"has_more":false,"next_page":null}`
	_, err := Import([]string{writeTemp(t, "projects.json", body)}, Options{})
	if !errors.Is(err, ErrNoUsage) || !strings.Contains(err.Error(), "names a developer") {
		t.Errorf("err %v: want no developer named", err)
	}
}

// TestUnsplitWritesSaySo: one result that gives its cache writes unsplit
// (cache_creation_input_tokens) turned the one-hour pricing off for the
// whole export. The writes it tells stay apart by lifetime; those it
// does not are priced at the spec's cache_ttl, and the notes say so.
func TestUnsplitWritesSaySo(t *testing.T) {
	body := `{"data":[{"starting_at":"2026-11-02T09:00:00Z","ending_at":"2026-11-02T10:00:00Z","results":[` +
		`{"account_id":"user_A","cache_creation":{"ephemeral_1h_input_tokens":5000,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"uncached_input_tokens":1000},` +
		`{"account_id":"user_B","cache_creation_input_tokens":3000,"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"uncached_input_tokens":1000}` +
		`]}],"has_more":false,"next_page":null}`
	res, err := Import([]string{writeTemp(t, "mixed.json", body)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok := res.Tokens
	// 5,000 an hour and 3,000 untold in one hour of a weekday, a month's
	// weekdays (5/7 of 730 hours; the period holds no weekend day).
	month := 730.0 * 5 / 7 / 24
	if h, u := tok.ModelCacheWrite1h["claude-sonnet-4.6"], tok.ModelCacheWriteUntold["claude-sonnet-4.6"]; h != math.Round(5000*month) || u != math.Round(3000*month) {
		t.Errorf("1h writes %v, untold %v: want 5,000 and 3,000 a day's hour, a month", tok.ModelCacheWrite1h, tok.ModelCacheWriteUntold)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "do not tell their lifetime") {
		t.Errorf("notes %q", res.Notes)
	}
}

// TestTiersAndServiceAccounts: the flex tier (batch-like prices, minutes
// of queueing) is no interactive load and is left out as batch is; the
// priority tier is counted, and the notes say the measured cost prices it
// at standard rates; an Anthropic service account (a CI job's) is no
// developer: it counted as an 11th person, twice as heavy as the rest.
func TestTiersAndServiceAccounts(t *testing.T) {
	row := func(who, tier string, in int) string {
		return fmt.Sprintf(`{"account_id":%s,"api_key_id":"key_%d","service_account_id":%s,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"service_tier":%q,"uncached_input_tokens":%d}`,
			map[bool]string{true: `"` + who + `"`, false: "null"}[!strings.HasPrefix(who, "svac")], in,
			map[bool]string{true: `"` + who + `"`, false: "null"}[strings.HasPrefix(who, "svac")], tier, in)
	}
	anthropic := `{"data":[{"starting_at":"2026-11-02T09:00:00Z","ending_at":"2026-11-02T10:00:00Z","results":[` +
		strings.Join([]string{row("user_A", "standard", 1000), row("user_B", "priority", 2000), row("svac_ci", "standard", 9000), row("user_C", "flex", 50000)}, ",") +
		`]}],"has_more":false,"next_page":null}`
	openai := `{"object":"page","data":[{"object":"bucket","start_time":1793610000,"end_time":1793613600,"results":[` +
		`{"object":"organization.usage.completions.result","input_tokens":1000,"output_tokens":500,"input_cached_tokens":0,"user_id":"user_1","model":"gpt-5.5","batch":false,"service_tier":"default"},` +
		`{"object":"organization.usage.completions.result","input_tokens":2000,"output_tokens":500,"input_cached_tokens":0,"user_id":"user_2","model":"gpt-5.5","batch":false,"service_tier":"priority"},` +
		`{"object":"organization.usage.completions.result","input_tokens":50000,"output_tokens":500,"input_cached_tokens":0,"user_id":"user_3","model":"gpt-5.5","batch":false,"service_tier":"flex"}` +
		`]}],"has_more":false,"next_page":null}`
	for _, tc := range []struct {
		name, body string
		devs       int
		total      float64
		notes      []string
	}{
		{"anthropic", anthropic, 2, 1500 + 2500 + 9500, []string{"1 records of the flex tier", `2.5k tokens of the "priority" service tier are priced at standard rates`, "1 service account(s) are no developer: their tokens (svac_ci 9.5k)"}},
		{"openai", openai, 2, 1500 + 2500, []string{"1 records of the flex tier", `2.5k tokens of the "priority" service tier`}},
		// Fast mode bills a multiple of the standard rates: said, as a
		// premium tier is (it was priced as standard without a word).
		{"anthropic fast mode", strings.Replace(anthropic, `"model":"claude-sonnet-4-6"`, `"speed":"fast","model":"claude-sonnet-4-6"`, 1), 2, 1500 + 2500 + 9500,
			[]string{`1.5k tokens of fast mode (speed "fast") are priced at standard rates`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import([]string{writeTemp(t, tc.name+".json", tc.body)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Tokens.Developers != tc.devs || res.Tokens.Totals.Total() != tc.total {
				t.Errorf("%d developers, %v tokens: want %d and %v", res.Tokens.Developers, res.Tokens.Totals.Total(), tc.devs, tc.total)
			}
			for _, n := range tc.notes {
				if !strings.Contains(strings.Join(res.Notes, "\n"), n) {
					t.Errorf("notes lack %q: %q", n, res.Notes)
				}
			}
		})
	}
}

// TestTierNotesCountTheUsage: the notes' premium and service-account
// tokens are those the figures count: a bucket read again from an
// overlapping page counts once, and --since/--until leave out what is
// outside the period. They were summed for every result read, before
// the repeat was dropped and the period applied: the same page twice
// noted the CI account's 9.5k tokens as 19.0k, and a period of one of
// two days noted both days' tokens.
func TestTierNotesCountTheUsage(t *testing.T) {
	bucket := func(day int) string {
		return fmt.Sprintf(`{"starting_at":"2026-11-%02dT00:00:00Z","ending_at":"2026-11-%02dT00:00:00Z","results":[`, day, day+1) +
			`{"account_id":"user_A","api_key_id":"key_1","service_account_id":null,"cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"service_tier":"priority","uncached_input_tokens":2000},` +
			`{"account_id":null,"api_key_id":"key_2","service_account_id":"svac_ci","cache_read_input_tokens":0,"model":"claude-sonnet-4-6","output_tokens":500,"service_tier":"standard","uncached_input_tokens":9000}]}`
	}
	page := `{"data":[` + bucket(2) + "," + bucket(3) + `],"has_more":false,"next_page":null}`
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name  string
		files int
		opts  Options
		notes []string
	}{
		{"one page", 1, Options{}, []string{`5.0k tokens of the "priority" service tier`, "(svac_ci 19.0k)"}},
		{"the page twice", 2, Options{}, []string{`5.0k tokens of the "priority" service tier`, "(svac_ci 19.0k)"}},
		{"one day of two", 1, Options{Since: day(3), Until: day(4)}, []string{`2.5k tokens of the "priority" service tier`, "(svac_ci 9.5k)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			for i := range tc.files {
				paths = append(paths, writeTemp(t, fmt.Sprintf("page-%d.json", i), page))
			}
			res, err := Import(paths, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range tc.notes {
				if !strings.Contains(strings.Join(res.Notes, "\n"), n) {
					t.Errorf("notes lack %q: %q", n, res.Notes)
				}
			}
		})
	}
}

// TestClaudeCodeFastMode: Claude Code's api_request events of fast mode
// (speed "fast") are counted and noted as priced at standard rates, as a
// usage report's are.
func TestClaudeCodeFastMode(t *testing.T) {
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var lines []string
	for h := range 4 {
		ev := otlpEvent("alice@x.com", fmt.Sprint("r", h), day.Add(time.Duration(h)*time.Hour))
		if h == 0 {
			ev = strings.Replace(ev, `{"key":"model"`, `{"key":"speed","value":{"stringValue":"fast"}},{"key":"model"`, 1)
		}
		lines = append(lines, ev)
	}
	res, err := Import([]string{writeTemp(t, "events.jsonl", strings.Join(lines, "\n")+"\n")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool {
		return strings.Contains(n, `150 tokens of fast mode (speed "fast") are priced at standard rates`)
	}) {
		t.Errorf("notes: %q", res.Notes)
	}
}

// TestClaudeCodeFastModeMetrics: token.usage points of fast mode are
// noted as its api_request events are, delta and cumulative alike; a
// cumulative counter's tokens are its increases.
func TestClaudeCodeFastModeMetrics(t *testing.T) {
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fast := func(line string) string {
		return strings.Replace(line, `{"key":"type"`, `{"key":"speed","value":{"stringValue":"fast"}},{"key":"type"`, 1)
	}
	for _, tc := range []struct {
		name        string
		temporality int
		values      []float64 // the fast series' points, an hour apart
		want        string
	}{
		{"delta", 1, []float64{300, 200}, "500 tokens"},
		{"cumulative", 2, []float64{300, 700}, "700 tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			for h, v := range tc.values {
				at := day.Add(time.Duration(h+1) * time.Hour)
				start := at.Add(-time.Hour)
				if tc.temporality == 2 {
					start = day
				}
				lines = append(lines, fast(otlpPointLine("alice@x.com", "claude-sonnet-4-6", "input", start, at, v, tc.temporality)),
					otlpPointLine("alice@x.com", "claude-sonnet-4-6", "output", start, at, 10*float64(h+1), tc.temporality))
			}
			res, err := Import([]string{writeTemp(t, "metrics.jsonl", strings.Join(lines, "\n")+"\n")}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(res.Notes, func(n string) bool {
				return strings.Contains(n, tc.want+` of fast mode (speed "fast") are priced at standard rates`)
			}) {
				t.Errorf("notes: %q", res.Notes)
			}
		})
	}
}
