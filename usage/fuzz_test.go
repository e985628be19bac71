package usage

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// Exports are hostile input: every parser must turn any bytes into figures
// that hold together or an error that names the file, never a panic.

func FuzzClaudeCodeOTel(f *testing.F) {
	fuzzFormat(f, ClaudeCodeOTel, "claude-code-otel/events.jsonl", "claude-code-otel/delta-a.jsonl", "claude-code-otel/cumulative.jsonl")
}

func FuzzAnthropicUsage(f *testing.F) {
	fuzzFormat(f, AnthropicUsage, "anthropic-usage/page1.json", "anthropic-usage/page2.json")
}

func FuzzOpenAIUsage(f *testing.F) {
	fuzzFormat(f, OpenAIUsage, "openai-usage/page1.json")
}

func FuzzLiteLLMSpend(f *testing.F) {
	fuzzFormat(f, LiteLLMSpend, "litellm-spend/logs.json", "litellm-spend/logs.csv")
}

func FuzzVLLMMetrics(f *testing.F) {
	fuzzFormat(f, VLLMMetrics, "vllm-metrics/stamped-1.prom", "vllm-metrics/plain-2.prom")
}

func fuzzFormat(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		b, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	// One file, rewritten for each input: a directory an input would cost
	// more than the import.
	p := filepath.Join(f.TempDir(), "export")
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files := []string{p}
		if format == VLLMMetrics {
			// Rates need two scrapes: the input and a copy with every
			// counter doubled would need parsing; the input twice is a
			// valid pair with zero increase.
			files = []string{p, p}
		}
		res, err := Import(files, Options{Format: format, SkipInvalid: skip, Interval: time.Minute})
		if err != nil {
			var re *RecordError
			if !errors.Is(err, ErrNoUsage) && !errors.As(err, &re) && !strings.Contains(err.Error(), p) && !strings.Contains(err.Error(), "scrape") && !strings.Contains(err.Error(), "the period") && !strings.Contains(err.Error(), "over the same time") {
				t.Fatalf("error names no file and is not ErrNoUsage: %v", err)
			}
			return
		}
		checkResult(t, res)
		if res.Tokens != nil {
			calibrateAny(t, res)
		}
	})
}

// checkResult asserts the invariants of any result.
func checkResult(t *testing.T, res *Result) {
	t.Helper()
	finite := func(what string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("%s = %v", what, v)
		}
	}
	share := func(what string, v float64) {
		finite(what, v)
		if v > 1 {
			t.Fatalf("%s = %v > 1", what, v)
		}
	}
	if tk := res.Tokens; tk != nil {
		if tk.Developers < 1 {
			t.Fatalf("developers %d", tk.Developers)
		}
		q := tk.TokensPerDeveloperMonth
		for _, v := range []float64{q.Mean, q.P25, q.P50, q.P75} {
			finite("tokens per developer", v)
		}
		if q.P25 > q.P50 || q.P50 > q.P75 {
			t.Fatalf("quantiles out of order: %+v", q)
		}
		share("input_share", tk.InputShare)
		share("cached_input_share", tk.CachedInputShare)
		share("cache_write_share", tk.CacheWriteShare)
		if tk.CachedInputShare+tk.CacheWriteShare > 1+1e-6 {
			t.Fatalf("cache shares add to more than 1: %v + %v", tk.CachedInputShare, tk.CacheWriteShare)
		}
		if tk.PeakToAverage != nil {
			finite("peak_to_average", *tk.PeakToAverage)
		}
		if res.Period.Days <= 0 {
			t.Fatalf("period %+v", res.Period)
		}
	}
	if fl := res.FleetMetrics; fl != nil {
		finite("prompt_tok_s", fl.PromptTokS)
		finite("generation_tok_s", fl.GenerationTokS)
		if fl.PrefixCacheHitRate != nil {
			finite("prefix_cache_hit_rate", *fl.PrefixCacheHitRate)
		}
	}
}

// calibrateAny calibrates a spec from any import: an error is allowed, a
// panic or a spec that does not decode is not (Calibrate decodes it).
func calibrateAny(t *testing.T, res *Result) {
	t.Helper()
	src := strings.Replace(calibrateSpec, "SIMPLE", "claude-sonnet-4.6", 1)
	cat := modelcatalog.Default()
	s, diags := spec.NewParser(cat).Parse("team.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	c, err := Calibrate("team.hcl", []byte(src), s, res, cat)
	if err == nil && len(c.Output) == 0 {
		t.Fatal("calibrate wrote nothing")
	}
}
