package perf

import (
	"math"
	"slices"
	"sort"
)

// CalibratedOn is the day the calibration measurements were read.
const CalibratedOn = "2026-12-05"

// ampere is the oldest generation the model knows.
const ampere = "ampere"

// Generations are the GPU generations, oldest first; Interconnects the
// links between an instance's GPUs.
var (
	Generations   = []string{ampere, "ada", "hopper", "blackwell"}
	Interconnects = []string{"nvlink", "pcie"}
)

// network is the AllReduceUs key of a collective that crosses the network
// between instances.
const network = "network"

// Params are the fitted parameters. Memory and compute efficiency are one
// value every GPU generation shares, times a per-generation multiplier
// held near 1 (a regularised fit: a generation deviates only as far as its
// data demand, and never so far that a part with more bandwidth and
// compute predicts slower), times a per-engine scale (vLLM 1). Fixed
// costs are per engine (a scheduler step, a kernel) and per interconnect
// (a collective's latency), shared by every GPU generation.
type Params struct {
	Memory     float64            `json:"memory_efficiency"`
	Compute    float64            `json:"compute_efficiency"`
	MemoryGen  map[string]float64 `json:"memory_generation"`
	ComputeGen map[string]float64 `json:"compute_generation"`
	// EngineScale multiplies both efficiencies of an engine.
	EngineScale map[string]float64 `json:"engine_scale"`
	StepMs      map[string]float64 `json:"step_overhead_ms"`
	KernelUs    map[string]float64 `json:"kernel_us"`
	// PrefillKernelUs is what a kernel costs more in a step that carries
	// a prefill chunk: such a step runs eagerly (its token count is past
	// the CUDA graphs an engine captures), so every kernel pays its CPU
	// launch, per engine.
	PrefillKernelUs map[string]float64 `json:"prefill_kernel_us"`
	// PrefillMoEUs is what a MoE layer costs more in such a step, per
	// engine: routing a prompt's tokens to their experts sorts and counts
	// them and sizes the grouped GEMMs on the host (a synchronisation a
	// layer), which decode's captured graphs avoid.
	PrefillMoEUs map[string]float64 `json:"prefill_moe_us"`
	// RequestMs is the time a request spends in the engine's front end
	// before its prefill (HTTP, chat template, tokenization, scheduling):
	// part of every TTFT.
	RequestMs map[string]float64 `json:"request_overhead_ms"`
	// FrontEndMs is the front end's serial work a request (HTTP,
	// tokenization, detokenization, its share of the scheduler), per
	// engine: a deployment behind one API server completes at most
	// 1000 / FrontEndMs requests a second, whatever its GPUs.
	FrontEndMs map[string]float64 `json:"front_end_ms"`
	// AllReduceUs is the latency of one collective a layer, by
	// interconnect.
	AllReduceUs map[string]float64 `json:"all_reduce_us"`
	// ComputePrec is the share of its own tensor-core peak an FP8 or FP4
	// GEMM reaches relative to a BF16 one (scaling and narrower tiles),
	// the same on every generation that has those tensor cores.
	ComputePrec map[string]float64 `json:"compute_precision"`
	// MoE is the rate of the routed experts' reads under expert
	// parallelism across data-parallel attention groups relative to a
	// dense read, per engine: their time is divided by it (the expert
	// GEMMs wait on every group's dispatch, and the GPUs' loads differ).
	// Without expert parallelism each GPU streams a slice of every expert
	// touched like a dense weight, at the memory efficiency.
	MoE map[string]float64 `json:"moe_efficiency"`
	// MoECompute is the same rate for the routed experts' FLOPs where a
	// step's tokens fill their GEMMs (large batches and prefill), per
	// engine: it divides their compute time, MoE their reads.
	MoECompute map[string]float64 `json:"moe_compute_efficiency"`
	// MoEComputeEP further divides the routed experts' FLOPs under expert
	// parallelism across data-parallel groups, per engine.
	MoEComputeEP map[string]float64 `json:"moe_compute_ep_efficiency"`
	// MoEWidth is the width (columns a GPU) at which a routed expert's
	// GEMM reaches half its rate: an expert's GEMM of w columns a GPU runs
	// at w / (w + MoEWidth) of MoECompute's rate, so thin expert slices
	// (DeepSeek's 2048 columns split over 8 GPUs) fill fewer of the GPU's
	// multiprocessors than Mixtral's 14336.
	MoEWidth float64 `json:"moe_width"`
	// Int4MoEUs is what a mixture-of-experts layer of INT4 weights
	// (AWQ, GPTQ: W4A16) costs a step beyond its bytes and FLOPs: the
	// fused Marlin MoE kernels' floor (sorting the tokens' expert blocks
	// and running each expert's thin dequantizing GEMMs on a few of the
	// GPU's multiprocessors), shared by every engine and GPU.
	Int4MoEUs float64 `json:"int4_moe_us"`
	// AllReduceHalfMB is the message (MB a rank) at which an all-reduce
	// over NVLink reaches half its bandwidth: NCCL and the engines' custom
	// all-reduces move a message of m bytes at m / (m + half) of the
	// link's rate (their low-latency protocols trade bandwidth for
	// latency, and a ring's steps each pay a hop), so a step's all-reduce
	// of m costs the link time of m + half. The more ranks a ring, the
	// more of its hops (2(TP−1)/TP of it).
	AllReduceHalfMB float64 `json:"all_reduce_half_mb"`
	// SequenceUs is a step's cost for each sequence it decodes beyond
	// its bytes and FLOPs: the scheduler's and the sampler's bookkeeping
	// a running request (its blocks, its logits, its token's output),
	// which no tensor-parallel rank shares.
	SequenceUs float64 `json:"sequence_us"`
	// RoutingExp is how far a batch's tokens route alike: B tokens touch
	// the distinct experts that B^RoutingExp tokens routed independently
	// would (1: every token picks its k experts at random; below 1, the
	// tokens of a batch share experts more than chance, as a request's
	// neighbouring tokens and one domain's requests do). One token is
	// one token either way, and a large batch still reaches every expert.
	RoutingExp float64 `json:"routing_exp"`
}

