package perf

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

func cfg(t *testing.T, model, gpu string, tp int) Config {
	t.Helper()
	cat := modelcatalog.Default()
	m, ok := cat.Architecture(model)
	if !ok {
		t.Fatalf("no model %q", model)
	}
	g, ok := cat.GPU(gpu)
	if !ok {
		t.Fatalf("no GPU %q", gpu)
	}
	return Config{Model: m, GPU: g, Engine: "vllm", Precision: m.WeightsDType, TP: tp, InputTokens: 2000, OutputTokens: 500, Concurrency: 16}
}

// TestFitsAndReasons checks every reason a configuration cannot serve.
func TestFitsAndReasons(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		model  string
		gpu    string
		tp     int
		reason string // empty: fits
	}{
		{"8B on one L4", nil, "llama-3.1-8b", "l4", 1, ""},
		{"70B BF16 on one H100", func(c *Config) { c.Precision = "bf16" }, "llama-3.1-70b", "h100", 1, "leave no room"},
		{"70B FP8 on one H100 fits a few sequences", nil, "llama-3.3-70b", "h100", 1, ""},
		{"32B BF16 on one L40S", nil, "qwen3-32b", "l40s", 1, "leave no room"},
		{"heads do not split", nil, "qwen2.5-coder-7b", "h100", 8, "do not split evenly"},
		{"context too long", func(c *Config) { c.InputTokens = 41000 }, "qwen3-8b", "h100", 1, "exceed qwen3-8b's context"},
		{"FP4 under TensorRT-LLM on Hopper", func(c *Config) { c.Precision, c.Engine = "fp4", "tensorrt-llm" }, "llama-3.1-8b", "h100", 1, "only on Blackwell"},
		{"FP8 under TensorRT-LLM on A100", func(c *Config) { c.Precision, c.Engine = "fp8", "tensorrt-llm" }, "llama-3.1-8b", "a100-80gb", 1, "no FP8 tensor cores"},
		{"more GPUs than an instance", func(c *Config) { c.GPUs, c.GPUsPerInstance = 12, 8 }, "llama-3.1-8b", "h100", 1, "do not fill whole instances"},
		{"instances without their network", func(c *Config) { c.GPUs, c.GPUsPerInstance = 16, 8 }, "llama-3.1-8b", "h100", 1, "2 instances of 8 h100, whose network is unknown"},
		{"GPUs not a multiple of TP", func(c *Config) { c.GPUs = 3 }, "llama-3.1-8b", "h100", 2, "do not divide"},
		{"a long context fills the KV cache", func(c *Config) { c.InputTokens, c.Precision = 120000, "fp8" }, "llama-3.3-70b", "h100", 1, "holds no"},
		{"unknown engine", func(c *Config) { c.Engine = "ollama" }, "llama-3.1-8b", "h100", 1, "engine \"ollama\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg(t, tc.model, tc.gpu, tc.tp)
			if tc.edit != nil {
				tc.edit(&c)
			}
			r := Predict(c)
			if tc.reason == "" {
				if !r.Fits || r.OutputTokS <= 0 || r.KVCacheSequences < 1 {
					t.Fatalf("want a fit with throughput, got %+v", r)
				}
				return
			}
			if r.Fits || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("want no fit because %q, got fits=%v reason %q", tc.reason, r.Fits, r.Reason)
			}
		})
	}
}

// TestWeightOnlyNotes: FP8 on an A100 and MXFP4 on a Hopper run, but
// weight-only, and the result says so.
func TestWeightOnlyNotes(t *testing.T) {
	c := cfg(t, "llama-3.1-8b", "a100-80gb", 1)
	c.Precision = "fp8"
	r := Predict(c)
	if !r.Fits || !strings.Contains(strings.Join(r.Notes, " "), "weight-only") {
		t.Fatalf("FP8 on A100: want a fit noting weight-only, got %+v", r)
	}
	bf := cfg(t, "llama-3.1-8b", "a100-80gb", 1)
	bf.Precision = "bf16"
	if rb := Predict(bf); r.WeightsGBPerGPU >= rb.WeightsGBPerGPU {
		t.Errorf("FP8 weights (%.1f GB) should be smaller than BF16 (%.1f GB)", r.WeightsGBPerGPU, rb.WeightsGBPerGPU)
	}
}

