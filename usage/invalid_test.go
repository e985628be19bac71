package usage

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// goodEvent is one valid api_request event line.
const goodEvent = `{"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1793614500000000000","attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},{"key":"user.email","value":{"stringValue":"a@x"}},{"key":"request_id","value":{"stringValue":"r1"}},{"key":"model","value":{"stringValue":"claude-sonnet-4-6"}},{"key":"input_tokens","value":{"intValue":"10"}},{"key":"output_tokens","value":{"intValue":"5"}}]}]}]}]}`

func TestMalformedRecords(t *testing.T) {
	badType := strings.Replace(strings.Replace(goodEvent, `"resourceLogs"`, `"resourceMetrics"`, 1), `"scopeLogs":[{"logRecords":[`, `"scopeMetrics":[{"metrics":[{"name":"claude_code.token.usage","sum":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"1","asInt":"3","attributes":[{"key":"type","value":{"stringValue":"bogus"}}]}]}}]}]}]}`+"\n", 1)
	badType = badType[:strings.Index(badType, "\n")]
	tests := []struct {
		name, format, content string
		want                  string // the error, after the file name
	}{
		{"otel line not JSON", ClaudeCodeOTel, goodEvent + "\n{not json\n", ":2: not an OTLP JSON line"},
		{"otel neither metrics nor logs", ClaudeCodeOTel, `{"resourceSpans":[]}`, ":1: an OTLP JSON line holds resourceMetrics or resourceLogs"},
		{"otel unknown token type", ClaudeCodeOTel, badType, `:1: claude_code.token.usage point with type "bogus"`},
		{"otel negative tokens", ClaudeCodeOTel, goodEvent + "\n" + strings.Replace(goodEvent, `"intValue":"10"`, `"intValue":"-10"`, 1), ":2: claude_code.api_request input_tokens: token count \"-10\" is negative"},
		// OTLP times are nanoseconds; milliseconds read as January 1970 and
		// collapse the period (and every hour) into one.
		{"otel event time in milliseconds", ClaudeCodeOTel, strings.Replace(goodEvent, `"1793614500000000000"`, `"1793614500000"`, 1), ":1: claude_code.api_request event's timeUnixNano reads as 1970-01-01T00:29:53.6145Z"},
		{"otel point time in milliseconds", ClaudeCodeOTel, strings.Replace(strings.Replace(badType, `"bogus"`, `"input"`, 1), `"timeUnixNano":"1"`, `"timeUnixNano":"1793614500000"`, 1), ":1: claude_code.token.usage point has timeUnixNano 1793614500000"},
		{"otel event without tokens", ClaudeCodeOTel, strings.Replace(strings.Replace(goodEvent, `"input_tokens"`, `"x"`, 1), `"output_tokens"`, `"y"`, 1), ":1: claude_code.api_request event carries none of"},
		{"anthropic count not a number", AnthropicUsage, "{\n \"data\": [\n  {\"starting_at\": \"2026-11-02T09:00:00Z\", \"ending_at\": \"2026-11-02T10:00:00Z\",\n   \"results\": [\n    {\"uncached_input_tokens\": 1, \"output_tokens\": 1},\n    {\"uncached_input_tokens\": 1, \"output_tokens\": \"abc\"}\n   ]}\n ]\n}\n",
			`:6: token count "abc" is not a number`},
		{"anthropic result without tokens", AnthropicUsage, `{"data":[{"starting_at":"2026-11-02T09:00:00Z","ending_at":"2026-11-02T10:00:00Z","results":[{"model":"m"}]}]}`, ":1: bucket 1: a usage result needs uncached_input_tokens"},
		{"anthropic bucket without times", AnthropicUsage, `{"data":[{"results":[{"uncached_input_tokens":1,"output_tokens":1}]}]}`, ":1: bucket 1: a time bucket needs starting_at and ending_at"},
		{"anthropic truncated", AnthropicUsage, "{\"data\":[\n{\"starting_at\":", ":2: invalid JSON: the file ends inside a value"},
		{"openai cache above input", OpenAIUsage, `{"data":[{"start_time":1793577600,"end_time":1793664000,"results":[` + "\n" + `{"input_tokens":10,"input_cached_tokens":20,"output_tokens":1,"user_id":"u"}]}]}`, ":2: input_tokens 10 is less than input_cached_tokens 20"},
		// input_uncached_tokens was taken as written even when the three
		// parts did not come to input_tokens, which they divide.
		{"openai parts above input", OpenAIUsage, `{"data":[{"start_time":1793577600,"end_time":1793664000,"results":[` + "\n" + `{"input_tokens":1000,"input_cached_tokens":800,"input_uncached_tokens":900,"output_tokens":1,"user_id":"u"}]}]}`, ":2: input_uncached_tokens 900, input_cached_tokens 800 and input_cache_write_tokens 0 add up to 1700, not input_tokens 1000"},
		{"openai parts below input", OpenAIUsage, `{"data":[{"start_time":1793577600,"end_time":1793664000,"results":[` + "\n" + `{"input_tokens":10000,"input_cached_tokens":200,"input_uncached_tokens":300,"output_tokens":1,"user_id":"u"}]}]}`, ":2: input_uncached_tokens 300, input_cached_tokens 200 and input_cache_write_tokens 0 add up to 500, not input_tokens 10000"},
		// ParseFloat reads hexadecimal: 0x1p4 was 16 tokens.
		{"litellm csv hexadecimal count", LiteLLMSpend, "request_id,startTime,prompt_tokens,completion_tokens,user\na,2026-11-02 09:00:00,0x1p4,1,u\n", `:2: prompt_tokens: token count "0x1p4" is not a number`},
		// A CSV cut inside its last row's last count read as a smaller
		// number (25100 output became 125).
		{"litellm csv cut short", LiteLLMSpend, "request_id,startTime,prompt_tokens,user,completion_tokens\na,2026-11-02 09:00:00,1,u,1\nb,2026-11-02 09:00:00,1,u,25", ":3: spend logs CSV: the file ends inside this row"},
		{"openai bad time", OpenAIUsage, `{"data":[{"start_time":"yesterday","end_time":1793664000,"results":[{"input_tokens":10,"output_tokens":1}]}]}`, `:1: bucket 1: time "yesterday" is not RFC 3339`},
		{"litellm row without request_id", LiteLLMSpend, "[\n{\"request_id\":\"a\",\"startTime\":\"2026-11-02T09:00:00Z\",\"prompt_tokens\":1,\"completion_tokens\":1,\"user\":\"u\"},\n{\"startTime\":\"2026-11-02T09:00:00Z\",\"prompt_tokens\":1,\"completion_tokens\":1}\n]", ":3: a spend log row needs request_id"},
		{"litellm csv bad count", LiteLLMSpend, "request_id,startTime,prompt_tokens,completion_tokens,user\na,2026-11-02 09:00:00,1,1,u\nb,2026-11-02 09:00:00,x,1,u\n", `:3: prompt_tokens: token count "x" is not a number`},
		{"litellm csv missing column", LiteLLMSpend, "request_id,prompt_tokens,completion_tokens\n", ":1: spend logs CSV: the header has no startTime column"},
		{"litellm bad metadata", LiteLLMSpend, `{"request_id":"a","startTime":"2026-11-02T09:00:00Z","prompt_tokens":1,"completion_tokens":1,"metadata":"{oops"}`, ":1: metadata is not a JSON object"},
		{"vllm not prometheus", VLLMMetrics, "vllm:prompt_tokens_total{engine=\"0\"} 1\nvllm:generation_tokens_total{engine=0} 2\n", ":2: Prometheus text format"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Import([]string{p, p}, Options{Format: tt.format, Interval: time.Minute})
			if err == nil || !strings.Contains(err.Error(), p+tt.want) {
				t.Errorf("case %d: err %v, want %q", i, err, p+tt.want)
			}
		})
	}
}

