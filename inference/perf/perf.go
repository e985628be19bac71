// Package perf predicts how an open-weight model serves on a GPU from first
// principles: prefill is bound by tensor-core compute, a decode step by the
// memory it reads (the weights, or for a mixture of experts the experts the
// batch touches, plus every running sequence's KV cache), tensor
// parallelism pays an all-reduce per layer over NVLink or PCIe, expert
// parallelism an all-to-all, and the KV cache left beside the weights caps
// the batch. A few efficiency factors per engine and GPU generation, fitted
// to published measurements (calibrate.go, docs/SIZING.md), turn peaks
// into rates.
package perf

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
)

// Engines are the serving engines the model knows.
var Engines = []string{"vllm", "sglang", "tensorrt-llm"}

// Precisions are the weight formats the model knows; KVPrecisions the KV
// cache formats.
var (
	Precisions   = []string{"bf16", "fp16", "fp8", "fp4", "mxfp4", "int4"}
	KVPrecisions = []string{"bf16", "fp16", "fp8"}
)

// Config is one serving configuration.
type Config struct {
	Model *modelcatalog.OpenModel
	GPU   *modelcatalog.GPU
	// Engine is one of Engines.
	Engine string
	// Precision is the weights' format, KVPrecision the KV cache's
	// (empty: bf16, what vLLM's "auto" gives for a BF16 model).
	Precision   string
	KVPrecision string
	// TP is the tensor-parallel size; GPUs the whole deployment (0: TP).
	// More GPUs than TP run data-parallel replicas of a dense model, and
	// expert parallelism with data-parallel attention for a mixture of
	// experts (every step synchronised across all GPUs).
	TP, GPUs int
	// InputTokens and OutputTokens are the mean request shape.
	InputTokens, OutputTokens int
	// InputTokensP95 is the 95th percentile of the prompt lengths, for the
	// p95 TTFT (0: every prompt is InputTokens long).
	InputTokensP95 int
	// CachedInputShare is the share of input tokens served from the
	// prefix cache (an agent's growing conversation): they take KV-cache
	// room but no prefill work. 0: none; at most 0.99.
	CachedInputShare float64
	// Concurrency is the number of requests in flight across the
	// deployment; 0 or less means saturation (all requests queued).
	Concurrency int
	// MaxGPUsPerInstance is the most GPUs one instance type carries; a
	// deployment that needs more does not fit one instance. 0: no limit.
	MaxGPUsPerInstance int
	// Offline is an in-process benchmark with no API front end: its TTFT
	// carries no request overhead.
	Offline bool
}

// Factors are the efficiency factors a prediction used.
type Factors struct {
	Engine     string `json:"engine"`
	Generation string `json:"generation"`
	// MemoryEfficiency is the share of peak memory bandwidth a decode step
	// reaches; ComputeEfficiency the share of the tensor-core peak a
	// prefill reaches; StepOverheadMs the fixed cost of a scheduler step
	// (launch, sampling, bookkeeping).
	MemoryEfficiency  float64 `json:"memory_efficiency"`
	ComputeEfficiency float64 `json:"compute_efficiency"`
	StepOverheadMs    float64 `json:"step_overhead_ms"`
	// RequestOverheadMs is the front end's share of every TTFT.
	RequestOverheadMs float64 `json:"request_overhead_ms"`
}

// Result is a prediction.
type Result struct {
	// Fits is false, with Reason, when the configuration cannot serve.
	Fits   bool   `json:"fits"`
	Reason string `json:"reason,omitempty"`
	// OutputTokS and InputTokS are the whole deployment's rates.
	OutputTokS float64 `json:"output_tok_s_total"`
	InputTokS  float64 `json:"input_tok_s_total"`
	// TTFTMs is the mean time to first token without queueing; nil at
	// saturation. TTFTP95Ms is its 95th percentile under the same load.
	TTFTMs    *float64 `json:"ttft_ms"`
	TTFTP95Ms *float64 `json:"ttft_p95_ms"`
	// TPOTMs is the mean time per output token after the first, prefills
	// of other requests included.
	TPOTMs float64 `json:"tpot_ms"`
	// KVCacheSequences is how many sequences of InputTokens+OutputTokens
	// the deployment's KV cache holds at once.
	KVCacheSequences int `json:"kv_cache_sequences"`
	// RunningSequences is the decode batch across the deployment.
	RunningSequences int `json:"running_sequences"`
	// Replicas are the data-parallel groups of TP GPUs; ExpertParallel the
	// GPUs the experts are spread over (0 for a dense model).
	Replicas        int     `json:"replicas"`
	ExpertParallel  int     `json:"expert_parallel,omitempty"`
	WeightsGBPerGPU float64 `json:"weights_gb_per_gpu"`
	KVCacheGBPerGPU float64 `json:"kv_cache_gb_per_gpu"`
	// DecodeBound says what bounds a decode step: "memory" or "compute".
	DecodeBound string   `json:"decode_bound,omitempty"`
	Factors     Factors  `json:"factors"`
	Notes       []string `json:"notes,omitempty"`
}