// TestKVCache checks the KV cache arithmetic: FP8 doubles the sequences,
// MLA is replicated on every tensor-parallel rank, grouped-query heads
// split until there are fewer than ranks, and a sliding window caps its
// layers.
func TestKVCache(t *testing.T) {
	cat := modelcatalog.Default()
	ds, _ := cat.Architecture("deepseek-v3")
	a := newShape(ds, "fp8")
	if got, want := a.kvBytes(1, 8, 2), float64(61*576*2); got != want {
		t.Errorf("DeepSeek-V3 KV a token at TP8 = %g, want %g (latent replicated)", got, want)
	}
	llama, _ := cat.Architecture("llama-3.1-70b")
	l := newShape(llama, "bf16")
	if got, want := l.kvBytes(1, 1, 2), float64(2*80*8*128*2); got != want {
		t.Errorf("Llama-70B KV a token = %g, want %g", got, want)
	}
	if got, want := l.kvBytes(1, 16, 2), float64(2*80*1*128*2); got != want {
		t.Errorf("Llama-70B KV a token at TP16 = %g, want %g (one head a rank)", got, want)
	}
	oss, _ := cat.Architecture("gpt-oss-120b")
	o := newShape(oss, "mxfp4")
	long, short := o.kvBytes(10000, 1, 2), o.kvBytes(100, 1, 2)
	if want := float64(2*8*64*2) * (18*10000 + 18*128); long != want {
		t.Errorf("gpt-oss-120b 10k-token KV = %g, want %g (windowed layers keep 128)", long, want)
	}
	if short != float64(2*8*64*2)*(36*100) {
		t.Errorf("gpt-oss-120b 100-token KV = %g", short)
	}

	c := cfg(t, "llama-3.1-8b", "h100", 1)
	c.Concurrency = 0
	// With --max-num-seqs set, the sampler's rows are reserved whole and
	// the cache left holds twice the sequences in FP8.
	c.MaxNumSeqs = 1024
	bf := Predict(c)
	c.KVPrecision = "fp8"
	f8 := Predict(c)
	if ratio := float64(f8.KVCacheSequences) / float64(bf.KVCacheSequences); math.Abs(ratio-2) > 0.01 {
		t.Errorf("FP8 KV holds %.2f× the sequences of BF16, want 2×", ratio)
	}
}

// TestShapes checks the parameter split of a mixture of experts.
func TestShapes(t *testing.T) {
	cat := modelcatalog.Default()
	m, _ := cat.Architecture("qwen3-30b-a3b")
	a := newShape(m, "bf16")
	if got := (a.denseTotal + a.expertTotal) / 1e9; math.Abs(got-30.5) > 1e-9 {
		t.Errorf("total %g B, want 30.5", got)
	}
	if got := (a.denseActive + a.expertActive) / 1e9; math.Abs(got-3.3) > 1e-9 {
		t.Errorf("active %g B, want 3.3", got)
	}
	if got := (a.denseBytes + a.expertBytes) / 1e9; math.Abs(got-m.WeightsGB) > 1e-6 {
		t.Errorf("resident %g GB, want the catalog's %g", got, m.WeightsGB)
	}
	if a.touched(1, 1) != 8.0/128 || a.touched(1e6, 1) < 0.999 {
		t.Errorf("one token touches %g of the experts (want 8/128); a million touch %g", a.touched(1, 1), a.touched(1e6, 1))
	}
	// Tokens that route alike touch fewer experts than as many routed at
	// random, but one token is one token and enough reach every expert.
	if a.touched(1, 0.8) != 8.0/128 || a.touched(64, 0.8) >= a.touched(64, 1) || a.touched(1e6, 0.8) < 0.999 {
		t.Errorf("routing exponent 0.8: one token %g, 64 tokens %g (at random %g), a million %g", a.touched(1, 0.8), a.touched(64, 0.8), a.touched(64, 1), a.touched(1e6, 0.8))
	}
	oss, _ := cat.Architecture("gpt-oss-120b")
	o := newShape(oss, "bf16")
	q := newShape(oss, "mxfp4")
	if q.denseBytes/q.expertBytes < o.denseBytes/o.expertBytes*3 {
		t.Errorf("MXFP4 should shrink only the experts: dense/expert bytes %g vs BF16 %g", q.denseBytes/q.expertBytes, o.denseBytes/o.expertBytes)
	}
}

