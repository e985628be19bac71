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
	"regexp"
	"slices"
	"strconv"
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
	// InputTokensP95 is the prompt the p95 and tail TTFT are taken at: the
	// 95th percentile of the prompt lengths, or one workload's prompt
	// among a mix whose mean is InputTokens (shorter or longer), prefilled
	// beside the mix's decode batch and queued behind its prefills (0:
	// every prompt is InputTokens long).
	InputTokensP95 int
	// CachedInputShare is the share of input tokens served from the
	// prefix cache (an agent's growing conversation): they take KV-cache
	// room but no prefill work. 0: none; at most 0.99.
	CachedInputShare float64
	// Concurrency is the number of requests in flight across the
	// deployment; 0 or less means saturation (all requests queued).
	Concurrency int
	// GPUsPerInstance is the GPUs one instance carries, joined by its
	// NVLink or PCIe. A deployment of more GPUs spans GPUs / GPUsPerInstance
	// instances joined by their network (NetworkGbps): the collectives
	// that cross it (a tensor-parallel group's all-reduces where TP
	// exceeds an instance, expert parallelism's dispatch and combine)
	// pay the network's latency and bandwidth. 0: every GPU in one
	// instance.
	GPUsPerInstance int
	// NetworkGbps is an instance's network to the others (Gbit/s each
	// way, all its adapters together): the catalog's figure for the
	// instance type (modelcatalog.Instance.NetworkGbps). A deployment
	// that spans instances needs it.
	NetworkGbps float64
	// Compiled is an engine that runs a compiled TensorRT engine
	// (TensorRT-LLM before its PyTorch backend, v0.18 and earlier): its C++
	// runtime enqueues a prefill step's kernels as it does a decode
	// step's, and its MoE plugins route on the GPU, so a step carrying a
	// prefill chunk pays no eager launch or routing synchronisation.
	Compiled bool
	// Offline is an in-process benchmark with no API front end: its TTFT
	// carries no request overhead.
	Offline bool
	// SchedulerRecvInterval is how many decode steps the engine's
	// scheduler runs between polls for new requests (SGLang's
	// --scheduler-recv-interval; 0 or 1: every step): a request arriving
	// at random waits half of them on average before its prefill.
	SchedulerRecvInterval int
	// MaxNumTokens is the engine's token budget a step where it is set
	// (vLLM's --max-num-batched-tokens, SGLang's --chunked-prefill-size,
	// TensorRT-LLM's max_num_tokens); 0: the engine's default.
	MaxNumTokens int
	// GraphTokens is the most tokens a step runs under the engine's
	// piecewise CUDA graphs (vLLM's max_cudagraph_capture_size): a step
	// carrying a prefill chunk within it launches only its attention from
	// the CPU. 0: the engine's default (graphTokens); negative: none (a
	// deployment that captures decode steps only).
	GraphTokens int
	// Requests is how many requests a closed-loop benchmark at Concurrency
	// sends in all, when known. Its first Concurrency arrive together and
	// queue for prefill, a wave whose wait the mean TTFT shares in
	// proportion. 0: a steady state (a warmed-up benchmark, or the median
	// request of a long one). Ignored by PredictAt.
	Requests int
	// Int4Kernel is the kernel that runs INT4 (W4A16) dense weights: ""
	// for Marlin, vLLM's choice for GPTQ and AWQ checkpoints, or "exllama"
	// for its older GPTQ kernel, which a deployment that asks for
	// quantization="gptq" gets (vLLM: "forcing gptq. Use
	// quantization=gptq_marlin for faster inference"): exllamaBytes.
	Int4Kernel string
	// FixedOutput is a benchmark whose every request generates exactly
	// OutputTokens (EOS ignored, or a cap every answer reaches). A closed
	// loop of such requests runs in lockstep on an engine that prefills
	// before it decodes, and on one that decodes while it prefills where
	// two or more prompts share a step's token budget (deployment.lockstep,
	// deployment.cohorts).
	FixedOutput bool
	// PrefillFirst is an engine that runs every waiting prompt's prefill,
	// in steps of its own, before it decodes again: vLLM's V0 engine
	// without chunked prefill (its default up to a max_model_len of
	// 32,768). SGLang always does (without --enable-mixed-chunk).
	PrefillFirst bool
	// MaxNumSeqs is the engine's cap on running sequences where the
	// deployment sets it (vLLM's --max-num-seqs): vLLM's start-up profile
	// runs its sampler over that many rows, which the KV cache does not
	// get beyond the dummy forward's activations (vllmActivations). 0: a
	// deployment that sets it at most to the sequences its cache holds,
	// as the sizer writes it, each admitted sequence's sampler row
	// charged beside its cache; the engine's default cap still bounds
	// the batch.
	MaxNumSeqs int
	// EngineVersion is the engine's release where it is not the one the
	// fleet runs (a calibration point's, a published log's: "0.11.0"):
	// vLLM's start-up sampler run holds another share of memory by
	// release (vllmSamplerBytes). Empty: the fleet's release.
	EngineVersion string
	// MemoryFraction is the engine's share of the GPU's memory where the
	// deployment sets it (vLLM's --gpu-memory-utilization, SGLang's
	// --mem-fraction-static, TensorRT-LLM's kv_cache_free_gpu_mem_fraction);
	// 0: the engine's default (memoryFraction).
	MemoryFraction float64
	// burst is a benchmark that queues all its requests at once (a
	// calibration point's Burst): their prompts wait together.
	burst bool
}

