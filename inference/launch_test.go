package inference

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/costgate/costgate/inference/perf"
)

// TestLaunchArgsAreWhatIsPriced: the arguments VLLMArgs writes are the
// ones the memory model priced. The performance model, given the
// --gpu-memory-utilization and --max-num-seqs of the sized fleet's
// command line (vLLM's start-up profile runs its sampler over that many
// rows), leaves the KV cache the plan states; that cache holds the batch
// an engine is launched with at the request's mean shape, and one
// sequence of --max-model-len, without which vLLM refuses to start.
func TestLaunchArgsAreWhatIsPriced(t *testing.T) {
	g5 := []PricedInstance{{Type: "g5.xlarge", GPUs: 1, GPUHourUSD: 1.01}, {Type: "g5.12xlarge", GPUs: 4, GPUHourUSD: 1.42}}
	g6e := []PricedInstance{{Type: "g6e.xlarge", GPUs: 1, GPUHourUSD: 1.86}, {Type: "g6e.12xlarge", GPUs: 4, GPUHourUSD: 2.62}}
	for _, tt := range []struct {
		model, gpu string
		in         []PricedInstance
		ctx        int
		load       float64 // peak tokens a second, a fifth of them output
	}{
		{"gpt-oss-120b", "h100", p5, 32768, 2e4},
		{"gpt-oss-120b", "h100", p5, 8192, 1e3},
		{"llama-3.3-70b", "h100", p5, 131000, 1e4},
		{"llama-3.3-70b", "h100", p5, 8192, 1e5},
		{"qwen3-coder-30b-a3b", "l40s", g6e, 32768, 3e4},
		{"qwen2.5-coder-7b", "a10g", g5, 16384, 5e3},
		{"qwen2.5-coder-7b", "a10g", g5, 4096, 100},
	} {
		name := tt.model + "/" + tt.gpu + "/ctx=" + strconv.Itoa(tt.ctx)
		m, g := catalogPair(t, tt.model, tt.gpu)
		req := Request{Model: m, GPU: g, Instances: tt.in, PeakInputTokS: tt.load * 0.8, PeakOutputTokS: tt.load * 0.2,
			MaxContextTokens: tt.ctx, MeanContextTokens: float64(tt.ctx) / 2, TargetUtilization: 0.7, MinReplicas: 1}
		f, err := Size(req)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		args := VLLMArgs(m, f)
		util, seqs, maxLen := flagOf(t, args, "--gpu-memory-utilization"), flagOf(t, args, "--max-num-seqs"), flagOf(t, args, "--max-model-len")
		unit := f.TensorParallel
		if m.Experts > 0 && f.ReplicasPerInstance > 1 {
			unit *= f.ReplicasPerInstance // one expert-parallel group an instance
		}
		p := perf.Predict(perf.Config{Model: m, GPU: g, Engine: "vllm", Precision: m.WeightsDType, TP: f.TensorParallel, GPUs: unit,
			InputTokens: f.Throughput.InputTokens, OutputTokens: f.Throughput.OutputTokens, MemoryFraction: util, MaxNumSeqs: int(seqs)})
		if !p.Fits {
			t.Errorf("%s: launched as %s, the memory model leaves no room: %s", name, strings.Join(args, " "), p.Reason)
			continue
		}
		if kv := p.KVCacheGBPerGPU * float64(f.TensorParallel); math.Abs(kv-f.KVCacheGB) > 0.01*float64(f.TensorParallel) {
			t.Errorf("%s: the plan prices a %.2f GB cache a replica; launched with --gpu-memory-utilization %g --max-num-seqs %d, %.2f GB", name, f.KVCacheGB, util, int(seqs), kv)
		}
		if engines := unit / f.TensorParallel; int(seqs)*engines > p.KVCacheSequences {
			t.Errorf("%s: --max-num-seqs %d on each of %d engines, the cache holds %d sequences of %d tokens", name, int(seqs), engines, p.KVCacheSequences, f.Throughput.InputTokens+f.Throughput.OutputTokens)
		}
		if want := min(f.Throughput.Concurrency, MaxNumSeqs); int(seqs) != want {
			t.Errorf("%s: --max-num-seqs %d, the capacity priced runs %d sequences an engine", name, int(seqs), want)
		}
		if need, _ := perf.ContextGB(perf.Config{Model: m, GPU: g, Engine: "vllm", TP: f.TensorParallel}, int(maxLen)); need > f.KVCacheGB {
			t.Errorf("%s: --max-model-len %d needs %.2f GB of cache, the replica has %.2f", name, int(maxLen), need, f.KVCacheGB)
		}
		if util != GPUMemoryUtilization {
			t.Errorf("%s: --gpu-memory-utilization %g", name, util)
		}
	}
}