func TestSkipInvalid(t *testing.T) {
	p := filepath.Join(t.TempDir(), "events.jsonl")
	content := "{oops\n" + goodEvent + "\n" + strings.Replace(goodEvent, `"r1"`, `"r2"`, 1) + "\n" + `{"resourceSpans":[]}` + "\n"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Import([]string{p}, Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 2 || len(res.SkippedReasons) != 2 || !strings.HasPrefix(res.SkippedReasons[0], p+":1: ") || !strings.HasPrefix(res.SkippedReasons[1], p+":4: ") {
		t.Errorf("skipped %d %q, want lines 1 and 4", res.Skipped, res.SkippedReasons)
	}
	if res.Records != 2 || res.Tokens.Totals.Total() != 30 {
		t.Errorf("records %d, tokens %v; want the two good events' 30 tokens", res.Records, res.Tokens.Totals.Total())
	}
	if _, err := Import([]string{p}, Options{}); err == nil || !strings.Contains(err.Error(), p+":1:") {
		t.Errorf("without --skip-invalid: %v, want an error at line 1", err)
	}
}

func TestNoUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[]}],"has_more":false}`), 0o644)
	zeros := filepath.Join(dir, "zeros.json")
	os.WriteFile(zeros, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[{"account_id":"a","uncached_input_tokens":0,"output_tokens":0}]}]}`), 0o644)
	anon := filepath.Join(dir, "anon.json")
	os.WriteFile(anon, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[{"uncached_input_tokens":5,"output_tokens":5}]}]}`), 0o644)
	later, _ := time.Parse(time.DateOnly, "2026-12-01")
	tests := []struct {
		name  string
		files []string
		opts  Options
		want  string
	}{
		{"no results", []string{empty}, Options{}, "hold no token usage"},
		{"zero tokens", []string{zeros}, Options{}, "hold no token usage"},
		{"nothing in the period", []string{"testdata/openai-usage/page1.json"}, Options{Since: later}, "the period hold no token usage"},
		{"nobody named", []string{anon}, Options{}, "no record in the period names a developer"},
		{"no Claude Code records", []string{"testdata/claude-code-otel/events.jsonl"}, Options{Format: ClaudeCodeOTel, Since: later}, "hold no token usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(tt.files, tt.opts)
			if !errors.Is(err, ErrNoUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want ErrNoUsage saying %q", err, tt.want)
			}
		})
	}
}

func TestMixedBucketWidths(t *testing.T) {
	p := filepath.Join(t.TempDir(), "daily.json")
	os.WriteFile(p, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[{"account_id":"user_A","uncached_input_tokens":5,"output_tokens":5}]}]}`), 0o644)
	_, err := Import([]string{"testdata/anthropic-usage/page1.json", p}, Options{})
	if err == nil || !strings.Contains(err.Error(), "buckets of 1h0m0s and of 24h0m0s over the same time") {
		t.Errorf("err %v, want a bucket-width error", err)
	}
	// A shorter last bucket after full ones is a partial bucket, not a
	// second report.
	partial := filepath.Join(t.TempDir(), "partial.json")
	os.WriteFile(partial, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[{"account_id":"a","uncached_input_tokens":5,"output_tokens":5}]},`+
		`{"starting_at":"2026-11-03T00:00:00Z","ending_at":"2026-11-03T12:00:00Z","results":[{"account_id":"a","uncached_input_tokens":5,"output_tokens":5}]}]}`), 0o644)
	res, err := Import([]string{partial}, Options{})
	if err != nil || res.Tokens.Totals.Total() != 20 {
		t.Errorf("partial last bucket: %v, %+v", err, res)
	}
}

// TestCompressed: a collector's rotated files may be gzip or zstd; they
// read as the plain file does.
func TestCompressed(t *testing.T) {
	plain, err := os.ReadFile("testdata/claude-code-otel/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Import([]string{"testdata/claude-code-otel/events.jsonl"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	enc, _ := zstd.NewWriter(nil)
	files := map[string][]byte{"events.jsonl.gz": gz.Bytes(), "events.jsonl.zst": enc.EncodeAll(plain, nil)}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			os.WriteFile(p, data, 0o644)
			got, err := Import([]string{p}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != ClaudeCodeOTel || got.Records != want.Records || got.Tokens.Totals != want.Tokens.Totals {
				t.Errorf("%s: format %s, %d records, totals %+v; want %d, %+v", name, got.Format, got.Records, got.Tokens.Totals, want.Records, want.Tokens.Totals)
			}
		})
	}
}

// TestOldOTLPNames: collectors before OTLP 0.15 wrote
// instrumentationLibraryLogs for scopeLogs.
func TestOldOTLPNames(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.jsonl")
	os.WriteFile(p, []byte(strings.Replace(goodEvent, `"scopeLogs"`, `"instrumentationLibraryLogs"`, 1)+"\n"), 0o644)
	res, err := Import([]string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 1 || res.Tokens.Totals.Total() != 15 {
		t.Errorf("records %d, tokens %v; want the one event's 15", res.Records, res.Tokens.Totals.Total())
	}
}

// TestLiteLLMShapes: the spend logs as an array (/spend/logs), as pages
// with a data array (/spend/logs/ui), and one row a line read alike.
func TestLiteLLMShapes(t *testing.T) {
	raw, err := os.ReadFile("testdata/litellm-spend/logs.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Import([]string{"testdata/litellm-spend/logs.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.Trim(strings.TrimSpace(string(raw)), "[]\n"), ",\n")
	dir := t.TempDir()
	shapes := map[string]string{
		"lines.jsonl": strings.Join(rows, "\n") + "\n",
		"pages.json":  `{"data":[` + strings.Join(rows[:3], ",") + `],"total":6,"page":1}` + "\n" + `{"data":[` + strings.Join(rows[3:], ",") + `],"total":6,"page":2}`,
	}
	for name, content := range shapes {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(content), 0o644)
			got, err := Import([]string{p}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != LiteLLMSpend || got.Records != want.Records || got.Duplicates != want.Duplicates || got.Tokens.Totals != want.Tokens.Totals || got.Tokens.Developers != want.Tokens.Developers {
				t.Errorf("%s: %d records %d dups %+v, want %d %d %+v", name, got.Records, got.Duplicates, got.Tokens.Totals, want.Records, want.Duplicates, want.Tokens.Totals)
			}
		})
	}
}

// TestEmptyBucketsCover: a report's empty buckets are part of its period:
// two days reported with usage on the first only is a two-day period.
func TestEmptyBucketsCover(t *testing.T) {
	p := filepath.Join(t.TempDir(), "two-days.json")
	os.WriteFile(p, []byte(`{"data":[{"starting_at":"2026-11-02T00:00:00Z","ending_at":"2026-11-03T00:00:00Z","results":[{"account_id":"a","uncached_input_tokens":480,"output_tokens":0}]},`+
		`{"starting_at":"2026-11-03T00:00:00Z","ending_at":"2026-11-04T00:00:00Z","results":[]}]}`), 0o644)
	res, err := Import([]string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Two weekdays: a month's weekdays are 5/7 of its 730 hours.
	want := math.Round(480 * 730.0 * 5 / 7 / 48)
	if res.Period != (Period{Since: "2026-11-02", Until: "2026-11-04", Days: 2}) || res.Tokens.TokensPerDeveloperMonth.Mean != want {
		t.Errorf("period %+v, mean %v; want two days and %v", res.Period, res.Tokens.TokensPerDeveloperMonth.Mean, want)
	}
}

// TestSkipInvalidScrape: under --skip-invalid a malformed scrape is left
// out whole and the others still give rates.
func TestSkipInvalidScrape(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.prom")
	os.WriteFile(bad, []byte("vllm:prompt_tokens_total{engine=0} 5\n"), 0o644)
	files := []string{"testdata/vllm-metrics/stamped-1.prom", bad, "testdata/vllm-metrics/stamped-2.prom"}
	res, err := Import(files, Options{Format: VLLMMetrics, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || res.FleetMetrics.Scrapes != 2 || res.FleetMetrics.PromptTokS != 500 {
		t.Errorf("skipped %d, %d scrapes, prompt %v tok/s; want 1, 2 and 30000 over 60 s", res.Skipped, res.FleetMetrics.Scrapes, res.FleetMetrics.PromptTokS)
	}
	if _, err := Import(files, Options{Format: VLLMMetrics}); err == nil || !strings.Contains(err.Error(), bad+":1:") {
		t.Errorf("without --skip-invalid: %v", err)
	}
}