// Factors are the efficiency factors a prediction used.
type Factors struct {
	Engine     string `json:"engine"`
	Generation string `json:"generation"`
	// MemoryEfficiency is the share of peak memory bandwidth a decode step
	// reaches; ComputeEfficiency the share of the tensor-core peak a
	// prefill reaches. Both are physically bounded (Bounds).
	MemoryEfficiency  float64 `json:"memory_efficiency"`
	ComputeEfficiency float64 `json:"compute_efficiency"`
	// StepOverheadMs is the fixed cost of a scheduler step (scheduling,
	// sampling, bookkeeping); KernelUs the fixed cost of one kernel of a
	// layer (launch and tail, under CUDA graphs); AllReduceUs the latency
	// of one collective over the GPU's interconnect.
	StepOverheadMs float64 `json:"step_overhead_ms"`
	KernelUs       float64 `json:"kernel_us"`
	// PrefillKernelUs is a kernel's extra cost in a step with a prefill
	// chunk (run eagerly, each kernel launched from the CPU).
	PrefillKernelUs float64 `json:"prefill_kernel_us"`
	// PrefillMoEUs is a MoE layer's extra cost in such a step (routing's
	// host synchronisation).
	PrefillMoEUs float64 `json:"prefill_moe_us"`
	AllReduceUs  float64 `json:"all_reduce_us"`
	// NetworkUs is the latency of a collective that crosses the network
	// between instances (a deployment of more GPUs than an instance).
	NetworkUs float64 `json:"network_us,omitempty"`
	// MoEEfficiency is the rate of routed-expert reads under expert
	// parallelism across data-parallel groups relative to a dense read:
	// their time is divided by it (1 without expert parallelism).
	MoEEfficiency float64 `json:"moe_efficiency"`
	// MoECompute divides the routed experts' FLOPs as MoEEfficiency
	// divides their reads.
	MoECompute float64 `json:"moe_compute_efficiency"`
	// MoEComputeEP further divides them under expert parallelism across
	// data-parallel groups.
	MoEComputeEP float64 `json:"moe_compute_ep_efficiency"`
	// MoEWidth is the columns a GPU at which a routed expert's GEMM
	// reaches half of MoECompute's rate.
	MoEWidth float64 `json:"moe_width"`
	// Int4MoEUs is a MoE layer's fixed cost a step with INT4 (W4A16)
	// experts: the fused Marlin MoE kernels' floor.
	Int4MoEUs float64 `json:"int4_moe_us,omitempty"`
	// AllReduceHalfMB is the message (MB a rank) at which an NVLink
	// all-reduce reaches half its bandwidth.
	AllReduceHalfMB float64 `json:"all_reduce_half_mb,omitempty"`
	// SequenceUs is a step's host work for each sequence it decodes.
	SequenceUs float64 `json:"sequence_us,omitempty"`
	// RoutingExp: a batch of B tokens touches the experts B^RoutingExp
	// independent tokens would.
	RoutingExp float64 `json:"routing_exp,omitempty"`
	// RequestOverheadMs is the front end's share of every TTFT;
	// FrontEndMs its serial work a request, which caps the requests a
	// second one API server passes (none for in-process benchmarks).
	RequestOverheadMs float64 `json:"request_overhead_ms"`
	FrontEndMs        float64 `json:"front_end_ms"`
}

// Result is a prediction.
type Result struct {
	// Fits is false, with Reason, when the configuration cannot serve.
	Fits   bool   `json:"fits"`
	Reason string `json:"reason,omitempty"`
	// OutputTokS and InputTokS are the whole deployment's rates.
	OutputTokS float64 `json:"output_tok_s_total"`
	InputTokS  float64 `json:"input_tok_s_total"`
	// TTFTMs is the mean time to first token; nil at saturation. A
	// closed loop with more requests in flight than the KV cache holds
	// includes their wait for a slot (closedLoop). TTFTP95Ms is its 95th percentile under the same load,
	// TTFTP999Ms its 99.9th: the wait one request in a thousand still
	// has, which a load balancer's idle timeout must exceed for the
	// fleet not to fail requests at that load (TailShare).
	TTFTMs     *float64 `json:"ttft_ms"`
	TTFTP95Ms  *float64 `json:"ttft_p95_ms"`
	TTFTP999Ms *float64 `json:"ttft_p999_ms"`
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
	// ttftMedianMs is the median TTFT under the same load (calibration
	// points that publish a median are held to it).
	ttftMedianMs float64
	// ttftP99Ms is the 99th percentile TTFT under the same load, derived
	// as the p95 is with the tails at 1 % (an MLPerf Server point's bound
	// is on the p99).
	ttftP99Ms float64
}

// TailShare is the share of requests whose time to first token
// TTFTP999Ms bounds: one in a thousand waits longer.
const TailShare = 0.001

// Fixed physical constants of the model (not fitted).
const (
	gib = 1 << 30
	// sglangReserveGB is held back on every GPU under SGLang for
	// activations, CUDA graphs and the CUDA context, beyond its memory
	// fraction (an estimate, the flat reserve every engine had before
	// 2026-12-06; vLLM's profile is vllmReserve and vllmActivations,
	// TensorRT-LLM's runtime trtRuntimeGB).
	sglangReserveGB = 1.0
	// actBytes is the width of an activation on the wire (BF16).
	actBytes = 2
	// linkEfficiency is the share of the interconnect's one-way bandwidth
	// a collective reaches (NCCL's bus bandwidth on NVLink, PCIe alike).
	linkEfficiency = 0.8
)

// Predict predicts the configuration with the fitted factors.
func Predict(c Config) Result { return memoized(c) }

// predict derives the prediction: the configuration checked, the
// deployment's rates and memory, the decode batch, then throughput and
// latency at that batch (serve.go).
func predict(c Config, p Params) Result {
	d, r := newDeployment(c, p)
	if !r.Fits {
		return r
	}
	b := d.batch(&r)
	if q, rem, ok := d.uneven(); ok {
		return d.split(r, q, rem, p)
	}
	d.serve(&r, b, 0)
	return r
}

// uneven says a closed loop's requests split unevenly over independent
// replicas (a dense model's data-parallel groups): rem groups take q + 1
// of them, the others q, each group running what its batch holds and
// queueing the rest for a slot.
func (d *deployment) uneven() (q, rem int, ok bool) {
	c := d.c
	if c.Concurrency <= 0 || d.groups < 2 || d.ep > d.tp || c.burst {
		return 0, 0, false
	}
	q, rem = c.Concurrency/d.groups, c.Concurrency%d.groups
	return q, rem, q >= 1 && rem > 0
}

