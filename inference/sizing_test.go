package inference

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
)

var (
	h100  = &modelcatalog.GPU{ID: "h100", MemoryGB: 80}
	llama = &modelcatalog.OpenModel{ID: "llama-3.3-70b", HFRepo: "meta-llama/Llama-3.3-70B-Instruct", WeightsDType: "fp8",
		WeightsGB: 70.6, Layers: 80, KVHeads: 8, HeadDim: 128, MaxContext: 131072}
	qwen = &modelcatalog.OpenModel{ID: "qwen3-coder-30b-a3b", HFRepo: "Qwen/Qwen3-Coder-30B-A3B-Instruct", WeightsDType: "bf16",
		WeightsGB: 61, Layers: 48, KVHeads: 4, HeadDim: 128, MaxContext: 262144}
	throughput = []modelcatalog.Throughput{
		{Model: "llama-3.3-70b", GPU: "h100", TensorParallel: 2, PrefillTokS: 8140, DecodeTokS: 814, TTFTMs: 835, Concurrency: 50},
		{Model: "qwen3-coder-30b-a3b", GPU: "h100", TensorParallel: 1, PrefillTokS: 20000, DecodeTokS: 2000, TTFTMs: 300, Concurrency: 50},
	}
	p5 = []PricedInstance{{Type: "p5.4xlarge", GPUs: 1, GPUHourUSD: 6.88}, {Type: "p5.48xlarge", GPUs: 8, GPUHourUSD: 6.88}}
)

