package perf

import (
	"math"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestTRTLLMKVCapacity holds TensorRT-LLM's KV cache to the batches it
// was measured to admit: NVIDIA's aiconfigurator records, for H100 SXM,
// the largest batch TensorRT-LLM runs with --max_seq_len ISL+OSL+1000,
// --max_num_tokens 2×ISL, --free_gpu_memory_fraction 0.8 and a 16-bit KV
// cache (https://github.com/ai-dynamo/aiconfigurator/blob/28fb2d9c4912303b104de593a8195e108d40ebc4/tests/integration/test_trtllm_kv_cache_capacity.py,
// _BENCHMARK_DATA). The model's cache (trtKVBudget) must admit the same
// batch within that file's own tolerance, 3.5 % or one sequence.
func TestTRTLLMKVCapacity(t *testing.T) {
	cat := modelcatalog.Default()
	g, ok := cat.GPU("h100")
	if !ok {
		t.Fatal("no h100 in the catalog")
	}
	for _, c := range []struct {
		model, prec  string
		tp, isl, osl int
		batch        int
	}{
		{"qwen3-32b", "fp8", 1, 2048, 2048, 27}, {"qwen3-32b", "fp8", 2, 2048, 2048, 75}, {"qwen3-32b", "fp8", 4, 2048, 2048, 169},
		{"qwen3-32b", "fp8", 1, 2048, 4096, 19}, {"qwen3-32b", "fp8", 2, 2048, 4096, 53}, {"qwen3-32b", "fp8", 4, 2048, 4096, 121},
		{"qwen3-32b", "fp8", 1, 4096, 2048, 19}, {"qwen3-32b", "fp8", 2, 4096, 2048, 53}, {"qwen3-32b", "fp8", 4, 4096, 2048, 120},
		{"qwen3-32b", "fp8", 1, 4096, 4096, 14}, {"qwen3-32b", "fp8", 2, 4096, 4096, 41}, {"qwen3-32b", "fp8", 4, 4096, 4096, 93},
		{"llama-3.1-8b", "bf16", 1, 2048, 2048, 78}, {"llama-3.1-8b", "bf16", 2, 2048, 2048, 173}, {"llama-3.1-8b", "bf16", 4, 2048, 2048, 363},
		{"llama-3.1-8b", "bf16", 1, 2048, 4096, 56}, {"llama-3.1-8b", "bf16", 2, 2048, 4096, 124}, {"llama-3.1-8b", "bf16", 4, 2048, 4096, 259},
		{"llama-3.1-8b", "bf16", 1, 4096, 2048, 55}, {"llama-3.1-8b", "bf16", 2, 4096, 2048, 123}, {"llama-3.1-8b", "bf16", 4, 4096, 2048, 258},
		{"llama-3.1-8b", "bf16", 1, 4096, 4096, 43}, {"llama-3.1-8b", "bf16", 2, 4096, 4096, 96}, {"llama-3.1-8b", "bf16", 4, 4096, 4096, 201},
	} {
		m, ok := cat.Architecture(c.model)
		if !ok {
			t.Fatalf("no %s in the catalog", c.model)
		}
		a := newShape(m, c.prec)
		weights := (a.denseBytes + a.expertBytes) / float64(c.tp)
		perSeq := a.kvBytes(c.isl+c.osl+1000, c.tp, 2)
		got := int(trtKVBudget(g.UsableGiB()*gib, weights, c.tp, 0.8) / perSeq)
		tol := max(1, int(math.Round(0.035*float64(c.batch))))
		if got < c.batch-tol || got > c.batch+tol {
			t.Errorf("%s %s TP %d, %d/%d: the KV cache holds %d sequences, TensorRT-LLM admitted %d (±%d)", c.model, c.prec, c.tp, c.isl, c.osl, got, c.batch, tol)
		}
	}
}
