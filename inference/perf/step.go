package perf

import "math"

// work is what one step of a group carries: the decode tokens of running
// sequences at a mean context, and a prefill chunk of tokens after a
// prefix already in the KV cache. graphed leaves out the eager launch
// cost a step with a prefill chunk pays (prefill charges it apart).
type work struct {
	decode, ctx, prefill, prefix float64
	graphed                      bool
}

// stepCost is one step's time (s) and its parts: the memory and compute
// times it blends, and the fixed costs it adds.
type stepCost struct{ total, mem, cmp, fixed float64 }

// Kernels a layer runs in a step, each paying a fixed launch-and-tail cost
// beside its work (CUDA graphs remove the CPU launch, not the GPU's).
const (
	// kernelsDense: two norms, QKV, rotary, attention, output projection,
	// and the MLP (kernelsMLP).
	kernelsDense = 9
	// kernelsMLP: a gated MLP's gate-up, activation and down. A MoE layer
	// runs one only for its shared expert (DeepSeek, GLM, Kimi, Llama 4):
	// Qwen3's, Mixtral's and gpt-oss's run their routed experts alone.
	kernelsMLP = 3
	// kernelsMLA: latent attention's down and up projections, the
	// absorbed key and value products, their norms.
	kernelsMLA = 6
	// kernelsMoE: router, top-k, permute, two grouped GEMMs, activation,
	// unpermute and combine.
	kernelsMoE = 8
	// kernelsPiecewise: the kernels a layer launches outside piecewise
	// CUDA graphs (the KV-cache write and the attention).
	kernelsPiecewise = 2
)

// step is the time of one step of a group. Memory: the dense weights
// once, the routed experts the step's tokens touch (for expert
// parallelism, every group's tokens), every decoding sequence's KV cache
// and the prefill's prefix. Compute: 2 FLOPs a parameter a token and the
// attention. Routed-expert work runs at the engine's MoE efficiencies:
// one for its reads under expert parallelism across data-parallel groups
// (without it a GPU streams its slice of each expert touched like a dense
// weight), one for its FLOPs (grouped GEMMs pad each expert's few rows to
// a whole tile and reach less of the peak than one dense GEMM). It is
// time, not bytes: the experts touched are read once. The
// two blend as a 2-norm (neither roofline is reached where they meet),
// then the fixed costs add.
func (d *deployment) step(w work) stepCost {
	a := d.a
	tp, ep := float64(d.tp), float64(d.ep)
	tokens := w.decode + w.prefill
	routed := tokens * d.inflight(1)
	moe := d.f.MoEEfficiency
	if d.ep <= d.tp {
		moe = 1 // a slice of every expert, streamed as a dense weight
	}
	kv := w.decode*(a.kvBytes(int(w.ctx), d.tp, d.kvb)+d.chunkedDecodeBytes(w.ctx)) + a.kvBytes(int(w.prefix), d.tp, d.kvb)
	tMem := (a.denseReadBytes/tp+d.exllamaBytes(tokens)+kv)/d.bw + a.expertBytes/ep*a.touched(routed, d.f.RoutingExp)/d.bw/moe
	expert := 2 * routed * a.expertActive / ep / d.flops / d.f.MoECompute * d.imbalance(routed) / d.width()
	if d.ep > d.tp {
		expert /= d.f.MoEComputeEP
	}
	attn := a.prefillAttnFlops(w.prefix+w.prefill, d.tp) - a.prefillAttnFlops(w.prefix, d.tp)
	tCmp := 2*tokens*a.denseActive/tp/d.flops + expert + d.attention(attn) + w.decode*a.attnFlops(w.ctx, d.tp)/d.attnFlops
	fixed := d.fixed(tokens, w.prefill > 0 && !w.graphed) + w.decode*d.f.SequenceUs/1e6
	core := math.Sqrt(tMem*tMem + tCmp*tCmp)
	return stepCost{total: core + fixed, mem: tMem, cmp: tCmp, fixed: fixed}
}