// TestNoLaunchVLLMRefuses: a replica is not placed where vLLM, launched
// with the fewest sampler rows, cannot hold one --max-model-len context:
// qwen3-coder-30b-a3b (61.1 GB of BF16 weights, full attention in all 48
// layers) on one H100 holds some 140,000 tokens beside its weights, not
// 200,000. gpt-oss-120b on one H100 at its whole 131,072-token window
// (64.38 GiB of weights in 0.9 × 79.22 GiB; vllm-project/vllm #23278,
// #27508 at the default 1,024 sampler rows) is placed: its 18
// sliding-window layers ask vLLM's check for 128 + 8,191 tokens, not
// 131,072, and the context needs 5.1 GB of the 5.9 the fewest rows leave.
func TestNoLaunchVLLMRefuses(t *testing.T) {
	one := p5[:1]
	for _, tt := range []struct {
		model string
		ctx   int
		fits  bool
	}{{"gpt-oss-120b", 8192, true}, {"gpt-oss-120b", 32768, true}, {"gpt-oss-120b", 131000, true},
		{"qwen3-coder-30b-a3b", 100000, true}, {"qwen3-coder-30b-a3b", 200000, false}} {
		m, h := catalogPair(t, tt.model, "h100")
		req := Request{Model: m, GPU: h, Instances: one, PeakInputTokS: 800, PeakOutputTokS: 200,
			MaxContextTokens: tt.ctx, MeanContextTokens: float64(tt.ctx) / 2, TargetUtilization: 0.7, MinReplicas: 1}
		f, err := Size(req)
		if (err == nil) != tt.fits {
			t.Errorf("%s on one H100 at a %d-token context: fleet %+v, error %v; want placed %v", tt.model, tt.ctx, f.TensorParallel, err, tt.fits)
		}
	}
}

// flagOf is the value after name in args.
func flagOf(t *testing.T, args []string, name string) float64 {
	t.Helper()
	i := slices.Index(args, name)
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("%s not in %v", name, args)
	}
	v, err := strconv.ParseFloat(args[i+1], 64)
	if err != nil {
		t.Fatalf("%s %q: %v", name, args[i+1], err)
	}
	return v
}

// TestWindowedLayersHoldTheirWindow: vLLM's start-up check asks of a
// sliding-window layer only its window less one plus a step's token
// budget, not --max-model-len (vllm/v1/kv_cache_interface.py,
// SlidingWindowSpec.max_memory_usage_bytes), so gpt-oss-120b, half of
// whose 36 layers attend within 128 tokens, is placed on one H100 at
// 100,000 tokens, where the performance model's cache holds it (4.0 GB
// of some 5.9); priced at full attention in every layer (7.4 GB) it was
// moved to a p5.48xlarge's eight GPUs, and a spec's gpus = 1 was billed
// eight.
func TestWindowedLayersHoldTheirWindow(t *testing.T) {
	m, h := catalogPair(t, "gpt-oss-120b", "h100")
	for _, fixed := range []int{0, 1} {
		req := Request{Model: m, GPU: h, Instances: p5, PeakInputTokS: 80, PeakOutputTokS: 20, FixedGPUs: fixed,
			MaxContextTokens: 80000, MeanContextTokens: 80000, TargetUtilization: 0.7, MinReplicas: 1}
		f, err := Size(req)
		if err != nil {
			t.Fatalf("gpus = %d: %v", fixed, err)
		}
		if f.GPUs != 1 || f.InstanceType != "p5.4xlarge" {
			t.Errorf("gpus = %d: %d × %s at TP %d (--max-model-len %d); want one H100", fixed, f.GPUs, f.InstanceType, f.TensorParallel, f.MaxModelLen)
		}
		need, why := perf.ContextGB(perf.Config{Model: m, GPU: h, Engine: "vllm", Precision: m.WeightsDType, TP: f.TensorParallel}, f.MaxModelLen)
		if why != "" || need > f.KVCacheGB || need >= float64(f.MaxModelLen)*float64(m.KVBytesAt(f.TensorParallel))/1e9 {
			t.Errorf("gpus = %d: one --max-model-len %d context needs %.2f GB (%s) of the replica's %.2f", fixed, f.MaxModelLen, need, why, f.KVCacheGB)
		}
	}
}