// TestMonotone: more concurrency never lowers throughput nor TPOT, a
// longer prompt never shortens TTFT, TTFT is nil at saturation, and a
// faster GPU is faster.
func TestMonotone(t *testing.T) {
	prev := Result{}
	for _, conc := range []int{1, 2, 4, 8, 16, 32, 64, 128, 256} {
		c := cfg(t, "llama-3.1-8b", "h100", 1)
		c.Concurrency = conc
		r := Predict(c)
		if r.TTFTMs == nil || r.TTFTP95Ms == nil || *r.TTFTP95Ms < *r.TTFTMs {
			t.Fatalf("c=%d: want TTFT with p95 ≥ mean, got %+v", conc, r)
		}
		if r.OutputTokS < prev.OutputTokS || r.TPOTMs < prev.TPOTMs {
			t.Errorf("c=%d: throughput %.0f (was %.0f), TPOT %.1f (was %.1f)", conc, r.OutputTokS, prev.OutputTokS, r.TPOTMs, prev.TPOTMs)
		}
		prev = r
	}
	var last float64
	for _, in := range []int{128, 1024, 8192, 32000} {
		c := cfg(t, "qwen3-8b", "h100", 1)
		c.InputTokens, c.OutputTokens, c.Concurrency = in, 100, 1
		r := Predict(c)
		if *r.TTFTMs <= last {
			t.Errorf("TTFT at %d input tokens %.1f ms, not above %.1f", in, *r.TTFTMs, last)
		}
		last = *r.TTFTMs
	}
	c := cfg(t, "llama-3.1-8b", "h100", 1)
	c.Concurrency = 0
	if r := Predict(c); r.TTFTMs != nil || r.TTFTP95Ms != nil {
		t.Errorf("saturation: TTFT should be null, got %v", *r.TTFTMs)
	}
	h100 := Predict(cfg(t, "llama-3.1-8b", "h100", 1))
	h200 := Predict(cfg(t, "llama-3.1-8b", "h200", 1))
	l4 := Predict(cfg(t, "llama-3.1-8b", "l4", 1))
	if !(h200.OutputTokS > h100.OutputTokS && h100.OutputTokS > l4.OutputTokS) {
		t.Errorf("throughput H200 %.0f, H100 %.0f, L4 %.0f: want that order", h200.OutputTokS, h100.OutputTokS, l4.OutputTokS)
	}
}

// TestPCIeTensorParallel: the same model at TP4 gains less over TP1 on
// PCIe L40S than on NVLink H100, and says why.
func TestPCIeTensorParallel(t *testing.T) {
	gain := func(gpu string) (float64, Result) {
		one := cfg(t, "qwen3-8b", gpu, 1)
		one.GPUs, one.Concurrency = 4, 64
		four := cfg(t, "qwen3-8b", gpu, 4)
		four.Concurrency = 64
		r4 := Predict(four)
		return r4.OutputTokS / Predict(one).OutputTokS, r4
	}
	nv, _ := gain("h100")
	pcie, r := gain("l40s")
	if pcie >= nv {
		t.Errorf("TP4 vs 4 replicas: L40S %.2f, H100 %.2f; PCIe should lose more", pcie, nv)
	}
	if !strings.Contains(strings.Join(r.Notes, " "), "over PCIe") {
		t.Errorf("no PCIe note in %v", r.Notes)
	}
}