// split is the closed loop of an uneven split (uneven): the groups of
// q + 1 and of q predicted apart and added up. Three requests on two
// replicas are one at one and two at the other, not two at each scaled by
// 3/4: counted so, three completed 43 % fewer a second than two. The
// mean TTFT and TPOT are over the requests and the tokens; the tails are
// the slower groups' (an upper bound). One API server passes the sum.
func (d *deployment) split(r Result, q, rem int, p Params) Result {
	part := func(groups, per int) Result {
		c := d.c
		c.GPUs, c.Concurrency = groups*d.tp, groups*per
		sd, sr := newDeployment(c, p)
		sd.whole = true
		sd.serve(&sr, sd.batch(&sr), 0)
		return sr
	}
	hi, lo := part(rem, q+1), part(d.groups-rem, q)
	out := float64(d.c.OutputTokens)
	rh, rl := hi.OutputTokS/out, lo.OutputTokS/out
	mean := func(a, b float64) float64 { return round2((a*rh + b*rl) / (rh + rl)) }
	r.OutputTokS, r.InputTokS = round2(hi.OutputTokS+lo.OutputTokS), round2(hi.InputTokS+lo.InputTokS)
	r.TPOTMs, r.RunningSequences, r.DecodeBound = mean(hi.TPOTMs, lo.TPOTMs), hi.RunningSequences+lo.RunningSequences, hi.DecodeBound
	ttft, p95, p999 := mean(*hi.TTFTMs, *lo.TTFTMs), math.Max(*hi.TTFTP95Ms, *lo.TTFTP95Ms), math.Max(*hi.TTFTP999Ms, *lo.TTFTP999Ms)
	r.ttftMedianMs, r.ttftP99Ms = math.Max(hi.ttftMedianMs, lo.ttftMedianMs), math.Max(hi.ttftP99Ms, lo.ttftP99Ms)
	for _, n := range append(hi.Notes, lo.Notes...) {
		if !slices.Contains(r.Notes, n) {
			r.Notes = append(r.Notes, n)
		}
	}
	if rate, wait := d.apiLimit(&r, rh+rl, true); wait > 0 {
		ttft, p95, p999 = ttft+wait*1e3, p95+wait*1e3, p999+wait*1e3
		r.ttftMedianMs, r.ttftP99Ms = r.ttftMedianMs+wait*1e3, r.ttftP99Ms+wait*1e3
		r.OutputTokS = round2(rate * out)
		r.InputTokS = round2(r.OutputTokS * float64(d.c.InputTokens) / out)
	}
	r.TTFTMs, r.TTFTP95Ms, r.TTFTP999Ms = &ttft, &p95, &p999
	r.Notes = append(r.Notes, fmt.Sprintf("%d requests over %d replicas: %d run %d each, %d run %d", d.c.Concurrency, d.groups, rem, q+1, d.groups-rem, q))
	return r
}

// deployment is a configuration resolved: the model's shape at the
// precision, the effective rates of one GPU, and the parallel layout.
type deployment struct {
	c                    Config
	a                    shape
	g                    *modelcatalog.GPU
	engine, prec, kvPrec string
	kvb                  float64 // bytes a KV value
	tp, ep, groups       int
	f                    Factors
	// bw, flops and attnFlops are the effective memory bandwidth (B/s),
	// GEMM rate and attention rate (FLOP/s) of one GPU; exps the
	// effective rate of its exponentials (1/s, 0: not bound by them).
	bw, flops, attnFlops, exps float64
	// link is the effective one-way interconnect bandwidth (B/s), lat
	// the latency of one collective (s).
	link, lat float64
	// instances is how many instances the deployment spans, perInstance
	// the GPUs of each; net is the effective one-way network bandwidth of
	// an instance (B/s, all its adapters) and netLat the latency of a
	// collective that crosses it (s).
	instances, perInstance int
	net, netLat            float64
	// whole is a part of a deployment split by split: its API server's
	// limit is the whole deployment's, applied to the sum.
	whole bool
	// chunk is the engine's token budget a step (chunked prefill).
	chunk float64
	// graphTokens is the most tokens a step runs under piecewise CUDA
	// graphs.
	graphTokens int
	// weightsGPU and kvGPU are the resident bytes a GPU; kvSeqs the
	// sequences of the request's length a GPU's KV cache holds. room is
	// the memory a GPU has for sequences: its KV cache and, under vLLM
	// sized to its cache (Config.MaxNumSeqs 0), their sampler rows.
	weightsGPU, kvGPU, room float64
	kvSeqs                  int
	// lives, when set, remembers the life of a request at each batch
	// (life): a remembered saturation's (curveOf), asked at many loads.
	lives *lives
}

// resolve fills the configuration's defaults and says why it cannot be
// asked, or "".
func resolve(c *Config) string {
	m, g := c.Model, c.GPU
	if m == nil || g == nil {
		return "a model and a GPU are required"
	}
	if c.Engine == "" {
		c.Engine = "vllm"
	}
	if c.Precision == "" {
		c.Precision = m.WeightsDType
	}
	if c.KVPrecision == "" {
		c.KVPrecision = "bf16"
	}
	c.TP = max(c.TP, 1)
	if c.GPUs <= 0 {
		c.GPUs = c.TP
	}
	switch {
	case !slices.Contains(Engines, c.Engine):
		return fmt.Sprintf("engine %q is not one of %s", c.Engine, strings.Join(Engines, ", "))
	case !slices.Contains(Precisions, c.Precision):
		return fmt.Sprintf("precision %q is not one of %s", c.Precision, strings.Join(Precisions, ", "))
	case !slices.Contains(KVPrecisions, c.KVPrecision):
		return fmt.Sprintf("KV-cache precision %q is not one of %s", c.KVPrecision, strings.Join(KVPrecisions, ", "))
	case c.GPUs%c.TP != 0:
		return fmt.Sprintf("%d GPUs do not divide into tensor-parallel groups of %d", c.GPUs, c.TP)
	case m.QHeads%c.TP != 0:
		return fmt.Sprintf("%s's %d attention heads do not split evenly over %d GPUs", m.ID, m.QHeads, c.TP)
	case c.InputTokens < 1 || c.OutputTokens < 1:
		return "input and output tokens must be at least 1"
	case m.MaxContext > 0 && c.InputTokens+c.OutputTokens > m.MaxContext:
		return fmt.Sprintf("%d input + %d output tokens exceed %s's context of %d", c.InputTokens, c.OutputTokens, m.ID, m.MaxContext)
	case c.GPUsPerInstance > 0 && c.GPUs > c.GPUsPerInstance && c.GPUs%c.GPUsPerInstance != 0:
		return fmt.Sprintf("%d GPUs do not fill whole instances of %d %s", c.GPUs, c.GPUsPerInstance, g.ID)
	case c.GPUsPerInstance > 0 && c.TP > c.GPUsPerInstance && c.TP%c.GPUsPerInstance != 0:
		return fmt.Sprintf("a tensor-parallel group of %d does not span whole instances of %d %s", c.TP, c.GPUsPerInstance, g.ID)
	case c.GPUsPerInstance > 0 && c.GPUs > c.GPUsPerInstance && !(c.NetworkGbps > 0):
		return fmt.Sprintf("%d GPUs span %d instances of %d %s, whose network is unknown", c.GPUs, c.GPUs/c.GPUsPerInstance, c.GPUsPerInstance, g.ID)
	}
	return ""
}