// Prior is where the fit starts and what it is pulled toward where the
// data say little: decode kernels reach 60-80 % of memory bandwidth,
// prefill 40-60 % of the tensor-core peak; a scheduler step costs about a
// millisecond, a kernel's fixed cost a few microseconds, an NVLink
// all-reduce of a small message about 15 µs (NCCL's and the engines'
// custom all-reduce latencies), over PCIe about 30 µs, across the network
// between two instances about 30 µs (NCCL's own latency model,
// src/graph/tuning.cc: 27.5 µs for a tree and 32.7 µs for a ring of 16
// GPUs on two nodes with its low-latency protocol, 10.2 µs for a ring of
// 8 on NVLink, which the fitted NVLink latency matches); expert
// parallelism's reads are taken at the dense rate until measured.
var Prior = Params{
	Memory: 0.75, Compute: 0.55,
	MemoryGen:   map[string]float64{ampere: 1, "ada": 1, "hopper": 1, "blackwell": 1},
	ComputeGen:  map[string]float64{ampere: 1, "ada": 1, "hopper": 1, "blackwell": 1},
	EngineScale: map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
	StepMs:      map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
	KernelUs:    map[string]float64{"vllm": 4, "sglang": 4, "tensorrt-llm": 4},
	// An eager kernel launch from Python costs about 5-20 µs of CPU.
	PrefillKernelUs: map[string]float64{"vllm": 10, "sglang": 10, "tensorrt-llm": 10},
	// A host synchronisation drains the GPU's queue: some 100 µs.
	PrefillMoEUs: map[string]float64{"vllm": 100, "sglang": 100, "tensorrt-llm": 100},
	RequestMs:    map[string]float64{"vllm": 10, "sglang": 10, "tensorrt-llm": 10},
	FrontEndMs:   map[string]float64{"vllm": 5, "sglang": 5, "tensorrt-llm": 5},
	AllReduceUs:  map[string]float64{"nvlink": 15, "pcie": 30, network: 30},
	ComputePrec:  map[string]float64{"fp8": 0.85, "fp4": 0.7},
	MoE:          map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
	MoECompute:   map[string]float64{"vllm": 0.7, "sglang": 0.7, "tensorrt-llm": 0.7},
	MoEComputeEP: map[string]float64{"vllm": 1, "sglang": 1, "tensorrt-llm": 1},
	MoEWidth:     256,
	// A grouped GEMM's floor of a few tens of µs a layer.
	Int4MoEUs: 30,
	// An assumption, left to the fit: the collectives turn from latency-
	// to bandwidth-bound near a megabyte a rank.
	AllReduceHalfMB: 1,
	// A few µs of host work a running request a step.
	SequenceUs: 5,
	// Tokens routed independently until measured.
	RoutingExp: 1,
}