func TestSize(t *testing.T) {
	tests := []struct {
		name string
		req  Request
		want Fleet // only the fields compared below
	}{
		{
			// 1.4 GB left after FP8 weights on one H100 hold 4.3k tokens, under one 8k context.
			name: "llama 70B needs TP 2 for an 8k context and packs onto one p5.48xlarge",
			req:  Request{Model: llama, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: 1768, PeakOutputTokS: 442, MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, MinReplicas: 1},
			// Decode is the busier: 442 / 814 = 0.54 of a replica, under the 0.7 target;
			// the p5.48xlarge that one TP 2 replica needs runs four.
			want: Fleet{TensorParallel: 2, Replicas: 4, InstanceType: "p5.48xlarge", Instances: 1, ReplicasPerInstance: 4, GPUs: 8, BilledGPUs: 8, Quantization: "fp8", MaxModelLen: 8192},
		},
		{
			name: "qwen3 30B fits one H100: replicas go on p5.4xlarge",
			req:  Request{Model: qwen, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: 40000, PeakOutputTokS: 4000, MaxContextTokens: 8192, MeanContextTokens: 1024, TargetUtilization: 0.7, MinReplicas: 1},
			// 40,000 / 20,000 prefill = 2 replicas busy; 2 / 0.7 → 3.
			want: Fleet{TensorParallel: 1, Replicas: 3, InstanceType: "p5.4xlarge", Instances: 3, ReplicasPerInstance: 1, GPUs: 3, BilledGPUs: 3, MaxModelLen: 8192},
		},
		{
			// 11 GB of KV room hold 27 sequences of 4k tokens, under the 34 in flight:
			// throughput × 27/34, so 2 / 0.794 / 0.7 → 4 replicas.
			name: "a KV-bound replica serves proportionally less",
			req:  Request{Model: qwen, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: 40000, PeakOutputTokS: 4000, MaxContextTokens: 8192, MeanContextTokens: 4096, TargetUtilization: 0.7, MinReplicas: 1},
			want: Fleet{TensorParallel: 1, Replicas: 4, InstanceType: "p5.4xlarge", Instances: 4, ReplicasPerInstance: 1, GPUs: 4, BilledGPUs: 4, MaxModelLen: 8192},
		},
		{
			name: "min replicas hold at no load",
			req:  Request{Model: qwen, GPU: h100, Throughput: throughput, Instances: p5, MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, MinReplicas: 3},
			want: Fleet{TensorParallel: 1, Replicas: 3, InstanceType: "p5.4xlarge", Instances: 3, ReplicasPerInstance: 1, GPUs: 3, BilledGPUs: 3, MaxModelLen: 8192},
		},
		{
			name: "a fixed fleet of 4 GPUs packs onto 8, all billed and serving",
			req:  Request{Model: llama, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: 1768, PeakOutputTokS: 442, MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, FixedGPUs: 4},
			want: Fleet{TensorParallel: 2, Replicas: 4, InstanceType: "p5.48xlarge", Instances: 1, ReplicasPerInstance: 4, GPUs: 8, BilledGPUs: 8, Quantization: "fp8", MaxModelLen: 8192},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Size(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			pick := func(f Fleet) Fleet {
				return Fleet{TensorParallel: f.TensorParallel, Replicas: f.Replicas, InstanceType: f.InstanceType, Instances: f.Instances,
					ReplicasPerInstance: f.ReplicasPerInstance, GPUs: f.GPUs, BilledGPUs: f.BilledGPUs, Quantization: f.Quantization, MaxModelLen: f.MaxModelLen}
			}
			if diff := cmp.Diff(tt.want, pick(got)); diff != "" {
				t.Errorf("fleet (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSizeErrors(t *testing.T) {
	tests := []struct {
		name string
		req  Request
	}{
		{"context above the model's maximum", Request{Model: qwen, GPU: h100, Throughput: throughput, Instances: p5, MaxContextTokens: 300000}},
		{"no throughput figure", Request{Model: qwen, GPU: h100, Instances: p5, MaxContextTokens: 8192}},
		{"no instances", Request{Model: qwen, GPU: h100, Throughput: throughput, MaxContextTokens: 8192}},
		{"fixed fleet too small for one replica", Request{Model: llama, GPU: h100, Throughput: throughput, Instances: p5, MaxContextTokens: 8192, FixedGPUs: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Size(tt.req); err == nil {
				t.Fatal("Size succeeded, want an error")
			}
		})
	}
}

// TestSizeProperties checks, over a grid of loads and contexts, that the
// chosen tensor-parallel size holds the weights and one full context, and
// that replicas carry peak load at the target utilization.
func TestSizeProperties(t *testing.T) {
	for _, m := range []*modelcatalog.OpenModel{llama, qwen} {
		for _, ctx := range []int{2048, 8192, 32768, 131072} {
			for _, load := range []float64{0, 100, 1e3, 1e4, 1e5, 1e6} {
				name := fmt.Sprintf("%s/ctx=%d/load=%g", m.ID, ctx, load)
				req := Request{Model: m, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: load * 0.8, PeakOutputTokS: load * 0.2,
					MaxContextTokens: ctx, MeanContextTokens: float64(ctx) / 2, TargetUtilization: 0.7, MinReplicas: 1}
				f, err := Size(req)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				need := m.WeightsGB + float64(ctx)*float64(m.KVBytes())/1e9
				if have := float64(f.TensorParallel) * h100.MemoryGB * GPUMemoryUtilization; need > have {
					t.Errorf("%s: TP %d holds %.1f GB, needs %.1f", name, f.TensorParallel, have, need)
				}
				busy := busyReplicas(req.PeakInputTokS, req.PeakOutputTokS, f.Throughput)
				if busy > float64(f.Replicas)*req.TargetUtilization+1e-9 {
					t.Errorf("%s: %d replicas carry %.2f replicas of load above the 0.7 target", name, f.Replicas, busy)
				}
				if f.Instances*f.ReplicasPerInstance < f.Replicas || f.GPUs != f.Instances*map[string]int{"p5.4xlarge": 1, "p5.48xlarge": 8}[f.InstanceType] {
					t.Errorf("%s: %d replicas packed onto %d × %s (%d GPUs)", name, f.Replicas, f.Instances, f.InstanceType, f.GPUs)
				}
			}
		}
	}
}

func TestThroughputScaling(t *testing.T) {
	got, err := throughputAt("llama-3.3-70b", "h100", 4, throughput, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := 814 * TPScaling; math.Abs(got.DecodeTokS-want) > 1e-9 || !got.Estimate {
		t.Errorf("TP 4 decode = %v (estimate %t), want %v scaled from TP 2 and marked an estimate", got.DecodeTokS, got.Estimate, want)
	}
}

func TestVLLMArgs(t *testing.T) {
	f := Fleet{TensorParallel: 2, ReplicasPerInstance: 4, MaxModelLen: 8192, MaxNumSeqs: 64, Quantization: "fp8"}
	want := []string{
		"meta-llama/Llama-3.3-70B-Instruct", "--served-model-name", "llama-3.3-70b",
		"--tensor-parallel-size", "2", "--data-parallel-size", "4", "--max-model-len", "8192",
		"--gpu-memory-utilization", "0.9", "--max-num-seqs", "64", "--quantization", "fp8",
		"--enable-prefix-caching", "--port", "8000",
	}
	if diff := cmp.Diff(want, VLLMArgs(llama, f)); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	single := VLLMArgs(qwen, Fleet{TensorParallel: 1, ReplicasPerInstance: 1, MaxModelLen: 4096, MaxNumSeqs: 8})
	for _, a := range single {
		if a == "--data-parallel-size" || a == "--quantization" {
			t.Errorf("one BF16 replica per instance should not pass %s: %v", a, single)
		}
	}
}

// TestTargetRequests: 1,768 input tok/s of 8,192-token requests is 0.216
// requests/s. At TP 2 the KV cache holds 27 of the 28 sequences in flight
// (50 × 0.543), so decode runs at 814 × 27/28 = 785 tok/s and 442 output
// tok/s keep 0.563 of a replica busy. One replica at 0.7 takes
// 0.216 / 0.563 × 0.7 = 0.268 requests/s; the p5.48xlarge's four replicas
// take 0.268 × 4 × 60 ≈ 64 a minute.
func TestTargetRequests(t *testing.T) {
	f, err := Size(Request{Model: llama, GPU: h100, Throughput: throughput, Instances: p5, PeakInputTokS: 1768, PeakOutputTokS: 442,
		MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, MinReplicas: 1})
	if err != nil {
		t.Fatal(err)
	}
	if f.TargetRequestsPerMinute != 64 {
		t.Errorf("target = %v requests a minute per instance, want 64", f.TargetRequestsPerMinute)
	}
}

// TestSizePredicted: a model with no published figure on a GPU is sized on
// the performance model's prediction, and the fleet says so.
func TestSizePredicted(t *testing.T) {
	cat := modelcatalog.Default()
	m, _ := cat.OpenModel("qwen2.5-coder-7b")
	l40s, _ := cat.GPU("l40s")
	g6e := []PricedInstance{{Type: "g6e.xlarge", GPUs: 1, GPUHourUSD: 1.861}, {Type: "g6e.12xlarge", GPUs: 4, GPUHourUSD: 2.62316}}
	req := Request{Model: m, GPU: l40s, Instances: g6e, PeakInputTokS: 20000, PeakOutputTokS: 2000,
		MaxContextTokens: 16384, MeanContextTokens: 4000, TargetUtilization: 0.7, MinReplicas: 1, Explain: true}
	f, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if f.TensorParallel != 1 || f.InstanceType != "g6e.xlarge" || f.Replicas < 1 || !f.Throughput.Estimate || f.Throughput.InputTokens != 4000 || f.Throughput.OutputTokens != 400 {
		t.Errorf("fleet %+v, throughput %+v", f, f.Throughput)
	}
	if len(f.Notes) == 0 || !strings.Contains(f.Notes[0], "predicted by the performance model") {
		t.Errorf("notes %q do not say the throughput is predicted", f.Notes)
	}
	// More load needs proportionally more replicas of the same prediction.
	req.PeakInputTokS, req.PeakOutputTokS = 80000, 8000
	f4, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if f4.Replicas < 3*f.Replicas {
		t.Errorf("4× the load: %d replicas, was %d", f4.Replicas, f.Replicas)
	}
	// A GPU without the figures the model needs cannot be predicted.
	req.GPU = &modelcatalog.GPU{ID: "x", MemoryGB: 48}
	if _, err := Size(req); err == nil || !strings.Contains(err.Error(), "cannot predict") {
		t.Errorf("want a cannot-predict error, got %v", err)
	}
}

// TestExpertParallel: a mixture of experts with several ranks on an
// instance runs them as one expert-parallel group — the vLLM arguments say
// so, and the fleet's figure is scaled by the performance model — while a
// dense model's ranks stay independent replicas.
func TestExpertParallel(t *testing.T) {
	moe := &modelcatalog.OpenModel{ID: "moe", HFRepo: "org/moe", Experts: 128, ExpertsPerToken: 8}
	for _, tc := range []struct {
		name  string
		model *modelcatalog.OpenModel
		f     Fleet
		want  bool
	}{
		{"MoE, 4 ranks", moe, Fleet{TensorParallel: 2, ReplicasPerInstance: 4}, true},
		{"MoE, one rank of TP 4", moe, Fleet{TensorParallel: 4, ReplicasPerInstance: 1}, true},
		{"MoE on one GPU", moe, Fleet{TensorParallel: 1, ReplicasPerInstance: 1}, false},
		{"dense, 4 ranks", llama, Fleet{TensorParallel: 2, ReplicasPerInstance: 4}, false},
	} {
		if got := slices.Contains(VLLMArgs(tc.model, tc.f), "--enable-expert-parallel"); got != tc.want {
			t.Errorf("%s: --enable-expert-parallel %v, want %v", tc.name, got, tc.want)
		}
	}

	cat := modelcatalog.Default()
	m, _ := cat.OpenModel("qwen3-coder-30b-a3b")
	g, _ := cat.GPU("h100")
	only8 := []PricedInstance{{Type: "p5.48xlarge", GPUs: 8, GPUHourUSD: 6.88}}
	req := Request{Model: m, GPU: g, Throughput: cat.ThroughputFor(m.ID, g.ID), Instances: only8, PeakInputTokS: 200000, PeakOutputTokS: 20000,
		MaxContextTokens: 32768, MeanContextTokens: 8000, TargetUtilization: 0.7, MinReplicas: 1, Explain: true}
	f, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if f.ReplicasPerInstance < 2 || !strings.Contains(strings.Join(f.Notes, " "), "expert-parallel group") {
		t.Fatalf("fleet %d ranks an instance, notes %q", f.ReplicasPerInstance, f.Notes)
	}
	base, _ := throughputAt(m.ID, g.ID, f.TensorParallel, req.Throughput, false)
	base = withRoofline(base, m, g, f.TensorParallel)
	if f.Throughput.DecodeTokS == base.DecodeTokS {
		t.Errorf("the expert-parallel figure %v was not scaled from the replica figure %v", f.Throughput.DecodeTokS, base.DecodeTokS)
	}
}

// TestPrefixCaching: cached input skips prefill, so a prefill-bound load
// needs fewer replicas — as long as the KV cache has room to keep idle
// sessions' prefixes, and less so the more replicas a round-robin load
// balancer spreads a session over. The plan says which hit rate it took.
func TestPrefixCaching(t *testing.T) {
	roomy := &modelcatalog.OpenModel{ID: "small", HFRepo: "org/small", WeightsDType: "bf16", WeightsGB: 16, Layers: 32, KVHeads: 8, HeadDim: 128, MaxContext: 131072}
	figure := []modelcatalog.Throughput{{Model: "small", GPU: "h100", TensorParallel: 1, PrefillTokS: 20000, DecodeTokS: 500, TTFTMs: 300, Concurrency: 8}}
	req := Request{Model: roomy, GPU: h100, Throughput: figure, Instances: p5, PeakInputTokS: 200000, PeakOutputTokS: 1000,
		MaxContextTokens: 16384, MeanContextTokens: 8000, TargetUtilization: 0.7, MinReplicas: 1, TurnsPerSession: 40, Explain: true}
	cold, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	req.CachedInputShare = 0.9
	warm, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if warm.PrefixHitRate <= 0 || warm.PrefixHitRate >= 0.9 || warm.Replicas >= cold.Replicas {
		t.Errorf("90%% cached: hit rate %.2f, %d replicas (uncached %d)", warm.PrefixHitRate, warm.Replicas, cold.Replicas)
	}
	if !strings.Contains(strings.Join(warm.Notes, " "), "round-robin load balancer") {
		t.Errorf("notes do not say which hit rate and routing were assumed: %q", warm.Notes)
	}
	// Short sessions over many replicas lose more to round-robin routing.
	req.TurnsPerSession = 3
	short, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if short.PrefixHitRate >= warm.PrefixHitRate {
		t.Errorf("3-request sessions hit %.2f, 40-request sessions %.2f", short.PrefixHitRate, warm.PrefixHitRate)
	}
	// A replica whose KV cache is full of running sequences keeps no prefix.
	full := req
	full.Model = llama
	full.Throughput = throughput
	full.MeanContextTokens, full.MaxContextTokens = 8192, 8192
	f, err := Size(full)
	if err != nil {
		t.Fatal(err)
	}
	if f.PrefixHitRate > 0.05 {
		t.Errorf("a KV-bound replica is taken to serve %.2f from its prefix cache", f.PrefixHitRate)
	}
}

// TestPublishedBesidePredicted: where a published figure exists for the
// configuration, sizing uses it and the fleet shows the performance
// model's prediction beside it; a scaled figure draws no comparison.
func TestPublishedBesidePredicted(t *testing.T) {
	cat := modelcatalog.Default()
	m, _ := cat.OpenModel("llama-3.3-70b")
	g, _ := cat.GPU("h100")
	req := Request{Model: m, GPU: g, Throughput: cat.ThroughputFor(m.ID, g.ID), Instances: p5, PeakInputTokS: 8000, PeakOutputTokS: 800,
		MaxContextTokens: 8192, MeanContextTokens: 5000, TargetUtilization: 0.7, MinReplicas: 1, FixedGPUs: 2, Explain: true}
	f, err := Size(req)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(f.Notes, " ")
	if f.TensorParallel != 2 || !strings.Contains(notes, "the figure used (814 output tok/s") || !strings.Contains(notes, "is published; the performance model predicts") {
		t.Errorf("TP %d, figure %v, notes %q", f.TensorParallel, f.Throughput.DecodeTokS, f.Notes)
	}
	req.FixedGPUs = 8
	f, err = Size(req)
	if err != nil {
		t.Fatal(err)
	}
	if f.TensorParallel != 2 && strings.Contains(strings.Join(f.Notes, " "), "is published") {
		t.Errorf("a figure at TP %d compared as published: %q", f.TensorParallel, f.Notes)
	}
}

// TestSizeQuantizedCheckpoint: an int4 (AWQ) checkpoint is sized at its
// 4-bit weights and served as the checkpoint it is — the repository, with
// no --quantization flag (vLLM reads the checkpoint's own config) — while
// a BF16 repository served at FP8 asks vLLM to quantize it.
func TestSizeQuantizedCheckpoint(t *testing.T) {
	cat := modelcatalog.Default()
	base, _ := cat.Architecture("qwen2.5-72b")
	l40s, _ := cat.GPU("l40s")
	g6e := []PricedInstance{{Type: "g6e.12xlarge", GPUs: 4, GPUHourUSD: 2.62316}, {Type: "g6e.48xlarge", GPUs: 8, GPUHourUSD: 3.7664}}
	size := func(m *modelcatalog.OpenModel) Fleet {
		t.Helper()
		f, err := Size(Request{Model: m, GPU: l40s, Instances: g6e, PeakInputTokS: 20000, PeakOutputTokS: 2000,
			MaxContextTokens: 16384, MeanContextTokens: 4000, TargetUtilization: 0.7, MinReplicas: 1})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	awq := *base
	awq.ID, awq.HFRepo, awq.WeightsDType, awq.WeightsGB = "qwen2.5-72b-awq", "Qwen/Qwen2.5-72B-Instruct-AWQ", "int4", 41.6
	fa := size(&awq)
	args := VLLMArgs(&awq, fa)
	if args[0] != "Qwen/Qwen2.5-72B-Instruct-AWQ" || slices.Contains(args, "--quantization") || fa.Quantization != "" {
		t.Errorf("AWQ checkpoint: args %v, quantization %q", args, fa.Quantization)
	}
	fp8 := *base
	fp8.WeightsDType, fp8.WeightsGB = "fp8", 72.7
	f8 := size(&fp8)
	if a := VLLMArgs(&fp8, f8); !slices.Contains(a, "--quantization") || f8.Quantization != "fp8" {
		t.Errorf("FP8 on load: args %v", a)
	}
	// Four-bit weights leave more of each GPU to the KV cache than eight.
	if fa.TensorParallel > f8.TensorParallel || (fa.TensorParallel == f8.TensorParallel && fa.KVCacheGB <= f8.KVCacheGB) {
		t.Errorf("int4 TP %d KV %.1f GB, fp8 TP %d KV %.1f GB", fa.TensorParallel, fa.KVCacheGB, f8.TensorParallel, f8.KVCacheGB)
	}
}