// newDeployment resolves the configuration into a deployment and a
// Result holding its layout and memory; the Result's Fits is false, with
// a reason, when it cannot serve.
func newDeployment(c Config, p Params) (deployment, Result) {
	var r Result
	if why := resolve(&c); why != "" {
		r.Reason = why
		return deployment{}, r
	}
	g := c.GPU
	d := deployment{c: c, g: g, engine: c.Engine, prec: c.Precision, kvPrec: c.KVPrecision, kvb: 2, tp: c.TP}
	if d.kvPrec == "fp8" {
		d.kvb = 1
	}
	peak, note, ok := computePeak(g, d.engine, d.prec)
	// The precision's own tensor cores, or the BF16 ones (weight-only).
	tc := d.prec
	if peak == g.BF16TFLOPS {
		tc = "bf16"
	}
	d.f = p.factors(d.engine, g.Generation, g.Interconnect, tc)
	if tc != d.prec && d.prec != "fp16" {
		// Weight-only experts (W4A16, W8A16) run the same dequantizing
		// grouped GEMMs in every engine: OpenAI's Triton MXFP4 kernels on
		// Hopper (vLLM's default there, TensorRT-LLM's TRITON MoE backend,
		// SGLang's triton_kernel runner), Marlin elsewhere. Their rate is
		// the one fitted where those kernels are (vLLM's fused MoE), not an
		// engine's native-precision MoE (TensorRT-LLM's CUTLASS and
		// TRT-LLM-gen kernels on Blackwell).
		d.f.MoECompute = p.factors("vllm", g.Generation, g.Interconnect, tc).MoECompute
	}
	r.Factors = d.f
	if !ok {
		r.Reason = note
		return d, r
	}
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	if g.MemoryBandwidthGBs <= 0 || peak <= 0 {
		r.Reason = fmt.Sprintf("the catalog has no memory bandwidth or tensor-core peak for %s", g.ID)
		return d, r
	}
	d.bw = g.MemoryBandwidthGBs * 1e9 * d.f.MemoryEfficiency
	d.flops = peak * 1e12 * d.f.ComputeEfficiency
	// Attention runs at BF16 (FP8 with an FP8 KV cache on GPUs that have
	// FP8 tensor cores), whatever the weights' format.
	attnPeak := g.BF16TFLOPS
	if d.kvPrec == "fp8" && g.FP8TFLOPS > 0 {
		attnPeak = g.FP8TFLOPS
	}
	attnEff := d.f.ComputeEfficiency
	if tc != "bf16" {
		attnEff = p.factors(d.engine, g.Generation, g.Interconnect, "bf16").ComputeEfficiency
	}
	d.attnFlops = attnPeak * 1e12 * attnEff
	d.exps = expsPerSecond[g.ID] * attnEff
	d.link, d.lat = linkOf(g), d.f.AllReduceUs/1e6
	d.instances, d.perInstance = 1, c.GPUs
	if c.GPUsPerInstance > 0 && c.GPUs > c.GPUsPerInstance {
		d.instances, d.perInstance = c.GPUs/c.GPUsPerInstance, c.GPUsPerInstance
		d.net, d.netLat = c.NetworkGbps/8*1e9*linkEfficiency, d.f.NetworkUs/1e6
		r.Notes = append(r.Notes, fmt.Sprintf("%d instances of %d %s joined by %.0f Gbit/s of network: the collectives that cross it pay its latency and bandwidth", d.instances, d.perInstance, g.ID, c.NetworkGbps))
	}
	d.chunk = float64(stepBudget(c))
	d.graphTokens = c.GraphTokens
	if c.GraphTokens == 0 {
		d.graphTokens = graphTokens(d.engine, g, c.Model, d.chunk)
	}
	d.layout(&r)
	d.memory(&r)
	return d, r
}

// layout spreads the model: tensor-parallel groups, and for a mixture of
// experts over more GPUs than a group, expert parallelism over all of
// them with data-parallel attention.
func (d *deployment) layout(r *Result) {
	d.a = newShape(d.c.Model, d.prec)
	d.ep, d.groups = d.tp, d.c.GPUs/d.tp
	if d.a.expertTotal > 0 {
		if d.c.GPUs > d.tp {
			d.ep = d.c.GPUs
			r.Notes = append(r.Notes, fmt.Sprintf("expert parallel over %d GPUs with %d data-parallel attention groups of TP %d; every step is synchronised across them", d.ep, d.groups, d.tp))
		}
		r.ExpertParallel = d.ep
	}
	r.Replicas = d.groups
}

