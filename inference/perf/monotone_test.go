package perf

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// hardwareOrder is a chain of parts each at least as fast as the one
// before in memory bandwidth, every tensor-core peak and interconnect.
var hardwareOrder = []string{"a100-80gb", "h100", "h200", "b200", "b300"}

// TestMonotoneHardware: on a grid of models, precisions, request shapes
// and concurrencies, a faster part never predicts a lower throughput, and
// where both run the same batch never a longer TPOT; at the same request
// rate (the same job: at the same concurrency a faster part serves more
// requests a second) never a longer TTFT, mean or p95; a job that fits
// the slower part fits the faster one.
func TestMonotoneHardware(t *testing.T) {
	cat := modelcatalog.Default()
	var gpus []*modelcatalog.GPU
	for _, id := range hardwareOrder {
		g, ok := cat.GPU(id)
		if !ok {
			t.Fatalf("no GPU %q", id)
		}
		gpus = append(gpus, g)
	}
	for i := 1; i < len(gpus); i++ {
		a, b := gpus[i-1], gpus[i]
		if b.MemoryBandwidthGBs < a.MemoryBandwidthGBs || b.BF16TFLOPS < a.BF16TFLOPS || b.FP8TFLOPS < a.FP8TFLOPS || b.FP4TFLOPS < a.FP4TFLOPS || b.MemoryGB < a.MemoryGB {
			t.Fatalf("%s is not at least %s on every figure", b.ID, a.ID)
		}
	}
	type job struct {
		model, prec string
		tp, gpus    int
	}
	jobs := []job{
		{"llama-3.1-8b", "bf16", 1, 1}, {"llama-3.1-8b", "fp8", 1, 1}, {"llama-3.3-70b", "fp8", 2, 2}, {"llama-3.3-70b", "bf16", 4, 4},
		{"qwen3-30b-a3b", "bf16", 1, 1}, {"qwen3-30b-a3b", "fp8", 1, 4}, {"gpt-oss-120b", "mxfp4", 1, 1}, {"gpt-oss-120b", "mxfp4", 2, 2},
		{"qwen3-235b-a22b", "fp8", 8, 8}, {"deepseek-r1", "fp8", 8, 8}, {"deepseek-r1", "fp4", 8, 8}, {"qwen3-32b", "fp8", 1, 1},
		{"deepseek-r1", "int4", 8, 8}, {"llama-3.3-70b", "int4", 2, 2}, {"qwen3-30b-a3b", "int4", 1, 1},
		{"gpt-oss-20b", "bf16", 8, 8}, {"gpt-oss-120b", "bf16", 8, 8}, {"qwen2.5-coder-7b", "bf16", 1, 1},
		{"gpt-oss-20b", "mxfp4", 1, 1}, {"qwen3-30b-a3b", "fp8", 2, 2}, {"glm-4.5", "fp4", 8, 8},
	}
	// 4,000/256: half a token budget, whose packing had put an H200 below
	// an H100 at 512 in flight; 8,000/1,024: a chunk and a tail of a few
	// tokens, which had held a B200's prefill queue for a whole eager step;
	// 32,000/64 at 4 in flight: SGLang's prompts beyond its budget, whose
	// prefills an H200 had put in the TTFT and a B200 half in the TPOT.
	shapes := [][2]int{{200, 200}, {2000, 500}, {4000, 256}, {8000, 300}, {8000, 1024}, {30000, 1000}, {32000, 200}, {32000, 64}}
	checked, rated := 0, 0
	for _, j := range jobs {
		m, ok := cat.Architecture(j.model)
		if !ok {
			t.Fatalf("no model %q", j.model)
		}
		for _, engine := range Engines {
			for _, sh := range shapes {
				for _, conc := range []int{1, 4, 8, 64, 256, 512, 0} {
					var prev, prevRate Result
					var rate float64
					for i, g := range gpus {
						// The same engine settings on every part: vLLM's
						// default token budget is 8,192 on an H100 and 2,048
						// on an A100, and the bigger budget's activations
						// take KV-cache room (vllmActivations), so at defaults an
						// H100 holds fewer of gpt-oss-120b's sequences than an
						// A100 80GB.
						c := Config{Model: m, GPU: g, Engine: engine, Precision: j.prec, TP: j.tp, GPUs: j.gpus, InputTokens: sh[0], OutputTokens: sh[1], Concurrency: conc, MaxNumTokens: 8192}
						r := Predict(c)
						var atRate Result
						if conc == 0 {
							// The slowest part's half load, on every part.
							if i == 0 || !prevRate.Fits {
								rate = r.OutputTokS / 2 / float64(sh[1])
							}
							atRate = predictRate(c, Fitted, rate)
						}
						name := fmt.Sprintf("%s %s TP%d/%d %s %d/%d c%d: %s vs %s", j.model, j.prec, j.tp, j.gpus, engine, sh[0], sh[1], conc, g.ID, hardwareOrder[max(i-1, 0)])
						if i > 0 && prev.Fits {
							checked++
							monotone(t, name, prev, r)
							if conc == 0 && prevRate.Fits {
								rated++
								monotone(t, name+fmt.Sprintf(" at %.2f requests/s", rate), prevRate, atRate)
							}
						}
						prev, prevRate = r, atRate
					}
				}
			}
		}
	}
	if checked < 500 || rated < 100 {
		t.Errorf("only %d comparisons, %d at a request rate", checked, rated)
	}
}