// Fixed physical constants of the model (not fitted).
const (
	gib = 1 << 30
	// reserveGB is held back on every GPU for activations, CUDA graphs and
	// the CUDA context, beyond the engine's memory fraction.
	reserveGB = 1.0
	// actBytes is the width of an activation on the wire (BF16).
	actBytes = 2
	// nvlinkLatency and pcieLatency are the fixed cost of one collective.
	nvlinkLatency = 8e-6
	pcieLatency   = 30e-6
	// pNorm blends the memory and compute time of a decode step: neither
	// roofline is reached exactly where the two meet.
	pNorm = 3
)

// Predict predicts the configuration with the fitted factors.
func Predict(c Config) Result { return predict(c, Fitted) }

// predict is one derivation read top to bottom — the configuration
// checked, memory and the KV cache, the decode batch, one decode step,
// prefill, then throughput and latency — each step using the quantities
// of the ones before it; split into functions it would pass a dozen of
// them along, so it stays whole on purpose.
func predict(c Config, p Params) Result {
	var r Result
	m, g := c.Model, c.GPU
	if m == nil || g == nil {
		r.Reason = "a model and a GPU are required"
		return r
	}
	engine := c.Engine
	if engine == "" {
		engine = "vllm"
	}
	prec := c.Precision
	if prec == "" {
		prec = m.WeightsDType
	}
	kvPrec := c.KVPrecision
	if kvPrec == "" {
		kvPrec = "bf16"
	}
	tp := max(c.TP, 1)
	gpus := c.GPUs
	if gpus <= 0 {
		gpus = tp
	}
	r.Factors = p.factors(engine, g.Generation)
	f := r.Factors
	fail := func(format string, args ...any) Result {
		r.Fits, r.Reason = false, fmt.Sprintf(format, args...)
		return r
	}
	switch {
	case !slices.Contains(Engines, engine):
		return fail("engine %q is not one of %s", engine, strings.Join(Engines, ", "))
	case !slices.Contains(Precisions, prec):
		return fail("precision %q is not one of %s", prec, strings.Join(Precisions, ", "))
	case !slices.Contains(KVPrecisions, kvPrec):
		return fail("KV-cache precision %q is not one of %s", kvPrec, strings.Join(KVPrecisions, ", "))
	case gpus%tp != 0:
		return fail("%d GPUs do not divide into tensor-parallel groups of %d", gpus, tp)
	case m.QHeads%tp != 0:
		return fail("%s's %d attention heads do not split evenly over %d GPUs", m.ID, m.QHeads, tp)
	case c.InputTokens < 1 || c.OutputTokens < 1:
		return fail("input and output tokens must be at least 1")
	case m.MaxContext > 0 && c.InputTokens+c.OutputTokens > m.MaxContext:
		return fail("%d input + %d output tokens exceed %s's context of %d", c.InputTokens, c.OutputTokens, m.ID, m.MaxContext)
	case c.MaxGPUsPerInstance > 0 && gpus > c.MaxGPUsPerInstance:
		return fail("%d GPUs need more than one instance: the largest carries %d %s", gpus, c.MaxGPUsPerInstance, g.ID)
	}
	peak, note, ok := computePeak(g, engine, prec)
	if !ok {
		return fail("%s", note)
	}
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	if g.MemoryBandwidthGBs <= 0 || peak <= 0 {
		return fail("the catalog has no memory bandwidth or tensor-core peak for %s", g.ID)
	}

	a := newShape(m, prec)
	moe := a.expertTotal > 0
	ep := tp
	groups := gpus / tp
	if moe && gpus > tp {
		ep = gpus
		r.ExpertParallel = ep
		r.Notes = append(r.Notes, fmt.Sprintf("expert parallel over %d GPUs with %d data-parallel attention groups of TP %d; every step is synchronised across them", ep, groups, tp))
	} else if moe {
		r.ExpertParallel = tp
	}
	r.Replicas = groups

	// Memory: weights, then the KV cache.
	weightsGPU := a.denseBytes/float64(tp) + a.expertBytes/float64(ep)
	r.WeightsGBPerGPU = round2(weightsGPU / 1e9)
	usable := memoryFraction(engine)*g.MemoryGB*gib - reserveGB*1e9 - weightsGPU
	if engine == "tensorrt-llm" {
		usable = memoryFraction(engine)*(g.MemoryGB*gib-weightsGPU) - reserveGB*1e9
	}
	if usable <= 0 {
		return fail("%.1f GB of %s weights a GPU leave no room in %s's %.0f GB at TP %d", weightsGPU/1e9, prec, g.ID, g.MemoryGB, tp)
	}
	r.KVCacheGBPerGPU = round2(usable / 1e9)
	kvb := 2.0
	if kvPrec == "fp8" {
		kvb = 1
	}
	seqLen := c.InputTokens + c.OutputTokens
	perSeq := a.kvBytes(seqLen, tp, kvb)
	kvSeqs := int(usable / perSeq)
	if kvSeqs < 1 {
		return fail("%.1f GB of KV cache a GPU holds no %d-token sequence (%.2f GB each)", usable/1e9, seqLen, perSeq/1e9)
	}
	r.KVCacheSequences = kvSeqs * groups
	r.Fits = true

	// The decode batch of one group.
	limit := min(kvSeqs, maxNumSeqs(engine, g))
	batch := limit
	saturated := c.Concurrency <= 0
	if !saturated {
		per := int(math.Ceil(float64(c.Concurrency) / float64(groups)))
		if per > limit {
			r.Notes = append(r.Notes, fmt.Sprintf("%d requests in flight exceed the %d sequences a group runs at once (KV cache or the engine's limit): the rest queue", c.Concurrency, limit*groups))
		}
		batch = min(per, limit)
	}
	r.RunningSequences = batch * groups

	bw := g.MemoryBandwidthGBs * 1e9 * f.MemoryEfficiency
	flops := peak * 1e12 * f.ComputeEfficiency
	// Attention runs at BF16 (FP8 with an FP8 KV cache on GPUs that have
	// FP8 tensor cores), whatever the weights' format.
	attnPeak := g.BF16TFLOPS
	if kvPrec == "fp8" && g.FP8TFLOPS > 0 {
		attnPeak = g.FP8TFLOPS
	}
	attnFlops := attnPeak * 1e12 * f.ComputeEfficiency
	link, lat := linkOf(g)
	overhead := f.StepOverheadMs / 1e3

	// One decode step of a group at the batch: every group steps together.
	ctx := float64(c.InputTokens) + float64(c.OutputTokens)/2
	b := float64(batch)
	routed := b * float64(groups) // tokens through each expert layer per step
	moePen := max(p.MoE, 1)
	if ep > tp {
		moePen *= max(p.EP[engine], 1)
	}
	readBytes := a.denseReadBytes/float64(tp) + moePen*a.expertBytes/float64(ep)*a.touched(routed) + b*a.kvBytes(int(ctx), tp, kvb)
	tMem := readBytes / bw
	work := 2*b*a.denseActive/float64(tp) + moePen*2*routed*a.expertActive/float64(ep)
	tCmp := work/flops + b*a.attnFlops(ctx, tp)/attnFlops
	tComm := allReduce(a, tp, b, link, lat) + allToAll(a, tp, ep, b, link, lat)
	core := math.Cbrt(tMem*tMem*tMem + tCmp*tCmp*tCmp) // the pNorm (3) blend
	step := core + tComm + overhead
	r.DecodeBound = "memory"
	if tCmp > tMem {
		r.DecodeBound = "compute"
	}

	// Prefill of one request: its work (for throughput) and its latency
	// when alone (a short prompt still reads every weight once).
	cached := min(max(c.CachedInputShare, 0), 0.99)
	prefill := func(n float64) float64 {
		fresh := n * (1 - cached)
		attn := a.prefillAttnFlops(n, tp) - a.prefillAttnFlops(n-fresh, tp)
		return (2*fresh*a.denseActive/float64(tp)+moePen*2*fresh*a.expertActive/float64(ep))/flops + attn/attnFlops +
			allReduce(a, tp, fresh, link, lat) + allToAll(a, tp, ep, fresh, link, lat)
	}
	n := float64(c.InputTokens)
	pfWork := prefill(n)
	pfSolo := math.Max(pfWork, weightsGPU/bw) + overhead
	pfSolo95 := pfSolo
	if c.InputTokensP95 > c.InputTokens {
		pfSolo95 = math.Max(prefill(float64(c.InputTokensP95)), weightsGPU/bw) + overhead
	}

	// A group completes batch requests every cycle: their prefills and
	// OutputTokens steps, the prefills stalling the decode batch.
	out := float64(c.OutputTokens)
	cycle := b*pfWork + out*step
	perGroup := b * out / cycle
	r.OutputTokS = round2(perGroup * float64(groups))
	r.InputTokS = round2(r.OutputTokS * n / out)
	r.TPOTMs = round2(cycle / out * 1e3)
	if !saturated {
		// Prefills of the other running requests arrive while this one
		// waits: an M/D/1 queue of prefill work.
		rho := math.Min((b-1)/cycle*pfWork, 0.95)
		wait := rho * pfWork / (2 * (1 - rho))
		front := f.RequestOverheadMs
		if c.Offline {
			front = 0
		}
		ttft := (pfSolo+step/2+wait)*1e3 + front
		p95 := (pfSolo95+step+3*wait)*1e3 + front
		ttft, p95 = round2(ttft), round2(p95)
		r.TTFTMs, r.TTFTP95Ms = &ttft, &p95
	}
	if tp > 1 && g.Interconnect == "pcie" {
		r.Notes = append(r.Notes, fmt.Sprintf("tensor parallelism over PCIe: the all-reduces take %.1f ms of each %.1f ms decode step", tComm*1e3, step*1e3))
	}
	return r
}