// memory places the weights and the KV cache on a GPU; Fits stays false
// when no sequence fits. Every engine takes its memory fraction of what
// CUDA reports (modelcatalog.GPU.UsableGiB), not of the board's nominal
// size.
func (d *deployment) memory(r *Result) {
	a, g := d.a, d.g
	d.weightsGPU = a.denseBytes/float64(d.tp) + a.expertBytes/float64(d.ep)
	r.WeightsGBPerGPU = round2(d.weightsGPU / 1e9)
	total := g.UsableGiB() * gib
	frac := memoryFraction(d.engine)
	if d.c.MemoryFraction > 0 {
		frac = d.c.MemoryFraction
	}
	seqLen := d.c.InputTokens + d.c.OutputTokens
	perSeq := a.kvBytes(seqLen, d.tp, d.kvb)
	slot := 0.0 // a sequence's share of the engine's reserve
	var usable float64
	var fixed, act float64 // vLLM's reserve beside its rows and the forward's peak (sized to its cache)
	switch d.engine {
	case "tensorrt-llm":
		usable = trtKVBudget(total, d.weightsGPU, d.tp, frac)
	case "sglang":
		usable = frac*total - sglangReserveGB*1e9 - d.weightsGPU
	default:
		resident := d.weightsGPU
		if d.prec == "mxfp4" && g.FP4TFLOPS <= 0 {
			resident += a.expertBytes / float64(d.ep) * (mxfp4WeightOnlyPad - 1)
			r.WeightsGBPerGPU = round2(resident / 1e9)
		}
		// The start-up profile's torch peak is the larger of the dummy
		// forward's activations and the sampler's rows: vLLM runs the
		// sampler after the forward, whose activations are freed by then.
		fixed = frac*total - resident - d.vllmReserve()
		act = d.vllmActivations()
		if d.c.MaxNumSeqs > 0 {
			usable = fixed - math.Max(act, float64(d.c.MaxNumSeqs)*d.samplerRow())
		} else {
			// One sequence's cache is room less one row (RoomGB).
			slot = d.samplerRow()
			usable = fixed - math.Max(act-slot, 0)
		}
	}
	d.room = usable
	if usable-slot <= 0 {
		r.Reason = fmt.Sprintf("%.1f GB of %s weights a GPU and the engine's reserve leave no room in %s's %.2f GiB at TP %d", r.WeightsGBPerGPU, d.prec, g.ID, g.UsableGiB(), d.tp)
		if rows := float64(d.c.MaxNumSeqs) * d.samplerRow(); rows > act && fixed-act > 0 {
			r.Reason += fmt.Sprintf(" (vLLM's start-up sampler run over --max-num-seqs %d rows takes %.1f GB of it; fewer rows leave room)", d.c.MaxNumSeqs, rows/1e9)
		}
		return
	}
	d.kvSeqs = int(usable / (perSeq + slot))
	if d.engine == "vllm" && slot > 0 {
		// Sized to its cache, the engine admits as many sequences as it
		// holds (within its own cap), each with its sampler row, whose
		// rows count only beyond the forward's activations.
		d.kvSeqs = min(int((fixed-act)/perSeq), int(fixed/(perSeq+slot)))
		usable = fixed - math.Max(act, slot*float64(min(d.kvSeqs, d.seqCap())))
	} else {
		usable -= slot * float64(min(d.kvSeqs, d.seqCap()))
	}
	d.kvGPU = usable
	r.KVCacheGBPerGPU = round2(usable / 1e9)
	if d.kvSeqs < 1 {
		r.Reason = fmt.Sprintf("%.1f GB of KV cache a GPU holds no %d-token sequence (%.2f GB each)", usable/1e9, seqLen, perSeq/1e9)
		return
	}
	r.KVCacheSequences = d.kvSeqs * d.groups
	r.Fits = true
}

