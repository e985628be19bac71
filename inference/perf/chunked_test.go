package perf

import (
	"math"
	"testing"
)

// TestChunkedDecodeOnHopperTensorRT: TensorRT-LLM's decode on Hopper runs
// Llama 4's chunked layers past their chunk on a slower kernel, charged
// as reading those layers' whole context, so its TPOT beyond 8,192 tokens
// is above the same model's without chunked attention; within one chunk,
// on Blackwell, under vLLM, and for gpt-oss's sliding window (not
// chunked) nothing changes.
func TestChunkedDecodeOnHopperTensorRT(t *testing.T) {
	for _, tt := range []struct {
		name, model, gpu, engine string
		tp, in                   int
		slower                   bool
	}{
		{"Maverick on H200 under TensorRT-LLM at 20K", "llama-4-maverick", "h200", "tensorrt-llm", 8, 20000, true},
		{"Scout on H100 under TensorRT-LLM at 20K", "llama-4-scout", "h100", "tensorrt-llm", 4, 20000, true},
		{"within one chunk", "llama-4-maverick", "h200", "tensorrt-llm", 8, 4000, false},
		{"on B200", "llama-4-maverick", "b200", "tensorrt-llm", 8, 20000, false},
		{"under vLLM", "llama-4-maverick", "h200", "vllm", 8, 20000, false},
		{"a sliding window", "gpt-oss-120b", "h200", "tensorrt-llm", 1, 20000, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg(t, tt.model, tt.gpu, tt.tp)
			c.Engine, c.InputTokens, c.OutputTokens, c.Concurrency = tt.engine, tt.in, 100, 8
			if c.Model.Experts > 0 && c.Model.SlidingWindow == 8192 {
				c.Precision, c.KVPrecision = "fp8", "fp8"
			}
			d, r := newDeployment(c, Fitted)
			if r.Reason != "" {
				t.Fatal(r.Reason)
			}
			ctx := float64(tt.in + 50)
			extra := d.chunkedDecodeBytes(ctx)
			a := d.a
			want := 0.0
			if tt.slower {
				want = 2 * math.Ceil(a.kvHeads/float64(tt.tp)) * a.hd * d.kvb * a.windowLayers * (ctx - a.window)
			}
			if math.Abs(extra-want) > 1 {
				t.Errorf("chunked decode reads %.4g bytes beyond the cache a sequence, want %.4g", extra, want)
			}
			// Against the same model without chunked attention.
			with := Predict(c)
			m := *c.Model
			m.ChunkedAttention = false
			c.Model = &m
			without := Predict(c)
			if !with.Fits || !without.Fits {
				t.Fatalf("fits %v, %v", with.Fits, without.Fits)
			}
			if slower := with.TPOTMs > without.TPOTMs*1.001; slower != tt.slower {
				t.Errorf("TPOT %.2f ms with chunked attention, %.2f without: slower %v, want %v", with.TPOTMs, without.TPOTMs, slower, tt.slower)
			}
		})
	}
}