// Bounds keep every factor physical: an effective memory efficiency
// between 0.5 and 0.92 and a compute efficiency between 0.2 and 0.8
// (whatever the generation, engine and precision), a generation within
// −20 % and +25 % of the shared value (so that B200's 8 TB/s never reads
// slower than H200's 4.8), an engine within ±20 %.
var Bounds = map[string][2]float64{
	"memory": {0.5, 0.92}, "compute": {0.2, 0.8},
	"generation": {0.8, 1.25}, "scale": {0.8, 1.2},
	"step": {0.2, 8}, "kernel": {1, 10}, "prefill-kernel": {1, 60}, "prefill-moe": {10, 3000}, "request": {1, 100}, "front-end": {0.5, 30},
	"all-reduce.nvlink": {5, 40}, "all-reduce.pcie": {10, 80},
	// Between instances: from NCCL's low-latency tree of 16 GPUs on two
	// nodes (27.5 µs) less a margin, to its Simple-protocol ring (122.8 µs:
	// 8.4 + 28 × 3.4 + 2 × 9.6, tuning.cc's base and per-hop latencies).
	"all-reduce.network": {20, 125},
	"moe":                {0.3, 1}, "moe-compute": {0.1, 1}, "moe-compute-ep": {0.3, 1}, "moe-width": {16, 4096}, "precision": {0.5, 1}, "int4-moe": {1, 1000},
	"all-reduce-half": {0, 16}, "sequence": {0, 100}, "routing": {0.5, 1},
}

// factors are the effective factors for an engine on a generation over an
// interconnect; an unknown generation takes the shared efficiencies.
func (p Params) factors(engine, gen, link, prec string) Factors {
	mg, ok := p.MemoryGen[gen]
	if !ok {
		mg = 1
	}
	cg, ok := p.ComputeGen[gen]
	if !ok {
		cg = 1
	}
	if link != "nvlink" {
		link = "pcie"
	}
	scale := orMean(p.EngineScale, engine)
	if m, ok := p.ComputePrec[prec]; ok {
		cg *= m
	}
	return Factors{
		Engine: engine, Generation: gen,
		MemoryEfficiency:  round3(clamp(p.Memory*mg*scale, Bounds["memory"])),
		ComputeEfficiency: round3(clamp(p.Compute*cg*scale, Bounds["compute"])),
		StepOverheadMs:    round3(orMean(p.StepMs, engine)),
		KernelUs:          round3(orMean(p.KernelUs, engine)),
		PrefillKernelUs:   round3(orMean(p.PrefillKernelUs, engine)),
		PrefillMoEUs:      round3(orMean(p.PrefillMoEUs, engine)),
		AllReduceUs:       round3(orMean(p.AllReduceUs, link)),
		NetworkUs:         round3(p.networkUs()),
		MoEEfficiency:     round3(orMean(p.MoE, engine)),
		MoECompute:        round3(orMean(p.MoECompute, engine)),
		MoEComputeEP:      round3(orMean(p.MoEComputeEP, engine)),
		MoEWidth:          round3(p.MoEWidth),
		Int4MoEUs:         round3(p.Int4MoEUs),
		AllReduceHalfMB:   round3(p.AllReduceHalfMB),
		SequenceUs:        round3(p.SequenceUs),
		RoutingExp:        round3(p.routingExp()),
		RequestOverheadMs: round3(orMean(p.RequestMs, engine)),
		FrontEndMs:        round3(orMean(p.FrontEndMs, engine)),
	}
}

// routingExp is the fitted RoutingExp, or 1 (independent tokens) where a
// Params has none.
func (p Params) routingExp() float64 {
	if p.RoutingExp > 0 {
		return p.RoutingExp
	}
	return 1
}

// networkUs is the fitted latency of a collective between instances, or
// the prior's where a Params has none.
func (p Params) networkUs() float64 {
	if v, ok := p.AllReduceUs[network]; ok {
		return v
	}
	return Prior.AllReduceUs[network]
}

// orMean is m[key], or the mean of m when it has no key.
func orMean(m map[string]float64, key string) float64 {
	if v, ok := m[key]; ok {
		return v
	}
	return mean(m)
}

// knob is one fitted parameter: a map entry of a Params (or a scalar
// field), its bounds and the weight of its pull toward the prior.
type knob struct {
	name   string
	table  func(Params) map[string]float64
	key    string
	lo, hi float64
	// scalar, when set, is a field outside the maps.
	scalar func(*Params) *float64
	// prior weighs the pull toward the prior (wPrior when 0).
	prior float64
}

func (k knob) get(p Params) float64 {
	if k.scalar != nil {
		return *k.scalar(&p)
	}
	return k.table(p)[k.key]
}

// set writes the value; a scalar knob needs a pointer to the Params.
func (k knob) set(p *Params, v float64) {
	if k.scalar != nil {
		*k.scalar(p) = v
		return
	}
	k.table(*p)[k.key] = v
}