// vLLM's start-up memory profile (vllm/v1/worker/gpu_worker.py,
// determine_available_memory): its KV cache is the CUDA total ×
// --gpu-memory-utilization less the weights, the torch peak of a dummy
// forward of max_num_batched_tokens tokens and of the sampler over
// max_num_seqs rows (the larger of the two: they run one after the
// other), what was allocated outside torch since start-up (NCCL, cuBLAS
// workspaces) and, by default since v0.21.0, its estimate of the CUDA
// graphs' memory. Read 2026-12-06; checked against the start-up logs
// of memory_logs_test.go.
const (
	// vllmNonTorchGiB is the memory allocated outside torch a GPU: vLLM's
	// logs show 0.16 GiB at TP 1 on an H100
	// (https://github.com/vllm-project/vllm/issues/12126, 2025-01-16) and
	// 0.20 GiB a worker on 24 GB GPUs
	// (https://github.com/vllm-project/vllm/issues/14447); 0.25 taken
	// above both (an estimate). Checked: 0.13-0.14 GiB at TP 1 on an H100
	// for five models (llm-d/llm-d-benchmark
	// config_explorer/empirical-vllm-memory-results.md, 2026-01-27).
	vllmNonTorchGiB = 0.25
	// vllmCommGiB is what a GPU that joins collectives (tensor or expert
	// parallelism) holds beside it: NCCL's communicator buffers and vLLM's
	// custom all-reduce buffers (an estimate: NCCL's default 4 MiB buffer
	// a channel and peer, tens of channels). Checked: vLLM's non-torch
	// memory is 0.54-0.55 GiB at TP 2 on H100s against 0.13-0.14 at TP 1
	// (Llama-3.3-70B FP8, Qwen3-32B: llm-d-benchmark, above), 0.41 more.
	vllmCommGiB = 0.5
	// vllmGraphGiB is vLLM's estimate of its CUDA graphs' memory, logged
	// at 0.17-0.66 GiB ("Estimated CUDA graph memory":
	// https://github.com/gpustack/runner/issues/251, 0.36 GiB;
	// https://github.com/noonghunna/club-3090/issues/127, 0.17 GiB), and
	// 660 MiB in the CUDA graphs' private pools of
	// https://github.com/vllm-project/vllm/issues/27508's H100
	// (2025-10-25); 0.5 taken within them (an estimate). Not checked by
	// memory_logs_test.go: its logs are of releases before v0.21.0, which
	// captured the graphs after sizing the cache.
	vllmGraphGiB = 0.5
	// samplerSortBytes is the memory vLLM's start-up sampler run takes a
	// row and vocabulary entry where its sampler sorts (vllmSamplerBytes).
	// vLLM V1 runs its sampler over max_num_seqs rows at start-up
	// (https://github.com/vllm-project/vllm/issues/13507, 2025-02-19,
	// fixed by pull 13594; issue 15357: "there will always be a dummy
	// sampler run with max number of possible sequences"), after the dummy
	// forward, whose activations it does not add to (vllmActivations).
	// PyTorch's top-k/top-p path holds float32 logits, their sorted copy
	// and int64 sort order, the softmax and its cumulative sum (24 bytes an
	// entry), the sort's double buffers of keys and order (12) and the BF16
	// logits they were cast from (2): 38. Refitted on the torch peaks vLLM
	// (v0.11.0) logs on one or two H100s at 1,024 rows, less
	// vllmNonTorchGiB (and vllmCommGiB at TP 2): 37.5-38.7 bytes an entry
	// for Llama-3.1-8B, Llama-3.3-70B (TP 1 and 2), Qwen3-32B (TP 1 and 2)
	// and gpt-oss-20b (llm-d/llm-d-benchmark
	// config_explorer/empirical-vllm-memory-results.md, 2026-01-27 and
	// 2026-02-26), and 37.6 for gpt-oss-120b on one H100 at vLLM's
	// defaults (https://github.com/vllm-project/vllm/issues/23278,
	// 2025-08-20, v0.10.1: weights 65.97 GiB, "Available KV cache memory:
	// -2.14 GiB" of 0.9 × 79.22 GiB; a release that reserved no CUDA
	// graph memory, which the earlier fit of 34 bytes counted). Issue
	// 27508's H100 ran out of memory casting those logits to float32 (786
	// MiB) with 4.5 GiB already allocated beyond the weights. Releases
	// that sample top-k/top-p with FlashInfer's kernel, which sorts
	// nothing, hold far less (memory_logs_test.go: 0.3-0.5 GiB for 256
	// rows of Qwen2's 152,064 logits on vLLM 0.10.1.1).
	samplerSortBytes = 38
	// samplerV1Bytes is the same run's peak a row and vocabulary entry
	// under the V1 model runner of a release that masks top-k/top-p in
	// place with Triton (vllm/v1/sample/ops/topk_topp_triton.py, pull
	// 33538, merged 2026-02-17; v0.16.0's tag at 2d5be1dd still sorts,
	// v0.19.0's commit 2a69949b does not). Read 2026-12-07 in vLLM's own
	// source (upstream main of 2026-08-17, 017e9f44, and its v0.23.0
	// branch, 0fc695fc; the release the fleet runs, v0.29.0 of
	// 2026-09-10, was not to be had as a tag, and the repository's later
	// files read the same): vllm/v1/worker/gpu_model_runner.py
	// _dummy_sampler_run (main lines 6352-6418) computes BF16 logits for
	// max_num_seqs rows (2 bytes an entry, held throughout) and runs the
	// sampler twice with temperature 0.5, top-p 0.9 and top-k of the
	// vocabulary less one: once without generators and once with one
	// (pull 41375, 2026-05-01, "Also warm forward_native"). Each call
	// casts the logits to float32 (vllm/v1/sample/sampler.py line 97, 4
	// bytes), freed when it returns. On CUDA at compute capability 8.0
	// or more FlashInfer's sampler is on by default (vllm/envs.py lines
	// 860-864, else True: pull 40376, merged 2026-04-29;
	// vllm/v1/sample/ops/topk_topp_sampler.py lines 28-74 and 93-102),
	// so the first call takes forward_cuda -> flashinfer_sample (lines
	// 155-182, 475-512) -> FlashInfer 0.6.16.post3's
	// top_k_top_p_sampling_from_logits with a tensor top-k
	// (flashinfer/sampling.py lines 1547-1548: a masked copy and its
	// softmax, 4 + 4). The second falls back to forward_native (line 166,
	// generators) -> apply_top_k_top_p -> the Triton kernel in place on
	// the float32 logits (lines 360-361, 8 rows or more), then their
	// softmax (4) and the exponential noise it is divided by (4,
	// random_sample). Either call's peak: 2 + 4 + 4 + 4 = 14. The Triton
	// kernel's cached buffer (the GPU's SMs × the vocabulary in float32,
	// 0.1 GB for gpt-oss on an H100) does not grow with the rows and is
	// left out.
	samplerV1Bytes = 14
	// samplerV2Bytes is the same run's peak under the V2 model runner
	// (vllm/v1/worker/gpu/model_runner.py _dummy_sampler_run, main lines
	// 771-782), which vLLM runs by default for every dense model
	// (vllm/config/vllm.py _is_default_v2_model_runner_model: "return
	// is_default_v2_architecture or not model_config.is_moe", pull 44443,
	// merged 2026-07-02, after v0.24.0's commit ee0da84a of 2026-06-27):
	// its dummy batch carries no request's sampling parameters, so
	// vllm/v1/worker/gpu/sample/sampler.py neither copies the logits to
	// float32 (apply_sampling_params) nor applies top-k/top-p
	// (states.py get_top_k_top_p: none set) and draws with the Gumbel
	// kernel from the BF16 logits (2 bytes an entry; its per-block
	// maxima are a thousandth of that). None of the catalog's mixtures of
	// experts is on the V2 runner's list of architectures.
	samplerV2Bytes = 2
	// mxfp4WeightOnlyPad is what vLLM's MXFP4 experts hold on a GPU
	// without FP4 tensor cores (weight-only through its Triton or Marlin
	// kernels) relative to the checkpoint: gpt-oss-120b on one H100 is
	// loaded in 64.38 GiB (https://github.com/vllm-project/vllm/issues/33155,
	// 2026-01-27, v0.14.1, Triton backend) against the catalog's 65.0 GB,
	// +4.1 GB, 1.067 of its experts' bytes (as if their 2,880-wide
	// dimension were padded to 3,072). The decode step's reads keep the
	// checkpoint's bytes. Checked: 64.38 GiB again on one H100
	// (llm-d-benchmark, 2026-02-26) and 13.47 (H100) and 13.72 (A100
	// 80GB, vLLM 0.19.0) for gpt-oss-20b against the model's 13.56; not
	// at TP 4, where vLLM 0.10.1.1 held 17.22 GiB a GPU on A100s against
	// the model's 16.10 (memory_logs_test.go, unexplained).
	mxfp4WeightOnlyPad = 1.067
)