// TestExpertParallel: a MoE over more GPUs than TP spreads the experts
// (less weight a GPU) and says the steps are synchronised; a dense model
// runs replicas instead.
func TestExpertParallel(t *testing.T) {
	c := cfg(t, "qwen3-30b-a3b", "h100", 1)
	one := Predict(c)
	c.GPUs = 4
	ep := Predict(c)
	if ep.ExpertParallel != 4 || ep.Replicas != 4 || ep.WeightsGBPerGPU >= one.WeightsGBPerGPU {
		t.Errorf("EP4: expert parallel %d, groups %d, %.1f GB a GPU (TP1 alone %.1f)", ep.ExpertParallel, ep.Replicas, ep.WeightsGBPerGPU, one.WeightsGBPerGPU)
	}
	if !strings.Contains(strings.Join(ep.Notes, " "), "synchronised") {
		t.Errorf("no expert-parallel note: %v", ep.Notes)
	}
	d := cfg(t, "qwen3-8b", "h100", 1)
	d.GPUs = 4
	if r := Predict(d); r.ExpertParallel != 0 || r.Replicas != 4 {
		t.Errorf("dense over 4 GPUs: expert parallel %d, replicas %d", r.ExpertParallel, r.Replicas)
	}
}

func BenchmarkPredict(b *testing.B) {
	cat := modelcatalog.Default()
	m, _ := cat.Architecture("deepseek-v3")
	g, _ := cat.GPU("h200")
	c := Config{Model: m, GPU: g, Engine: "sglang", Precision: "fp8", TP: 8, InputTokens: 4000, OutputTokens: 500, Concurrency: 64}
	for b.Loop() {
		predict(c, Fitted) // Predict would answer from its memo
	}
}

// BenchmarkCurveAt is the sizer's question: a remembered saturation asked
// at a load (each at its own, so no answer is remembered).
func BenchmarkCurveAt(b *testing.B) {
	cat := modelcatalog.Default()
	m, _ := cat.Architecture("gpt-oss-120b")
	g, _ := cat.GPU("h100")
	k := CurveOf(Config{Model: m, GPU: g, Engine: "vllm", Precision: "mxfp4", TP: 1, InputTokens: 6000, OutputTokens: 400, CachedInputShare: 0.3})
	u := 0.0
	for b.Loop() {
		u += 0.0001
		if u >= 0.95 {
			u = 0.0001
		}
		k.At(u)
	}
}

// TestMemo: a remembered prediction is the computed one, each caller gets
// its own notes and latencies, and a model edited in place is predicted
// afresh.
func TestMemo(t *testing.T) {
	c := cfg(t, "qwen3-30b-a3b", "h100", 1)
	c.GPUs = 4
	want := predict(c, Fitted)
	a := Predict(c)
	a.Notes[0] = "edited"
	*a.TTFTMs = -1
	b := Predict(c)
	if b.Notes[0] != want.Notes[0] || *b.TTFTMs != *want.TTFTMs || b.OutputTokS != want.OutputTokS {
		t.Errorf("remembered %+v, want %+v", b, want)
	}
	m := *c.Model
	c.Model = &m
	before := Predict(c).OutputTokS
	m.ActiveParamsB *= 2
	if after := Predict(c).OutputTokS; after >= before {
		t.Errorf("doubling the active parameters in place: %.0f tok/s, was %.0f", after, before)
	}
}