// knobs lists the parameters in a fixed order; vLLM's scale stays 1.
func knobs() []knob {
	b := func(name string) (float64, float64) { return Bounds[name][0], Bounds[name][1] }
	ks := []knob{
		{name: "memory", lo: Bounds["memory"][0], hi: Bounds["memory"][1], scalar: func(p *Params) *float64 { return &p.Memory }},
		{name: "compute", lo: Bounds["compute"][0], hi: Bounds["compute"][1], scalar: func(p *Params) *float64 { return &p.Compute }},
		{name: "moe-width", lo: Bounds["moe-width"][0], hi: Bounds["moe-width"][1], scalar: func(p *Params) *float64 { return &p.MoEWidth }},
		{name: "int4-moe", lo: Bounds["int4-moe"][0], hi: Bounds["int4-moe"][1], scalar: func(p *Params) *float64 { return &p.Int4MoEUs }},
		{name: "all-reduce-half", lo: Bounds["all-reduce-half"][0], hi: Bounds["all-reduce-half"][1], scalar: func(p *Params) *float64 { return &p.AllReduceHalfMB }},
		{name: "sequence", lo: Bounds["sequence"][0], hi: Bounds["sequence"][1], scalar: func(p *Params) *float64 { return &p.SequenceUs }},
		{name: "routing", lo: Bounds["routing"][0], hi: Bounds["routing"][1], scalar: func(p *Params) *float64 { return &p.RoutingExp }},
	}
	table := func(prefix, bound string, keys []string, m func(Params) map[string]float64, prior float64) {
		lo, hi := b(bound)
		for _, k := range keys {
			ks = append(ks, knob{name: prefix + "." + k, table: m, key: k, lo: lo, hi: hi, prior: prior})
		}
	}
	table("memory", "generation", Generations, func(p Params) map[string]float64 { return p.MemoryGen }, wGeneration)
	table("compute", "generation", Generations, func(p Params) map[string]float64 { return p.ComputeGen }, wGeneration)
	table("scale", "scale", Engines[1:], func(p Params) map[string]float64 { return p.EngineScale }, 0)
	table("precision", "precision", []string{"fp8", "fp4"}, func(p Params) map[string]float64 { return p.ComputePrec }, 0)
	table("moe", "moe", Engines, func(p Params) map[string]float64 { return p.MoE }, 0)
	table("moe-compute", "moe-compute", Engines, func(p Params) map[string]float64 { return p.MoECompute }, 0)
	table("moe-compute-ep", "moe-compute-ep", Engines, func(p Params) map[string]float64 { return p.MoEComputeEP }, 0)
	table("step", "step", Engines, func(p Params) map[string]float64 { return p.StepMs }, 0)
	table("kernel", "kernel", Engines, func(p Params) map[string]float64 { return p.KernelUs }, 0)
	table("prefill-kernel", "prefill-kernel", Engines, func(p Params) map[string]float64 { return p.PrefillKernelUs }, wEngines)
	table("prefill-moe", "prefill-moe", Engines, func(p Params) map[string]float64 { return p.PrefillMoEUs }, 0)
	table("request", "request", Engines, func(p Params) map[string]float64 { return p.RequestMs }, wEngines)
	table("front-end", "front-end", Engines, func(p Params) map[string]float64 { return p.FrontEndMs }, 0)
	for _, l := range append(slices.Clone(Interconnects), network) {
		lo, hi := b("all-reduce." + l)
		ks = append(ks, knob{name: "all-reduce." + l, table: func(p Params) map[string]float64 { return p.AllReduceUs }, key: l, lo: lo, hi: hi})
	}
	return ks
}

func (p Params) clone() Params {
	cp := func(m map[string]float64) map[string]float64 {
		out := make(map[string]float64, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return Params{Memory: p.Memory, Compute: p.Compute, MemoryGen: cp(p.MemoryGen), ComputeGen: cp(p.ComputeGen),
		EngineScale: cp(p.EngineScale), StepMs: cp(p.StepMs), KernelUs: cp(p.KernelUs), PrefillKernelUs: cp(p.PrefillKernelUs), PrefillMoEUs: cp(p.PrefillMoEUs), RequestMs: cp(p.RequestMs), FrontEndMs: cp(p.FrontEndMs),
		AllReduceUs: cp(p.AllReduceUs), ComputePrec: cp(p.ComputePrec), MoE: cp(p.MoE), MoECompute: cp(p.MoECompute), MoEComputeEP: cp(p.MoEComputeEP), MoEWidth: p.MoEWidth, Int4MoEUs: p.Int4MoEUs, AllReduceHalfMB: p.AllReduceHalfMB, SequenceUs: p.SequenceUs, RoutingExp: p.RoutingExp}
}

func mean(m map[string]float64) float64 {
	if len(m) == 0 {
		return 0
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := 0.0
	for _, k := range keys {
		s += m[k]
	}
	return s / float64(len(m))
}

func clamp(x float64, b [2]float64) float64 { return min(max(x, b[0]), b[1]) }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