// chunkedDecodeBytes is the time, in bytes read, that TensorRT-LLM's
// decode on Hopper spends in chunked-attention layers (Llama 4) beyond
// their chunk, for a sequence at context ctx: its fast generation kernel
// (XQA) does not support chunked attention, so past one chunk it runs
// MMHA, "slower" (NVIDIA/TensorRT-LLM PR #6306, 2025-07-23), and its
// chunked attention "can only be applied to context requests"
// (TensorRT-LLM 1.0 docs, features/long-sequence). Charged as reading
// those layers' whole context, an estimate: it takes TensorRT-LLM's
// Llama 4 rows on H100 and H200 beyond 8,192 tokens from 1.39–3.13× the
// measured throughput to 1.18–2.72× (Scout 20000/2000 on 4 × H200 and
// Maverick on 8 × H200, 1.0; Maverick 20000/2000 on 8 × H100 and
// 8 × H200, 0.20; Maverick 1024/32768 on 8 × H200, 1.1), and moves no
// other row; the same rows on B200 are within 1.21× without it.
func (d *deployment) chunkedDecodeBytes(ctx float64) float64 {
	a := d.a
	if !a.chunked || d.engine != "tensorrt-llm" || d.g.Generation != "hopper" || ctx <= a.window || a.lora > 0 {
		return 0
	}
	return 2 * math.Ceil(a.kvHeads/float64(d.tp)) * a.hd * d.kvb * a.windowLayers * (ctx - a.window)
}

// exllamaBytes is what vLLM's GPTQ (exllama) kernel reads and writes a
// step beyond the INT4 weights' own bytes (Config.Int4Kernel): its
// quantized GEMM takes the rows in blocks of 8, reading the weights again
// for each block, up to 50 rows; past them it dequantizes the whole matrix
// to FP16 and hands it to cuBLAS, writing and reading 2 bytes a parameter
// more (vLLM csrc/quantization/gptq/q_gemm.cu: BLOCK_M_SIZE_MAX 8,
// MAX_Q_GEMM_ROWS 50, reconstruct then cublasHgemm). A batch of 100
// ShareGPT answers then runs INT4 slower than BF16, as AccelMark's
// measure (0.64 of BF16's rate), where Marlin's would be faster.
func (d *deployment) exllamaBytes(tokens float64) float64 {
	if d.c.Int4Kernel != "exllama" || d.prec != "int4" {
		return 0
	}
	q := d.a.quantParams / float64(d.tp)
	if tokens > 50 {
		return 2 * 2 * q
	}
	return (math.Ceil(tokens/8) - 1) * q * bytesPerParam("int4")
}

// attention is the time of a prefill's attention of flops: its matrix
// products at the attention rate, or its softmax's exponentials, one a
// score, at the GPU's rate of them where that is slower. Attention
// kernels overlap the two (FlashAttention-3's ping-pong scheduling), so
// the slower sets the pace. On H100 the tensor cores do 256 BF16 FLOPs in
// the time of one exponential, so a score of head dimension 64 (4 × 64
// FLOPs) is bound by its exponential, and with an FP8 KV cache (twice the
// tensor rate) one of 128 too; on B200, whose tensor cores doubled and
// exponentials did not, attention in FP8 runs at 0.57 of its tensor rate
// at head dimension 128 and 0.28 at 64 (FlashAttention-4's premise).
// A decode step's attention reads the cache and is left at its FLOPs.
func (d *deployment) attention(flops float64) float64 {
	t := flops / d.attnFlops
	if d.exps > 0 {
		t = math.Max(t, flops/d.a.prefillScoreFlops()/d.exps)
	}
	return t
}

// expsPerSecond is a GPU's rate of exponentials (its special-function
// units' MUFU.EX2, 16 a clock a multiprocessor): H100 and H200 3.9
// trillion a second (FlashAttention-3, Shah et al. 2024: "989 TFLOPS of
// FP16 matmul but only 3.9 TFLOPS of special functions"), B200 5 and
// B300 10.7 (NVIDIA, "Inside NVIDIA Blackwell Ultra", 2025: Blackwell
// Ultra doubles the SFU throughput for attention's exponentials, 10.7
// TeraExponentials/s against Blackwell's 5). A GPU not listed is taken as
// bound by its tensor cores (A100's 312 TFLOPS do 128 FLOPs an
// exponential, Ada's fewer: far from it).
var expsPerSecond = map[string]float64{"h100": 3.9e12, "h200": 3.9e12, "b200": 5e12, "b300": 10.7e12}