// closedLoopTTFTSlack bounds how much longer a faster part's TTFT may be
// at the same concurrency: its greater request rate puts more prefills in
// each one's way (30 % at most on the first grid: gpt-oss-120b on two H200s
// against two H100s at 64 requests of 30,000 tokens, where the H200s,
// with the H100s' compute and more bandwidth, decode faster and prefill
// no faster; 72 % once gpt-oss at TP 8 in BF16 joined it: eight H200s
// against eight H100s at 256 requests of 30,000 tokens under SGLang, 2.99
// s against 1.74 s, the H200s completing more requests a second). At the
// same request rate, the same job, TTFT is held to no slack at all.
const closedLoopTTFTSlack = 1.75

// monotone checks the faster part's result r against the slower's s.
func monotone(t *testing.T, name string, s, r Result) {
	t.Helper()
	const tol = 1e-6
	if !r.Fits {
		t.Errorf("%s: fits the slower part, not the faster: %s", name, r.Reason)
		return
	}
	if r.OutputTokS < s.OutputTokS*(1-tol) {
		t.Errorf("%s: %.1f output tok/s, slower than %.1f", name, r.OutputTokS, s.OutputTokS)
	}
	if s.TTFTMs != nil && strings.Contains(name, "requests/s") {
		// The p95 within 0.3 %: the batch a rate keeps is whole
		// sequences (gpt-oss-120b, 2,000/500 at 0.90 requests/s: 3 on an
		// H100, 2 on an H200), and a prompt shares its prefill step with
		// the batch's others, so the H200's prompt holds the prefill a
		// little longer (90.5 ms against 85.5) and its queue's tail comes
		// out longer: 0.04 % once the rate moved with the A100's memory,
		// 0.19 % at 0.96 requests/s once a long prompt's eager steps were
		// charged each (the mean TTFT stays 2 % shorter).
		if r.TTFTMs == nil || *r.TTFTMs > *s.TTFTMs*(1+tol) || *r.TTFTP95Ms > *s.TTFTP95Ms*(1+3e-3) {
			t.Errorf("%s: TTFT %v ms (p95 %v), above %.1f (p95 %.1f)", name, deref(r.TTFTMs), deref(r.TTFTP95Ms), *s.TTFTMs, *s.TTFTP95Ms)
		}
	}
	// At the same concurrency (a closed loop) the faster part serves more
	// requests a second, whose prompts meet more others decoding and
	// queueing: its TTFT may be a little longer, never a multiple.
	// Where the API server is the bottleneck the faster part's requests
	// wait for it instead of the engine: a closed loop's TTFT then grows
	// with the engine's speed (the note says so).
	frontBound := slices.ContainsFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, "the API server passes at most") })
	if s.TTFTMs != nil && !strings.Contains(name, "requests/s") && r.TTFTMs != nil && !frontBound && *r.TTFTMs > *s.TTFTMs*closedLoopTTFTSlack {
		t.Errorf("%s: TTFT %.1f ms at the same concurrency, %.2f× the slower part's %.1f", name, *r.TTFTMs, *r.TTFTMs / *s.TTFTMs, *s.TTFTMs)
	}
	if r.RunningSequences != s.RunningSequences {
		return
	}
	if r.TPOTMs > s.TPOTMs*(1+tol) {
		t.Errorf("%s: TPOT %.2f ms, above %.2f", name, r.TPOTMs, s.TPOTMs)
	}
}

func deref(x *float64) float64 {
	if x == nil {
		return -1
	}
	return *x
}