// computePeak is the tensor-core peak (TFLOPS) the engine runs the
// precision at on the GPU, a note when it is not the precision's own, and
// false when the engine cannot run it there.
func computePeak(g *modelcatalog.GPU, engine, prec string) (float64, string, bool) {
	switch prec {
	case "bf16", "fp16":
		return g.BF16TFLOPS, "", true
	case "int4":
		return g.BF16TFLOPS, "INT4 weights run weight-only (W4A16): the BF16 tensor-core rate", true
	case "fp8":
		if g.FP8TFLOPS > 0 {
			return g.FP8TFLOPS, "", true
		}
		if engine == "tensorrt-llm" {
			return 0, fmt.Sprintf("%s has no FP8 tensor cores and TensorRT-LLM runs FP8 weights only on them", g.ID), false
		}
		return g.BF16TFLOPS, fmt.Sprintf("%s has no FP8 tensor cores: FP8 weights run weight-only (W8A16, Marlin) at the BF16 rate, saving memory but not compute", g.ID), true
	default: // fp4, mxfp4
		if g.FP4TFLOPS > 0 {
			return g.FP4TFLOPS, "", true
		}
		if engine == "tensorrt-llm" && prec == "fp4" {
			return 0, fmt.Sprintf("%s has no FP4 tensor cores and TensorRT-LLM runs NVFP4 only on Blackwell", g.ID), false
		}
		return g.BF16TFLOPS, fmt.Sprintf("%s has no FP4 tensor cores: %s weights run weight-only (W4A16) at the BF16 rate", g.ID, strings.ToUpper(prec)), true
	}
}