// vllmReserve is the memory vLLM's start-up profile takes from a GPU's
// budget whatever it runs: what is allocated outside torch, the
// collectives' buffers and the CUDA graphs.
func (d *deployment) vllmReserve() float64 {
	gb := vllmNonTorchGiB + vllmGraphGiB
	if d.tp > 1 || d.ep > 1 {
		gb += vllmCommGiB
	}
	return gb * gib
}

// vllmActivations is the torch peak of vLLM's dummy forward of its token
// budget (d.chunk tokens: the residual stream and its normed copy, two
// hidden-wide tensors a token, and the MLP's gate, up and activated
// outputs, three of its width on this GPU; for a mixture of experts the
// fused MoE's buffers of each token's k experts), at 2 bytes a value (an
// estimate of the forward's peak). The sampler's run follows it, so the
// profile's peak is the larger of the two (memory), not their sum: the
// torch peak vLLM logs is 4.76 GiB for Llama-3.1-8B and 4.84 for
// Llama-3.3-70B on one H100 with the same vocabulary, 5.56 for
// Qwen3-0.6B and 5.64 for Qwen3-32B (llm-d-benchmark's
// empirical-vllm-memory-results.md, memory_logs_test.go), where the
// forwards' activations differ by 0.8 and 1.3 GB.
func (d *deployment) vllmActivations() float64 {
	return d.chunk * actBytes * (2*d.a.hidden + 3*d.a.mlpWidth(d.tp))
}

// samplerRow is vLLM's start-up sampler run's memory for one row of
// max_num_seqs: the vocabulary at vllmSamplerBytes an entry.
func (d *deployment) samplerRow() float64 {
	return d.a.vocab * vllmSamplerBytes(d.c.EngineVersion, d.a.expertTotal > 0)
}

// vllmSamplerBytes is what vLLM's start-up sampler run takes a row and
// vocabulary entry in the release named (Config.EngineVersion; empty:
// the release the fleet runs) for a mixture of experts (moe) or a dense
// model: PyTorch's sort before 0.17.0 (samplerSortBytes), the V1 model
// runner's in-place Triton masking after it (samplerV1Bytes), and from
// 0.25.0 the V2 model runner's Gumbel draw for a dense model
// (samplerV2Bytes). A version that names no release (a benchmark's
// image date, "unstated") keeps the figure the logs were fitted on.
func vllmSamplerBytes(release string, moe bool) float64 {
	before := func(minor int) bool { return false } // the fleet's release is newer than any boundary
	if release != "" {
		major, v, ok := releaseOf(release)
		if !ok {
			return samplerSortBytes
		}
		before = func(minor int) bool { return major == 0 && v < minor }
	}
	switch {
	case before(17):
		return samplerSortBytes
	case before(25) || moe:
		return samplerV1Bytes
	}
	return samplerV2Bytes
}

