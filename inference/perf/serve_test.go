package perf

import (
	"fmt"
	"math"
	"testing"
)

// TestClosedLoop holds a closed loop to Little's law: N requests in
// flight, each in flight for its TTFT and its decode, complete N / (TTFT +
// output × TPOT) a second — whether all of them run at once or the KV
// cache holds fewer and the rest wait for a slot — and more requests in
// flight never shorten the TTFT. Before the slot wait was counted, 256
// requests of 8,000 tokens to gpt-oss-120b on one H100 (36 running) had a
// TTFT of 0.7 s where the other 220 wait two minutes.
func TestClosedLoop(t *testing.T) {
	for _, tc := range []struct {
		model, gpu, engine string
		tp, in, out        int
	}{
		{"gpt-oss-120b", "h100", "vllm", 1, 8000, 300},
		{"llama-3.3-70b", "h100", "sglang", 2, 2000, 500},
		{"qwen3-235b-a22b", "b200", "vllm", 8, 1000, 100},
		{"deepseek-r1", "h200", "tensorrt-llm", 8, 30000, 1000},
		{"llama-3.1-8b", "l4", "vllm", 1, 4000, 200},
	} {
		c := cfg(t, tc.model, tc.gpu, tc.tp)
		c.Engine, c.InputTokens, c.OutputTokens = tc.engine, tc.in, tc.out
		c.Concurrency = 0
		limit := Predict(c).RunningSequences
		if limit < 2 {
			t.Fatalf("%s on %s runs %d sequences at saturation", tc.model, tc.gpu, limit)
		}
		prev := 0.0
		for _, n := range []int{1, limit / 2, limit, 2 * limit, 4 * limit} {
			c.Concurrency = n
			r := Predict(c)
			name := fmt.Sprintf("%s on %d × %s (%s), %d/%d, %d in flight (%d run)", tc.model, tc.tp, tc.gpu, tc.engine, tc.in, tc.out, n, r.RunningSequences)
			if !r.Fits || r.TTFTMs == nil {
				t.Fatalf("%s: %s", name, r.Reason)
			}
			inFlight := (*r.TTFTMs + float64(tc.out)*r.TPOTMs) / 1e3
			want := float64(n) * float64(tc.out) / inFlight
			if math.Abs(r.OutputTokS/want-1) > 0.01 {
				t.Errorf("%s: %.1f output tok/s, but %d requests each in flight %.2f s complete %.1f", name, r.OutputTokS, n, inFlight, want)
			}
			if *r.TTFTMs < prev {
				t.Errorf("%s: TTFT %.1f ms, shorter than %.1f ms with fewer in flight", name, *r.TTFTMs, prev)
			}
			prev = *r.TTFTMs
		}
	}
}
