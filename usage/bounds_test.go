package usage

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/spec"
)

// TestBoundedValues: a token count that is not a whole number from 0 to
// MaxRecordTokens is invalid input naming the file and line, in every
// format and whichever way the count is written (number, string, double).
func TestBoundedValues(t *testing.T) {
	event := func(v string) string {
		return strings.Replace(goodEvent, `{"intValue":"5"}`, v, 1)
	}
	page := func(v string) string {
		return "{\"data\":[{\"starting_at\":\"2026-11-02T09:00:00Z\",\"ending_at\":\"2026-11-02T10:00:00Z\",\"results\":[\n" +
			`{"account_id":"a","uncached_input_tokens":1,"output_tokens":` + v + "}]}]}"
	}
	metric := otlpPointLine("a@x", "m", "output", timeAt(9), timeAt(10), 1000.5, 1)
	tests := []struct {
		name, format, content, want string
	}{
		{"event 1e308 number", ClaudeCodeOTel, goodEvent + "\n" + event(`{"doubleValue":1e308}`), `:2: claude_code.api_request output_tokens: token count "1e308" is above 1e+12`},
		{"event 1e308 string", ClaudeCodeOTel, event(`{"stringValue":"1e308"}`), `:1: claude_code.api_request output_tokens: token count "1e308" is above 1e+12`},
		{"event 20 digits", ClaudeCodeOTel, event(`{"intValue":"99999999999999999999"}`), `:1: claude_code.api_request output_tokens: token count "99999999999999999999" is above`},
		{"event fraction", ClaudeCodeOTel, event(`{"stringValue":"1000.5"}`), `:1: claude_code.api_request output_tokens: token count "1000.5" is not a whole number`},
		{"metric fraction", ClaudeCodeOTel, metric, `:1: not an OTLP JSON line: token count 1000.5 is not a whole number`},
		{"page 1e308", AnthropicUsage, page("1e308"), ":2: token count 1e308 is above"},
		{"page 1e400", AnthropicUsage, page("1e400"), ":2: token count 1e400 is above"},
		{"page 1e20 string", OpenAIUsage, strings.NewReplacer("starting_at", "start_time", "ending_at", "end_time", "account_id", "user_id", "uncached_input_tokens", "input_tokens").Replace(page(`"100000000000000000000"`)), `:2: token count "100000000000000000000" is above`},
		{"csv fraction", LiteLLMSpend, "request_id,startTime,prompt_tokens,completion_tokens,user\na,2026-11-02 09:00:00,1000.5,1,u\n", `:2: prompt_tokens: token count "1000.5" is not a whole number`},
		{"json NaN string", LiteLLMSpend, `[{"request_id":"a","startTime":"2026-11-02T09:00:00Z","prompt_tokens":"NaN","completion_tokens":1,"user":"u"}]`, `:1: record 1: token count "NaN" is not a number`},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Import([]string{p}, Options{Format: tt.format})
			if err == nil || !strings.Contains(err.Error(), p+tt.want) {
				t.Errorf("err %v, want %q", err, p+tt.want)
			}
		})
	}
	// Whole doubles are counts: exports write asDouble.
	p := filepath.Join(dir, "double.jsonl")
	if err := os.WriteFile(p, []byte(otlpPointLine("a@x", "m", "output", timeAt(9), timeAt(10), 1000, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, err := Import([]string{p}, Options{}); err != nil || res.Tokens.Totals.Output != 1000 {
		t.Errorf("asDouble 1000: %v", err)
	}
}

// TestCalibrateRefusesNonFinite: figures no import gives (an infinite
// mean, a NaN share) are an error from Calibrate, not a panic.
func TestCalibrateRefusesNonFinite(t *testing.T) {
	cat := catalogForTest()
	src := strings.Replace(calibrateSpec, "SIMPLE", "claude-sonnet-4.6", 1)
	s, diags := spec.NewParser(cat).Parse("team.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, bad := range []float64{math.Inf(1), math.NaN()} {
		res := &Result{Format: AnthropicUsage, Tokens: &Tokens{Developers: 1, TokensPerDeveloperMonth: Quantiles{Mean: bad, P25: 1, P50: 1, P75: 1}, InputShare: 0.5}}
		if _, err := Calibrate("team.hcl", []byte(src), s, res, cat); err == nil || !strings.Contains(err.Error(), "not a figure a spec can hold") {
			t.Errorf("mean %v: err %v", bad, err)
		}
	}
}