// releaseOf is the major and minor release an engine version starts with
// ("0.10.1.1", "0.12 (main, 2025-12)"); ok is false for one that names no
// release ("main", "NIM 1.8.0").
func releaseOf(version string) (major, minor int, ok bool) {
	m := releasePrefix.FindStringSubmatch(version)
	if m == nil {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, true
}

var releasePrefix = regexp.MustCompile(`^(\d+)\.(\d+)\b`)

// seqCap is the engine's cap on running sequences: the deployment's
// own (Config.MaxNumSeqs) or the engine's default.
func (d *deployment) seqCap() int {
	n := maxNumSeqs(d.engine, d.g)
	if d.c.MaxNumSeqs > 0 {
		n = d.c.MaxNumSeqs
	}
	if !d.prefillFirst() && d.chunk >= 1 {
		// Under chunked prefill every running sequence's decode token
		// counts against the step's token budget: no more run at once.
		n = min(n, int(d.chunk))
	}
	return n
}

// RoomGB is the memory (GB) one GPU of the configuration has for its
// sequences once the weights and the engine's reserve are placed, and
// what each sequence takes of it beside its KV cache (row: under vLLM
// sized to its cache, the sampler's row): the memory model's own layout,
// which the sizer's fit check reads. room is negative where the weights
// leave none.
func RoomGB(c Config) (room, row float64, why string) {
	if why := resolve(&c); why != "" {
		return 0, 0, why
	}
	d := deployment{c: c, g: c.GPU, engine: c.Engine, prec: c.Precision, kvb: 2, tp: c.TP}
	if c.KVPrecision == "fp8" {
		d.kvb = 1
	}
	d.chunk = float64(stepBudget(c))
	var r Result
	d.layout(&r)
	d.memory(&r)
	if d.engine == "vllm" && c.MaxNumSeqs <= 0 {
		row = d.samplerRow()
	}
	return d.room / 1e9, row / 1e9, ""
}

// ContextGB is the KV cache (GB, over the configuration's TP GPUs) that
// vLLM's start-up check asks for one sequence of ctx tokens: the sum of
// its layers' max_memory_usage_bytes (vllm/v1/core/kv_cache_utils.py,
// check_enough_kv_cache_memory). A full-attention layer holds every
// token; a windowed layer (sliding window or chunked local attention)
// at most its window less one plus a step's token budget, which chunked
// prefill writes before the window slides past it
// (vllm/v1/kv_cache_interface.py, SlidingWindowSpec). Read 2026-12-06.
func ContextGB(c Config, ctx int) (float64, string) {
	c.InputTokens, c.OutputTokens = max(ctx-1, 1), 1
	if why := resolve(&c); why != "" {
		return 0, why
	}
	kvb := 2.0
	if c.KVPrecision == "fp8" {
		kvb = 1
	}
	chunk := float64(stepBudget(c))
	a := newShape(c.Model, c.Precision)
	if a.windowLayers > 0 {
		a.window += chunk - 1
	}
	return a.kvBytes(max(ctx, 1), c.TP, kvb) * float64(c.TP) / 1e9, ""
}

// batch is the decode batch of one group at the configuration's
// concurrency; at saturation the KV cache's or the engine's limit, or a
// smaller batch where that serves more (saturated).
func (d *deployment) batch(r *Result) int {
	limit := min(d.kvSeqs, d.seqCap())
	var b int
	if conc := d.c.Concurrency; conc > 0 {
		per := (conc + d.groups - 1) / d.groups
		if per > limit {
			r.Notes = append(r.Notes, fmt.Sprintf("%d requests in flight exceed the %d sequences a group runs at once (KV cache or the engine's limit): the rest wait for a slot, in the TTFT", conc, limit*d.groups))
		}
		b = min(per, limit)
	} else {
		b = d.saturated(limit)
	}
	// Fewer requests in flight than the groups' batches leave the rest
	// idle: 8 requests over 5 replicas run 8, not 5 × 2.
	r.RunningSequences = int(d.inflight(float64(b)))
	return b
}

// saturated is the batch a group runs at saturation: the limit, unless
// a smaller batch completes more requests a second. Past the batch where
// a step is bound by compute, more sequences decoding take more of the
// step's token budget from the prompts waiting, each prefill paying more
// eager steps, and the rate falls; a deployment sized for throughput caps
// its batch there (max_batch_size, --max-num-seqs), so more memory never
// serves less.
func (d *deployment) saturated(limit int) int {
	rate := func(b int) float64 { return float64(b) / d.at(b).life }
	b, best := limit, rate(limit)
	for b > 1 {
		nb := b * 4 / 5
		r := rate(nb)
		if r <= best {
			break
		}
		b, best = nb, r
	}
	return b
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

// trtKVBudget is the KV cache TensorRT-LLM allocates on a GPU of memBytes
// holding weights bytes: its fraction (kv_cache_free_gpu_mem_fraction) of
// the memory free once the weights and its runtime are resident.
func trtKVBudget(memBytes, weights float64, tp int, frac float64) float64 {
	return frac * (memBytes - weights - trtRuntimeGB(tp)*1e9)
}

// trtRuntimeGB is what TensorRT-LLM holds on a GPU besides weights and KV
// cache when it sizes the cache: the CUDA context, cuBLAS and attention
// workspaces, the activation buffers of its token budget, decoder state
// and, at TP above 1, the all-reduce buffers. Measured, not fitted: the
// largest batches TensorRT-LLM admits for Llama-3.1-8B and Qwen3-32B-FP8
// at TP 1, 2 and 4, 2K-4K tokens in and out, on H100 and GB300
// (NVIDIA's aiconfigurator, tests/integration/test_trtllm_kv_cache_capacity.py,
// "bench_max_bs") leave 2.5-3.4 GB beside the weights of the CUDA total
// (an H100's 79.22 GiB) at TP 1, 3.5-4.8 at TP 2 and 4.5-5.4 at TP 4, on
// both GPUs alike (TestTRTLLMKVCapacity); taken of the nominal 80 GiB, as
// before 2026-12-06, the same batches left 4, 5 and 6 GB.
func trtRuntimeGB(tp int) float64 {
	switch {
	case tp <= 1:
		return 3
	case tp == 2:
		return 4
	}
	return 5
}

// maxNumSeqs is the engine's default cap on running sequences: vLLM's
// --max-num-seqs (1024 on GPUs of 70 GiB and more other than A100, 256
// otherwise), TensorRT-LLM's and SGLang's large defaults.
func maxNumSeqs(engine string, g *modelcatalog.GPU) int {
	switch engine {
	case "vllm":
		if g.UsableGiB() >= 70 && g.Generation != ampere {
			return 1024
		}
		return 256
	case "sglang":
		return 1024
	default:
		return 2048
	}
}

// graphTokens is the engine's default for the most tokens a step runs
// under piecewise CUDA graphs: vLLM's V1 engine captures everything but
// attention for steps of up to min(2 × max_num_seqs, 512) tokens (and no
// more than its token budget: VllmConfig._set_cudagraph_sizes), 1,024 for
// gpt-oss (GptOssForCausalLMConfig raises it "for performance" unless the
// deployment sets its own); SGLang and TensorRT-LLM's PyTorch backend
// capture decode batches only by default.
func graphTokens(engine string, g *modelcatalog.GPU, m *modelcatalog.OpenModel, chunk float64) int {
	if engine != "vllm" {
		return 0
	}
	n := min(2*maxNumSeqs(engine, g), 512)
	if isGptOss(m) {
		n = 1024
	}
	return int(min(float64(n), chunk))
}

// isGptOss says the model is OpenAI's gpt-oss architecture.
func isGptOss(m *modelcatalog.OpenModel) bool {
	return strings.HasPrefix(m.ID, "gpt-oss") || strings.HasPrefix(strings.ToLower(m.HFRepo), "openai/gpt-oss")
}

// linkOf is the effective one-way bandwidth (bytes/s) of a collective.
func linkOf(g *modelcatalog.GPU) float64 {
	bw := g.InterconnectGBs * 1e9
	if bw <= 0 {
		bw = 25e9
	}
	return bw * linkEfficiency
}

// vllmSmallBudget is vLLM's default token budget a step on an A100 and on
// GPUs under 70 GB (vllm/engine/arg_utils.py; 8,192 on the others).
const vllmSmallBudget = 2048

// stepBudget is the token budget a step c runs at (Config.MaxNumTokens,
// else the engine's default on the GPU).
func stepBudget(c Config) int {
	if c.MaxNumTokens > 0 {
		return c.MaxNumTokens
	}
	return int(chunkTokens(c.Engine, c.GPU))
}

// chunkTokens is the engine's default token budget a step, which chunked
// prefill fills: vLLM's --max-num-batched-tokens for its API server (8192
// on GPUs of 70 GiB and more other than A100, 2048 otherwise), SGLang's
// --chunked-prefill-size (by GPU memory: 2048 under 35 GB, 4096 under 60,
// 8192 under 160, 16384 above), TensorRT-LLM's max_num_tokens (8192).
func chunkTokens(engine string, g *modelcatalog.GPU) float64 {
	switch engine {
	case "vllm":
		if g.UsableGiB() >= 70 && g.Generation != ampere {
			return 8192
		}
		return vllmSmallBudget
	case "sglang":
		switch {
		case g.UsableGiB() < 35:
			return 2048
		case g.UsableGiB() < 60:
			return 4096
		case g.UsableGiB() < 160:
			return 8192
		}
		return 16384
	default:
		return 8192
	}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