// memoryFraction is the share of GPU memory the engine takes for weights
// and KV cache by default: vLLM's --gpu-memory-utilization 0.9, SGLang's
// mem_fraction_static (about 0.88 on large GPUs), TensorRT-LLM's
// kv_cache_free_gpu_mem_fraction 0.9 of what the weights leave.
func memoryFraction(engine string) float64 {
	if engine == "sglang" {
		return 0.88
	}
	return 0.9
}

// maxNumSeqs is the engine's default cap on running sequences: vLLM's
// --max-num-seqs (1024 on GPUs of 70 GiB and more other than A100, 256
// otherwise), TensorRT-LLM's and SGLang's large defaults.
func maxNumSeqs(engine string, g *modelcatalog.GPU) int {
	switch engine {
	case "vllm":
		if g.MemoryGB >= 70 && g.Generation != "ampere" {
			return 1024
		}
		return 256
	case "sglang":
		return 1024
	default:
		return 2048
	}
}

// linkOf is the one-way bandwidth (bytes/s) and latency of a collective.
func linkOf(g *modelcatalog.GPU) (float64, float64) {
	bw := g.InterconnectGBs * 1e9
	if bw <= 0 {
		bw = 25e9
	}
	if g.Interconnect == "nvlink" {
		return bw, nvlinkLatency
	}
	return bw, pcieLatency
}

// allReduce is the time of the two all-reduces per layer tensor
// parallelism needs for tokens tokens (ring: 2(TP-1)/TP of the message).
func allReduce(a shape, tp int, tokens, link, lat float64) float64 {
	if tp <= 1 {
		return 0
	}
	msg := tokens * a.hidden * actBytes
	return 2 * a.layers * (lat + 2*float64(tp-1)/float64(tp)*msg/link)
}

// allToAll is the time of expert parallelism's dispatch and combine per
// layer when the experts are spread beyond the tensor-parallel group.
func allToAll(a shape, tp, ep int, tokens, link, lat float64) float64 {
	if ep <= tp || a.expertTotal == 0 {
		return 0
	}
	msg := tokens / float64(tp) * a.k * a.hidden * actBytes * float64(ep-1) / float64(ep)
	return 2 * a.moeLayers * (lat + msg/link)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