// fixed is a step's cost beyond its work: the scheduler's step overhead,
// every kernel's fixed cost (more in an eager step, one carrying a
// prefill chunk: its CPU launch), and the collectives — tensor parallelism's
// two all-reduces a layer (ring: 2(TP−1)/TP of tokens × hidden × 2 bytes
// a rank), expert parallelism's dispatch and combine a MoE layer — each a
// latency plus its bytes over the interconnect.
func (d *deployment) fixed(tokens float64, eager bool) float64 {
	a := d.a
	t := d.f.StepOverheadMs/1e3 + d.kernels()*d.f.KernelUs/1e6
	if d.prec == "int4" && a.expertTotal > 0 {
		// Marlin's fused W4A16 MoE kernels have a floor a layer beyond
		// their bytes and FLOPs (Params.Int4MoEUs).
		t += a.moeLayers * d.f.Int4MoEUs / 1e6
	}
	if eager {
		t += d.eager(tokens)
	}
	if d.tp > 1 {
		msg := tokens * a.hidden * actBytes
		lat, link := d.lat, d.link
		switch {
		case d.tp > d.perInstance:
			// A ring over instances crosses the network at every
			// instance's boundary, one ring a network adapter: a GPU's
			// share of the traffic runs at the instance's network
			// bandwidth where that is below the NVLink's.
			lat, link = d.netLat, min(d.link, d.net)
		case d.g.Interconnect == "nvlink":
			// Below its half-bandwidth message an all-reduce runs at a
			// fraction of the link's rate (Params.AllReduceHalfMB).
			msg += d.f.AllReduceHalfMB * 1e6
		}
		t += 2 * a.layers * (lat + 2*float64(d.tp-1)/float64(d.tp)*msg/link)
	}
	if d.ep > d.tp && a.expertTotal > 0 {
		msg := tokens / float64(d.tp) * a.k * a.hidden * actBytes * float64(d.ep-1) / float64(d.ep)
		lat, dt := d.lat, msg/d.link
		if d.instances > 1 {
			// The tokens bound for experts on other instances leave
			// through the GPU's share of its instance's network.
			per, ep := float64(d.perInstance), float64(d.ep)
			remote := (ep - per) / (ep - 1)
			lat, dt = d.netLat, max(msg*(1-remote)/d.link, msg*remote/(d.net/per))
		}
		t += 2 * a.moeLayers * (lat + dt)
	}
	return t
}

// eager is what a step of tokens carrying a prefill chunk costs more than
// a graphed one: every kernel's CPU launch, and each MoE layer's routing
// synchronisation. A step within the engine's piecewise CUDA graphs
// (Config.GraphTokens) launches only its attention kernels from the CPU
// (the KV-cache write and the attention a layer run outside the graphs)
// and routes on the GPU.
func (d *deployment) eager(tokens float64) float64 {
	if d.c.Compiled {
		return 0
	}
	if tokens <= float64(d.graphTokens) {
		return d.a.layers * kernelsPiecewise * d.f.PrefillKernelUs / 1e6
	}
	t := d.kernels() * d.f.PrefillKernelUs / 1e6
	if d.a.expertTotal > 0 {
		t += d.a.moeLayers * d.f.PrefillMoEUs / 1e6
	}
	return t
}

// kernels is the kernels a step runs: every layer's, latent attention's,
// and the MoE layers' in place of a dense MLP (beside a shared expert's).
func (d *deployment) kernels() float64 {
	a := d.a
	k := a.layers * kernelsDense
	if a.lora > 0 {
		k += a.layers * kernelsMLA
	}
	if a.expertTotal > 0 {
		k += a.moeLayers * kernelsMoE
		if !a.sharedExpert {
			k -= a.moeLayers * kernelsMLP
		}
	}
	return k
}

// imbalance is how far the busiest of the expert-parallel GPUs is above
// the mean when routed tokens each pick k experts at random: m = tokens·k
// assignments over n GPUs put about m/n + √(2 (m/n) ln n) on the busiest.
// 1 without expert parallelism (every GPU holds a slice of every expert).
func (d *deployment) imbalance(routed float64) float64 {
	if d.ep <= d.tp || d.a.k == 0 {
		return 1
	}
	n := float64(d.ep)
	m := routed * d.a.k
	return min(1+math.Sqrt(2*n*math.Log(n)/m), n)
}

// width is the share of MoECompute's rate a routed expert's GEMM reaches
// at its width on a GPU: w / (w + MoEWidth) of w columns, the expert's
// intermediate size split over the tensor-parallel group (whole experts
// under expert parallelism), relative to a wide GEMM's.
func (d *deployment) width() float64 {
	a := d.a
	// Without routed experts (newShape splits none off when every token
	// uses every expert, or active_params_b is not below params_b) no
	// expert GEMM runs: a width of 0 made the expert time 0/0, NaN.
	if a.expertTotal <= 0 || d.f.MoEWidth <= 0 {
		return 1
	}
	w := a.expertInter
	if d.ep <= d.tp {
		w /= float64(d.tp)
	}
	return w / (w + d.f.MoEWidth)
}
