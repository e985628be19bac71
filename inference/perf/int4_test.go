package perf

import (
	"math"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestInt4MoEFloor: a mixture of experts in INT4 pays Params.Int4MoEUs a
// MoE layer every step, on every GPU alike; FP8 experts and a dense INT4
// model do not.
func TestInt4MoEFloor(t *testing.T) {
	without := Fitted.clone()
	without.Int4MoEUs = 1
	for _, tc := range []struct {
		model, prec string
		tp          int
		floor       bool
	}{{"deepseek-r1", "int4", 8, true}, {"deepseek-r1", "fp8", 8, false}, {"llama-3.3-70b", "int4", 2, false}} {
		for _, gpu := range []string{"h200", "b200"} {
			c := cfg(t, tc.model, gpu, tc.tp)
			c.Precision, c.Concurrency, c.InputTokens, c.OutputTokens = tc.prec, 1, 128, 128
			with, base := predict(c, Fitted), predict(c, without)
			if !with.Fits || !base.Fits {
				t.Fatalf("%s %s on %s: want a fit (%s %s)", tc.model, tc.prec, gpu, with.Reason, base.Reason)
			}
			got := with.TPOTMs - base.TPOTMs
			want := 0.0
			if tc.floor {
				want = 58 * (Fitted.Int4MoEUs - 1) / 1e3 // DeepSeek's 58 MoE layers
			}
			if math.Abs(got-want) > 0.02 {
				t.Errorf("%s %s on %s: the floor adds %.2f ms a token, want %.2f", tc.model, tc.prec, gpu, got, want)
			}
		}
	}
}

// TestCachedPrompts: a point whose client's test prompt the prefix cache
// served averages that request's cached prefill with the others' fresh
// ones, and the loader refuses more cached prompts than the run sent.
func TestCachedPrompts(t *testing.T) {
	c := cfg(t, "deepseek-r1", "h100", 8)
	c.Precision, c.Concurrency, c.InputTokens, c.OutputTokens = "int4", 1, 4096, 128
	fresh := predict(c, Fitted)
	hit := c
	hit.CachedInputShare = 1 - 16.0/4096
	cached := predict(hit, Fitted)
	for _, tc := range []struct{ k, n int }{{0, 2}, {1, 2}, {1, 4}, {4, 4}} {
		pt := Point{Prompts: tc.n, CachedPrompts: tc.k}
		r := cachedPromptsTTFT(predict(c, Fitted), c, pt, Fitted)
		want := (float64(tc.n-tc.k)**fresh.TTFTMs + float64(tc.k)**cached.TTFTMs) / float64(tc.n)
		if math.Abs(*r.TTFTMs-want) > 0.01 {
			t.Errorf("%d of %d cached: TTFT %.2f ms, want %.2f", tc.k, tc.n, *r.TTFTMs, want)
		}
	}
	if *cached.TTFTMs >= *fresh.TTFTMs/2 {
		t.Errorf("a cached 4096-token prompt's TTFT %.1f ms is not well under the fresh %.1f", *cached.TTFTMs, *fresh.TTFTMs)
	}
	bad := `{"sources":[{"id":"s","url":"u","as_of":"2026-12-05"}],"points":[{"source":"s","model":"deepseek-r1","gpu":"h100","engine":"vllm","tp":8,"precision":"int4","input_tokens":128,"output_tokens":128,"concurrency":1,"prompts":2,"cached_prompts":3,"ttft_ms":40}]}`
	if _, err := LoadCalibration(strings.NewReader(bad), modelcatalog.Default()); err == nil || !strings.Contains(err.Error(), "cached_prompts") {
		t.Errorf("3 cached of 2 prompts: got %v, want an error naming cached_prompts", err)
	}
}

// TestOneRequestIdleEngine: a single request in flight finds the engine
// idle, so its TTFT waits for no step under way nor a polling interval.
func TestOneRequestIdleEngine(t *testing.T) {
	c := cfg(t, "deepseek-r1", "h200", 8)
	c.Engine, c.Concurrency, c.InputTokens, c.OutputTokens = "sglang", 1, 1000, 1000
	polled := c
	polled.SchedulerRecvInterval = 30
	a, b := predict(c, Fitted), predict(polled, Fitted)
	if *a.TTFTMs != *b.TTFTMs {
		t.Errorf("one request: TTFT %.1f ms polling every 30 steps, %.1f every step; want the same", *b.TTFTMs, *a.TTFTMs)
	}
	c.Concurrency, polled.Concurrency = 4, 4
	a, b = predict(c, Fitted), predict(polled, Fitted)
	if *b.TTFTMs <= *a.TTFTMs {
		t.Errorf("four requests: TTFT %.1f ms polling every 30 steps, not above %.1f every step", *b.TTFTMs, *a.TTFTMs)
	}
}

// TestExllamaInt4 checks vLLM's GPTQ (exllama) kernel against Marlin on
// INT4 weights: the same bytes for a decode of up to 8 rows, the weights
// read again for every block of 8 rows up to 50, and past 50 the FP16
// weights written and read beside them, so a large batch decodes INT4
// slower than BF16 (AccelMark's bursts: 0.64 of BF16's rate).
func TestExllamaInt4(t *testing.T) {
	c := cfg(t, "llama-3.1-8b", "h100", 1)
	c.Precision = "int4"
	marlin, _ := newDeployment(c, Fitted)
	c.Int4Kernel = "exllama"
	exllama, _ := newDeployment(c, Fitted)
	q := exllama.a.quantParams * bytesPerParam("int4")
	for _, tc := range []struct {
		tokens float64
		extra  float64
	}{{1, 0}, {8, 0}, {9, q}, {50, 6 * q}, {51, 4 * exllama.a.quantParams}} {
		if got := exllama.exllamaBytes(tc.tokens); math.Abs(got-tc.extra) > 1 {
			t.Errorf("exllama at %.0f rows reads %.2f GB more, want %.2f", tc.tokens, got/1e9, tc.extra/1e9)
		}
		if got := marlin.exllamaBytes(tc.tokens); got != 0 {
			t.Errorf("Marlin at %.0f rows reads %.2f GB more, want none", tc.tokens, got/1e9)
		}
	}
	bf := cfg(t, "llama-3.1-8b", "h100", 1)
	bf.Precision = "bf16"
	c.Concurrency, bf.Concurrency = 64, 64
	if i4, b16 := Predict(c), Predict(bf); i4.OutputTokS >= b16.OutputTokS {
		t.Errorf("64 in flight: exllama INT4 %.0f tok/s, BF16 %.0f; want INT4 slower", i4.OutputTokS, b16.OutputTokS)
	}
}