// BenchmarkAsk is what `costgate perf` does after start-up: resolve the
// repository, GPU and flags against the catalog, then predict.
func BenchmarkAsk(b *testing.B) {
	cat := modelcatalog.Default()
	q := Query{Model: "meta-llama/Llama-3.1-70B-Instruct", GPU: "h100", TP: 2, Precision: "fp8", Engine: "vllm",
		InputTokens: 5000, OutputTokens: 500, Concurrency: "50"}
	for b.Loop() {
		if _, err := Ask(cat, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalibrate is one fit of every factor to every calibration point
// (go generate runs it once, plus one fit per left-out source).
func BenchmarkCalibrate(b *testing.B) {
	c, cat := loadCalibration(b)
	for b.Loop() {
		c.Fit(cat, "")
	}
}

// TestFewerRequestsThanGroups: one request in flight over data-parallel
// attention groups keeps one group busy, not all of them.
func TestFewerRequestsThanGroups(t *testing.T) {
	c := cfg(t, "kimi-k2", "b200", 2)
	c.Engine, c.Precision, c.GPUs, c.Concurrency = "sglang", "fp8", 8, 1
	c.InputTokens, c.OutputTokens = 200, 300
	r := predict(c, Fitted)
	if !r.Fits {
		t.Fatal(r.Reason)
	}
	if perRequest := 1e3 / r.TPOTMs; r.OutputTokS > perRequest {
		t.Errorf("one request decodes at most %.0f tok/s (TPOT %.2f ms), got %.0f", perRequest, r.TPOTMs, r.OutputTokS)
	}
}

// TestMultiInstance: a deployment of more GPUs than an instance carries
// spans several, and only the collectives that cross the network pay it:
// a tensor-parallel group over two instances pays the network's latency
// on every all-reduce, expert parallelism over two its dispatch and
// combine, replicas of a dense model nothing; a slower network costs a
// long prompt's all-reduces more.
func TestMultiInstance(t *testing.T) {
	dsr1 := func(tp, gpus, in, conc int) func(*testing.T) Config {
		return func(t *testing.T) Config {
			c := cfg(t, "deepseek-r1", "h100", tp)
			c.Engine, c.Precision, c.GPUs, c.InputTokens, c.OutputTokens, c.Concurrency = "sglang", "fp8", gpus, in, 128, conc
			return c
		}
	}
	llama := func(t *testing.T) Config {
		c := cfg(t, "llama-3.1-8b", "h100", 1)
		c.GPUs, c.Concurrency = 16, 16
		return c
	}
	// p5 spreads the deployment over the catalog's p5.48xlarge.
	p5 := func(c *Config) {
		in, ok := modelcatalog.Default().LargestInstance("h100")
		if !ok || in.NetworkGbps == nil {
			t.Fatal("no h100 instance with its network in the catalog")
		}
		c.GPUsPerInstance, c.NetworkGbps = in.GPUs, in.NetworkGbps.Value
	}
	for _, tc := range []struct {
		name string
		base func(*testing.T) Config
		// edit turns the base (every GPU in one instance) into the
		// deployment compared with it.
		edit func(*Config)
		// tpot and ttft: +1 the edited deployment is slower, 0 the same.
		tpot, ttft int
		note       string
	}{
		{"TP 16 over two instances", dsr1(16, 16, 128, 1), p5, 1, 1, "2 instances of 8 h100 joined by 3200 Gbit/s"},
		{"expert parallel over two instances", dsr1(8, 16, 1024, 2), p5, 1, 1, "2 instances of 8 h100"},
		{"dense replicas over two instances", llama, p5, 0, 0, "2 instances of 8 h100"},
		{"a slower network", dsr1(16, 16, 8192, 1), func(c *Config) { c.GPUsPerInstance, c.NetworkGbps = 8, 400 }, 1, 1, "400 Gbit/s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.base(t)
			if tc.name == "a slower network" {
				p5(&base)
			}
			edited := base
			tc.edit(&edited)
			rb, re := Predict(base), Predict(edited)
			if !rb.Fits || !re.Fits || rb.TTFTMs == nil || re.TTFTMs == nil {
				t.Fatalf("want both to fit: %q / %q", rb.Reason, re.Reason)
			}
			cmp := func(what string, b, e float64, want int) {
				switch {
				case want > 0 && !(e > b*1.001):
					t.Errorf("%s %.2f, want above %.2f", what, e, b)
				case want == 0 && math.Abs(e-b) > 1e-9*b:
					t.Errorf("%s %.4f, want %.4f", what, e, b)
				}
			}
			cmp("TPOT", rb.TPOTMs, re.TPOTMs, tc.tpot)
			cmp("TTFT", *rb.TTFTMs, *re.TTFTMs, tc.ttft)
			if !strings.Contains(strings.Join(re.Notes, " "), tc.note) {
				t.Errorf("notes %q, want one saying %q", re.Notes, tc.note)
			}
		})
	}
}

// TestAskInstanceNetwork checks that a query over more GPUs than an
// instance holds takes the instance's network from the catalog: the
// p5.48xlarge's 3,200 Gbit/s, and, with the catalog's figure lowered, a
// slower prediction that names the lower figure; a type without its
// network makes the deployment unpredictable, not silently fast.
func TestAskInstanceNetwork(t *testing.T) {
	q := Query{Model: "deepseek-r1", GPU: "h100", TP: 16, GPUs: 16, Precision: "fp8", Engine: "sglang",
		InputTokens: 8192, OutputTokens: 128, Concurrency: "1"}
	ask := func(gbps *float64) Answer {
		t.Helper()
		cat := modelcatalog.Default()
		if gbps != nil {
			edited := *cat
			edited.Instances, cat = slices.Clone(cat.Instances), &edited
			for i, in := range cat.Instances {
				if in.GPU == "h100" && in.NetworkGbps != nil {
					f := *in.NetworkGbps
					f.Value = *gbps
					cat.Instances[i].NetworkGbps = &f
					if *gbps == 0 {
						cat.Instances[i].NetworkGbps = nil
					}
				}
			}
		}
		a, err := Ask(cat, q)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	notes := func(a Answer) string { return strings.Join(a.Notes, " ") }
	slow, none := 400.0, 0.0
	base, lowered, unknown := ask(nil), ask(&slow), ask(&none)
	if !base.Fits || !lowered.Fits || base.TTFTMs == nil || lowered.TTFTMs == nil {
		t.Fatalf("want both to fit: %q / %q", base.Reason, lowered.Reason)
	}
	if !strings.Contains(notes(base), "2 instances of 8 h100 joined by 3200 Gbit/s") {
		t.Errorf("notes %q, want the p5.48xlarge's 3200 Gbit/s", notes(base))
	}
	if !strings.Contains(notes(lowered), "joined by 400 Gbit/s") {
		t.Errorf("notes %q, want the lowered 400 Gbit/s", notes(lowered))
	}
	if !(lowered.TPOTMs > base.TPOTMs*1.001) || !(*lowered.TTFTMs > *base.TTFTMs*1.001) {
		t.Errorf("400 Gbit/s: TPOT %.2f ms, TTFT %.1f ms; want both above 3200's %.2f ms, %.1f ms",
			lowered.TPOTMs, *lowered.TTFTMs, base.TPOTMs, *base.TTFTMs)
	}
	if unknown.Fits || !strings.Contains(unknown.Reason, "whose network is unknown") {
		t.Errorf("no network figure: fits=%v reason %q, want no prediction", unknown.Fits, unknown.Reason)
	}
}

// TestSlotQueue checks a closed loop past the batch the KV cache holds:
// the requests beyond it wait for a slot, first in first out, (N − B) / X
// by Little's law, on top of the TTFT at the limit; the rates stay those
// of the full batch (within the front end's share of a request's time in
// flight: past the limit a freed slot is taken at once by a request
// already through it), and within the limit nothing waits for a slot.
func TestSlotQueue(t *testing.T) {
	c := cfg(t, "llama-3.3-70b", "h100", 2)
	c.Engine, c.Precision, c.KVPrecision, c.InputTokens, c.OutputTokens = "tensorrt-llm", "fp8", "fp8", 5000, 500
	c.Concurrency = 0
	limit := Predict(c).RunningSequences
	if limit < 10 {
		t.Fatalf("the KV cache holds %d sequences: too few for the test", limit)
	}
	c.Concurrency = limit
	at := Predict(c)
	for _, n := range []int{limit + 1, 2 * limit, 3 * limit} {
		c.Concurrency = n
		over := Predict(c)
		if math.Abs(over.OutputTokS/at.OutputTokS-1) > 0.01 || over.TPOTMs != at.TPOTMs {
			t.Errorf("%d in flight: %.1f tok/s, TPOT %.2f ms; want the full batch's %.1f, %.2f", n, over.OutputTokS, over.TPOTMs, at.OutputTokS, at.TPOTMs)
		}
		rate := over.OutputTokS / float64(c.OutputTokens)
		slot := 1e3 * float64(n-limit) / rate
		for _, q := range []struct {
			name       string
			got, under float64
		}{{"mean", *over.TTFTMs, *at.TTFTMs}, {"p95", *over.TTFTP95Ms, *at.TTFTP95Ms}, {"p99.9", *over.TTFTP999Ms, *at.TTFTP999Ms}} {
			if want := q.under + slot; math.Abs(q.got-want) > 0.01*want {
				t.Errorf("%d in flight: %s TTFT %.0f ms, want %.0f (%.0f at the limit + %.0f waiting for a slot)", n, q.name, q.got, want, q.under, slot)
			}
		}
	}
	c.Concurrency = limit - 1
	if r := Predict(c); *r.TTFTMs > *at.TTFTMs {
		t.Errorf("within the limit: TTFT %.0f ms at %d in flight above %.0f at %d", *r.TTFTMs, limit-1, *at.TTFTMs, limit)
	}
}

// TestSGLangStaggeredBatches: a closed loop's prompts reach SGLang one by
// one, so a prefill batch holds the few that arrive meanwhile, not as many
// as the token budget packs; a burst's wait together and do pack.
func TestSGLangStaggeredBatches(t *testing.T) {
	c := cfg(t, "qwen3-235b-a22b", "b200", 8)
	c.Engine, c.Precision, c.InputTokens, c.OutputTokens, c.Concurrency = "sglang", "bf16", 500, 500, 100
	d, r := newDeployment(c, Fitted)
	if !r.Fits {
		t.Fatal(r.Reason)
	}
	o := d.at(d.batch(&r))
	packed := math.Min(o.b, math.Floor(d.chunk/500))
	if o.batch < 1 || o.batch >= packed {
		t.Errorf("staggered batch %.2f prompts, want at least 1 and below the %.0f the budget packs", o.batch, packed)
	}
	// A prompt's prefill costs the decoding batch its share of its batch's
	// step, more than its share of a packed one.
	c.burst = true
	d, r = newDeployment(c, Fitted)
	packedAt := d.at(d.batch(&r))
	if packedAt.batch != 0 {
		t.Errorf("a burst's prompts pack the budget, got a staggered batch of %.2f", packedAt.batch)
	}
	if o.marginal <= packedAt.marginal || o.service <= packedAt.service {
		t.Errorf("staggered prefill costs %.2f ms (service %.2f ms), packed %.2f ms (%.2f ms): want more staggered", o.marginal*1e3, o.service*1e3, packedAt.marginal*1e3, packedAt.service*1e3)
	}
	// More requests than the group runs: the rest queue, but the slots
	// free one by one, so the batches stay staggered.
	c.burst, c.Concurrency = false, 100000
	d, r = newDeployment(c, Fitted)
	limit := d.batch(&r)
	if limit*d.groups >= c.Concurrency {
		t.Fatalf("%d requests fit the %d running: want a queue", c.Concurrency, limit*d.groups)
	}
	if q := d.at(limit); q.batch < 1 || q.batch >= math.Min(q.b, math.Floor(d.chunk/500)) {
		t.Errorf("a closed loop past its slots: batch %.2f prompts, want staggered (at least 1, below what the budget packs)", q.batch)
	}
}

// TestAttentionExponentials checks that a prefill's attention is bound by
// the softmax's exponentials where the tensor cores outrun them: gpt-oss's
// head dimension of 64 on B200 with an FP8 KV cache runs at the
// exponentials' rate, 0.28 of the FP8 tensor rate, where Llama's 128 on
// H100 in BF16 keeps its tensor rate and A100 is never bound; and a
// later part still prefills faster (B300 ≥ B200 ≥ H200).
func TestAttentionExponentials(t *testing.T) {
	at := func(model, gpu, kv string) (deployment, float64) {
		c := cfg(t, model, gpu, 1)
		c.KVPrecision = kv
		d, r := newDeployment(c, Fitted)
		if !r.Fits {
			t.Fatalf("%s on %s: %s", model, gpu, r.Reason)
		}
		flops := d.a.prefillAttnFlops(32000, 1)
		return d, d.attention(flops)
	}
	d, b200 := at("gpt-oss-20b", "b200", "fp8")
	flops := d.a.prefillAttnFlops(32000, 1)
	if tensor := flops / d.attnFlops; math.Abs(b200/tensor-4500/(5e12*256/1e12)) > 0.01 {
		t.Errorf("gpt-oss-20b on B200, FP8 KV: attention %.0f ms, want the exponentials' %.1f× its tensor time %.0f ms", b200*1e3, 4500/(5e12*256/1e12), tensor*1e3)
	}
	if d, h100 := at("llama-3.1-8b", "h100", "bf16"); h100 != d.a.prefillAttnFlops(32000, 1)/d.attnFlops {
		t.Errorf("Llama-3.1-8B on H100, BF16 KV: attention %.0f ms, want its tensor time", h100*1e3)
	}
	if d, a100 := at("gpt-oss-20b", "a100-80gb", "bf16"); d.exps != 0 || a100 != d.a.prefillAttnFlops(32000, 1)/d.attnFlops {
		t.Errorf("gpt-oss-20b on A100: attention %.0f ms, want its tensor time", a100*1e3)
	}
	_, h200 := at("gpt-oss-20b", "h200", "fp8")
	_, b300 := at("gpt-oss-20b", "b300", "fp8")
	if !(b300 <= b200 && b200 <= h200) {
		t.Errorf("gpt-oss-20b's 32,000-token attention: B300 %.0f ms, B200 %.0f, H200 %.0f; want a later part no slower", b300*1e3, b200*1e3, h200*1e3)
	}
}

// TestRunningWithinFlight: the sequences running are never more than the
// requests in flight. With fewer requests than data-parallel replicas
// can take, each replica's batch times the replicas counted idle ones:
// one request over 8 replicas printed "running sequences 8", 8 over 5
// printed 10, 8 over 16 printed 16.
func TestRunningWithinFlight(t *testing.T) {
	for _, tc := range []struct {
		gpus, conc, want int
	}{
		{1, 1, 1}, {8, 1, 1}, {16, 1, 1}, {3, 8, 8}, {5, 8, 8}, {7, 8, 8}, {16, 8, 8}, {4, 8, 8}, {2, 64, 64},
	} {
		c := cfg(t, "llama-3.1-8b", "h100", 1)
		c.GPUs, c.Concurrency = tc.gpus, tc.conc
		c.OutputTokens, c.GPUsPerInstance, c.NetworkGbps = 200, 8, 3200
		r := Predict(c)
		if !r.Fits || r.RunningSequences != tc.want {
			t.Errorf("%d requests over %d replicas: running %d (fits %v, %s); want %d", tc.conc, tc.gpus, r.RunningSequences, r.Fits, r.Reason, tc.want)
		}
	}
}

// TestAskRuntimesKeepTheServersNote: a dense model's tensorrt-llm answer
// is the mean of two runtimes; where the compiled one outruns the API
// server, the answer says so, as the compiled engine's own does (without
// it eight B200s' TTFT read as 1.9 times eight H200s' with no reason).
func TestAskRuntimesKeepTheServersNote(t *testing.T) {
	const server = "the API server passes at most"
	q := Query{Model: "qwen3-8b", GPU: "b200", TP: 8, Precision: "fp8", InputTokens: 1000, OutputTokens: 64, Concurrency: "256"}
	ask := func(engine string) Answer {
		t.Helper()
		q := q
		q.Engine = engine
		a, err := Ask(modelcatalog.Default(), q)
		if err != nil || !a.Fits {
			t.Fatalf("%s: %v %q", engine, err, a.Reason)
		}
		return a
	}
	has := func(a Answer) bool {
		return slices.ContainsFunc(a.Notes, func(n string) bool { return strings.HasPrefix(n, server) })
	}
	if compiled, pytorch := ask(EngineNIM), ask(EnginePyTorch); !has(compiled) || has(pytorch) {
		t.Fatalf("want the compiled engine alone front-end bound: nim %v, pytorch %v", compiled.Notes, pytorch.Notes)
	}
	if mean := ask("tensorrt-llm"); !has(mean) {
		t.Errorf("tensorrt-llm's notes %q lack the compiled engine's API server", mean.Notes)
	}
}
