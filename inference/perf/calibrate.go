package perf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"io"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/costgate/costgate/modelcatalog"
)

//go:generate go test -timeout 60m -run TestCalibration -update .

// Calibration is the published measurements the factors are fitted to.
type Calibration struct {
	// Models are architectures measured by a source but not in the
	// catalog (older models that benchmark tables still use).
	Models  []modelcatalog.OpenModel `json:"models"`
	Sources []Source                 `json:"sources"`
	Points  []Point                  `json:"points"`
}

// Source is one publication of measurements.
type Source struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
	// AsOf is the day the figures were read.
	AsOf string `json:"as_of"`
	Note string `json:"note,omitempty"`
}

// Point is one published measurement with everything needed to predict it.
type Point struct {
	Source        string `json:"source"`
	Model         string `json:"model"`
	GPU           string `json:"gpu"`
	Engine        string `json:"engine"`
	EngineVersion string `json:"engine_version"`
	TP            int    `json:"tp"`
	GPUs          int    `json:"gpus,omitempty"`
	Precision     string `json:"precision"`
	KVPrecision   string `json:"kv_precision,omitempty"`
	InputTokens   int    `json:"input_tokens"`
	OutputTokens  int    `json:"output_tokens"`
	// Concurrency is the requests in flight; 0 is saturation.
	Concurrency int `json:"concurrency"`
	// Burst, when set, is a benchmark that sends this many requests at
	// once and measures until the last finishes. With fixed lengths they
	// all run together (KV cache permitting); with VariedLengths (ShareGPT)
	// the batch drains as short requests finish: with exponentially
	// distributed lengths the last ends after ln N mean lengths, so about
	// N / ln N run on average.
	Burst         int  `json:"burst,omitempty"`
	VariedLengths bool `json:"varied_lengths,omitempty"`
	// MaxTokens is the cap on every answer (max_tokens) where the source
	// states it: a burst of varied lengths lasts until its longest answer,
	// at most the cap (burstSpan).
	MaxTokens int `json:"max_tokens,omitempty"`
	// Excluded, when set, says why the point is shown but not fitted.
	Excluded string `json:"excluded,omitempty"`
	// Prompts is the requests a closed-loop run sent in all (num_prompts;
	// 0: not stated, or a warmed-up steady state).
	Prompts int `json:"prompts,omitempty"`
	// CachedPrompts is how many of the run's Prompts the engine served
	// from its prefix cache: vLLM's benchmark client sends the first
	// prompt once as a test before the timed run, and an engine caching
	// prefixes (vLLM's V1 engine by default) then prefills only its last
	// block. The mean TTFT averages the two (cachedPromptsTTFT).
	CachedPrompts int `json:"cached_prompts,omitempty"`
	// Compiled marks TensorRT-LLM running a compiled TensorRT engine (its
	// releases before the PyTorch backend): Config.Compiled. A point of
	// NVIDIA NIM 1.x's TensorRT-LLM profiles runs one whether or not it
	// says so (nimEngine).
	Compiled bool `json:"compiled,omitempty"`
	// Offline marks an in-process benchmark (trtllm-bench, a session
	// benchmark) with no API front end.
	Offline bool `json:"offline,omitempty"`
	// StreamInterval, when above 1, is a server that streams tokens in
	// chunks of that many (TensorRT-LLM's stream_interval): the client
	// sees its first token when the first chunk fills, StreamInterval − 1
	// output tokens after the first.
	StreamInterval int `json:"stream_interval,omitempty"`
	// SchedulerRecvInterval is SGLang's --scheduler-recv-interval where a
	// recipe sets it: the scheduler polls for new requests once every that
	// many decode steps (Config.SchedulerRecvInterval).
	SchedulerRecvInterval int `json:"scheduler_recv_interval,omitempty"`
	// BatchWaitIters is TensorRT-LLM's batch_wait_timeout_iters where a
	// recipe sets it (with batch_wait_max_tokens_ratio) and the prompts in
	// flight never fill that share of the token budget: a new prompt is
	// held that many iterations before its prefill, so the client sees
	// its first token BatchWaitIters − 1 decode steps later than the model's
	// admission (which counts the first).
	BatchWaitIters int `json:"batch_wait_iters,omitempty"`
	// MaxNumTokens is the engine's token budget a step where the recipe
	// sets it (Config.MaxNumTokens; 0: the engine's default).
	MaxNumTokens int `json:"max_num_tokens,omitempty"`
	// GPUMemoryUtilization is the engine's memory fraction where the
	// recipe sets it (vLLM's --gpu-memory-utilization;
	// Config.MemoryFraction).
	GPUMemoryUtilization float64 `json:"gpu_memory_utilization,omitempty"`
	// CUDAGraphTokens is vLLM's max_cudagraph_capture_size where a recipe
	// sets it (Config.GraphTokens).
	CUDAGraphTokens int `json:"cuda_graph_tokens,omitempty"`
	// Int4Kernel is the INT4 kernel the deployment ran where it was not
	// Marlin: "exllama" (Config.Int4Kernel).
	Int4Kernel string `json:"int4_kernel,omitempty"`
	// FixedOutput marks a run whose every request generated exactly
	// OutputTokens (EOS ignored, or a cap every answer reached):
	// Config.FixedOutput. A NIM point is one without it (nimSweep).
	FixedOutput bool `json:"fixed_output,omitempty"`
	// MaxModelLen is the deployment's --max-model-len where the source
	// states it (0: the model's context). vLLM's V0 engine turns chunked
	// prefill on by default only above 32,768 (v0Unchunked).
	MaxModelLen int `json:"max_model_len,omitempty"`
	// GPUsPerInstance is the GPUs a server of a multi-node deployment
	// carries (Config.GPUsPerInstance; 0: every GPU in one server), and
	// NetworkGbps its network to the others where the source states it
	// (Config.NetworkGbps; 0: the catalog's figure for the instance type
	// that carries the most of the GPU).
	GPUsPerInstance int     `json:"gpus_per_instance,omitempty"`
	NetworkGbps     float64 `json:"network_gbps,omitempty"`
	// TTFTStat is "median" where the source publishes the median TTFT
	// rather than the mean (the default): the median request does not
	// wait behind another's prefill unless most do.
	TTFTStat string `json:"ttft_stat,omitempty"`
	// OutputTokS is the measured output tokens/s of the whole deployment;
	// TTFTMs and TPOTMs the mean latencies where published (0: not).
	OutputTokS float64 `json:"output_tok_s"`
	TTFTMs     float64 `json:"ttft_ms,omitempty"`
	TPOTMs     float64 `json:"tpot_ms,omitempty"`
	Note       string  `json:"note,omitempty"`
	// Kind is the kind of measurement: empty for the above, or an MLPerf
	// Inference result (KindMLPerfOffline, KindMLPerfServer).
	Kind string `json:"kind,omitempty"`
	// TTFTBoundMs and TPOTBoundMs are an MLPerf Server run's bounds on
	// its p99 TTFT and p99 TPOT.
	TTFTBoundMs float64 `json:"ttft_bound_ms,omitempty"`
	TPOTBoundMs float64 `json:"tpot_bound_ms,omitempty"`
	// TTFTP99Ms and TPOTP99Ms are the p99 latencies an MLPerf Server run
	// logged at its load (shown, not fitted).
	TTFTP99Ms float64 `json:"ttft_p99_ms,omitempty"`
	TPOTP99Ms float64 `json:"tpot_p99_ms,omitempty"`
	// Benchmark, System, Submitter and ResultURL name an MLPerf result:
	// the benchmark and scenario as the results table names them, the
	// system under test, who submitted it and its results directory.
	// OutputMix is an MLPerf Offline point's output lengths as classes of
	// equal weight (the means of the deciles of a sample of the run's
	// answers): the prediction serves their mix, not one mean request
	// (predictMix).
	OutputMix []int  `json:"output_mix,omitempty"`
	Benchmark string `json:"benchmark,omitempty"`
	System    string `json:"system,omitempty"`
	Submitter string `json:"submitter,omitempty"`
	ResultURL string `json:"result_url,omitempty"`
}

// nimEngine says the point measured a TensorRT-LLM profile of NVIDIA NIM
// 1.x (an engine version "NIM 1.…"), which runs TensorRT engines, pre-built
// or built locally (NIM for LLMs 1.3.0's release notes: local-build
// profiles "enable the use of the TensorRT-LLM runtime on GPUs without
// pre-built optimized engines"), not the PyTorch backend.
func (p Point) nimEngine() bool {
	return p.Engine == "tensorrt-llm" && strings.HasPrefix(p.EngineVersion, "NIM 1.")
}

// nimSweep says the point measured NVIDIA NIM (an engine version that
// names it, any backend): NIM's published tables are AIPerf or GenAI-Perf
// concurrency sweeps at a fixed input and output length, every request
// generating exactly its output, and their single-request rows say so:
// output tok/s = OSL / (TTFT + (OSL − 1) × ITL) to 0.1 % (Llama-3.3-70B on
// two H100s, 5000/500: 51.66 from TTFT and ITL, 51.67 published).
func (p Point) nimSweep() bool {
	return strings.Contains(strings.ToUpper(p.EngineVersion), "NIM")
}

// vllmV0 says the point measured vLLM's V0 engine: a release before 0.8.0
// (whose V1 engine became the default) or a version that says V0. V0
// captures CUDA graphs of decode batches only (its CUDAGraphRunner serves
// steps without prefill metadata; the piecewise graphs that leave only the
// attention outside came with V1's torch.compile path), so a step carrying
// a prompt launches every kernel from the CPU: Config.GraphTokens −1.
func (p Point) vllmV0() bool {
	if p.Engine != "vllm" {
		return false
	}
	if strings.Contains(p.EngineVersion, "V0") {
		return true
	}
	major, minor, ok := releaseOf(p.EngineVersion)
	return ok && major == 0 && minor < 8
}

// graphTokens is the point's Config.GraphTokens: its recipe's capture
// size, or none beyond decode under vLLM's V0 engine.
func (p Point) graphTokens() int {
	if p.CUDAGraphTokens == 0 && p.vllmV0() {
		return -1
	}
	return p.CUDAGraphTokens
}

// v0Unchunked says the point ran vLLM's V0 engine without chunked prefill,
// and its token budget a step: V0 enables chunked prefill by default only
// for a max_model_len above 32,768 (vLLM 0.7's EngineArgs: "Chunked
// prefill is enabled by default for models with max_model_len > 32K"),
// and without it schedules whole prompts, max(max_model_len, 2048) tokens
// a step (SchedulerConfig's max_num_batched_tokens), before any decode
// (Config.PrefillFirst).
func (p Point) v0Unchunked(m *modelcatalog.OpenModel) (bool, int) {
	n := p.MaxModelLen
	if n == 0 {
		n = m.MaxContext
	}
	if !p.vllmV0() || n <= 0 || n > 32768 {
		return false, 0
	}
	return true, max(n, 2048)
}

// burstSpan is how many mean answers a burst of varied lengths lasts: until
// its longest answer, whose length is ln N means where they are
// exponential, but no more than the cap where every answer has one (a
// burst of 100 ShareGPT answers of 345 tokens on average under a cap of
// 512 ends at 512, 1.5 means, not 4.6), nor less than one mean. The
// batch averages N / span.
func (p Point) burstSpan() float64 {
	span := math.Log(float64(p.Burst))
	if p.MaxTokens > 0 {
		span = min(span, max(1, float64(p.MaxTokens)/float64(p.OutputTokens)))
	}
	return span
}

// heldSteps is the decode steps a point's client waits for its first
// token beyond the model's TTFT: a stream's first chunk, or TensorRT-LLM's
// batch wait.
func (p Point) heldSteps() int {
	return max(p.StreamInterval-1, 0) + max(p.BatchWaitIters-1, 0)
}

// LoadCalibration decodes a calibration file and checks that every point
// names a known source, model and GPU.
func LoadCalibration(r io.Reader, cat *modelcatalog.Catalog) (*Calibration, error) {
	var c Calibration
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	sources := map[string]bool{}
	for _, s := range c.Sources {
		if s.ID == "" || s.URL == "" || s.AsOf == "" {
			return nil, fmt.Errorf("calibration: source %q needs an id, a url and an as_of date", s.ID)
		}
		sources[s.ID] = true
	}
	for i, p := range c.Points {
		if !sources[p.Source] {
			return nil, fmt.Errorf("calibration: points[%d]: unknown source %q", i, p.Source)
		}
		if err := p.checkKind(); err != nil {
			return nil, fmt.Errorf("calibration: points[%d] (%s: %s on %s): %w", i, p.Source, p.Model, p.GPU, err)
		}
		if _, err := c.config(p, cat); err != nil {
			return nil, fmt.Errorf("calibration: points[%d]: %w", i, err)
		}
		if p.CachedPrompts < 0 || p.CachedPrompts > p.Prompts {
			return nil, fmt.Errorf("calibration: points[%d]: cached_prompts %d is not within the run's %d prompts", i, p.CachedPrompts, p.Prompts)
		}
		if p.Int4Kernel != "" && p.Int4Kernel != "exllama" {
			return nil, fmt.Errorf("calibration: points[%d]: int4_kernel %q is not \"exllama\" (or empty: Marlin)", i, p.Int4Kernel)
		}
		if p.TTFTStat != "" && p.TTFTStat != "median" {
			return nil, fmt.Errorf("calibration: points[%d]: ttft_stat %q is not \"median\" (or empty: the mean)", i, p.TTFTStat)
		}
		if p.OutputTokS < 0 || p.TTFTMs < 0 || p.TPOTMs < 0 || p.OutputTokS+p.TTFTMs+p.TPOTMs == 0 {
			return nil, fmt.Errorf("calibration: points[%d]: needs a positive output_tok_s, ttft_ms or tpot_ms", i)
		}
	}
	return &c, nil
}

// config is the serving configuration a point measured.
func (c *Calibration) config(p Point, cat *modelcatalog.Catalog) (Config, error) {
	var m *modelcatalog.OpenModel
	for i := range c.Models {
		if c.Models[i].ID == p.Model {
			m = &c.Models[i]
		}
	}
	if m == nil {
		var ok bool
		if m, ok = cat.Architecture(p.Model); !ok {
			return Config{}, fmt.Errorf("unknown model %q", p.Model)
		}
	}
	g, ok := cat.GPU(p.GPU)
	if !ok {
		return Config{}, fmt.Errorf("unknown GPU %q", p.GPU)
	}
	conc := p.Concurrency
	if p.Burst > 0 {
		conc = p.Burst
		if p.VariedLengths && p.Burst > 2 {
			conc = int(math.Round(float64(p.Burst) / p.burstSpan()))
		}
	}
	budget := p.MaxNumTokens
	prefillFirst, whole := p.v0Unchunked(m)
	if prefillFirst && budget == 0 {
		budget = whole
	}
	gbps := p.NetworkGbps
	if p.GPUsPerInstance > 0 && gbps == 0 {
		_, gbps = instanceOf(cat, g.ID)
	}
	return Config{Model: m, GPU: g, Engine: p.Engine, Precision: p.Precision, KVPrecision: p.KVPrecision,
		TP: p.TP, GPUs: p.GPUs, InputTokens: p.InputTokens, OutputTokens: p.OutputTokens, Concurrency: conc, Offline: p.Offline, Compiled: p.Compiled || p.nimEngine(), Requests: p.Prompts, SchedulerRecvInterval: p.SchedulerRecvInterval, MaxNumTokens: budget, GraphTokens: p.graphTokens(),
		MemoryFraction: p.GPUMemoryUtilization, EngineVersion: p.EngineVersion, FixedOutput: p.FixedOutput || p.nimSweep(), PrefillFirst: prefillFirst, Int4Kernel: p.Int4Kernel,
		GPUsPerInstance: p.GPUsPerInstance, NetworkGbps: gbps, burst: p.Burst > 0}, nil
}

// Row is one point predicted.
type Row struct {
	Point     Point
	Predicted Result
	// Ratios are predicted ÷ measured; 0 where nothing was measured.
	Throughput, TTFT, TPOT float64
	// Within is false for an MLPerf Server point at no load of which the
	// model meets the bounds.
	Within bool
	model  *modelcatalog.OpenModel
}

// Evaluate predicts every point with the parameters.
func (c *Calibration) Evaluate(cat *modelcatalog.Catalog, p Params) []Row {
	return c.evaluate(cat, p, false)
}

// evaluate predicts the points, only those the fit uses if fitOnly.
func (c *Calibration) evaluate(cat *modelcatalog.Catalog, p Params, fitOnly bool) []Row {
	rows := make([]Row, 0, len(c.Points))
	for _, pt := range c.Points {
		if fitOnly && !pt.fitted() {
			continue
		}
		cfg, err := c.config(pt, cat)
		if err != nil {
			continue // LoadCalibration rules this out
		}
		res, within := predictPoint(cfg, pt, p)
		row := Row{Point: pt, Predicted: res, model: cfg.Model, Within: within}
		if pt.mlperf() {
			if res.Fits && within {
				row.Throughput = res.OutputTokS / pt.OutputTokS
			}
			rows = append(rows, row)
			continue
		}
		if res.Fits {
			if pt.OutputTokS > 0 {
				row.Throughput = res.OutputTokS / pt.OutputTokS
			}
			if pt.TTFTMs > 0 && res.TTFTMs != nil && pt.Burst == 0 {
				ttft := *res.TTFTMs
				if pt.TTFTStat == "median" {
					ttft = res.ttftMedianMs
				}
				row.TTFT = (ttft + float64(pt.heldSteps())*res.TPOTMs) / pt.TTFTMs
			}
			if pt.TPOTMs > 0 {
				row.TPOT = res.TPOTMs / pt.TPOTMs
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// Weights of the fit's terms: throughput counts most, latencies less, and
// a light pull toward the prior keeps factors with little data sane.
const (
	wTTFT  = 0.5
	wTPOT  = 0.3
	wPrior = 0.05
	// wGeneration pulls a generation's multiplier toward the shared
	// efficiency: it deviates only as far as its points demand.
	wGeneration = 1.0
	// wEngines pulls an engine's eager kernel launch and request overhead
	// toward the other engines' as firmly: launching a kernel from Python,
	// and an OpenAI server's HTTP, chat template, tokenization and
	// scheduling of a request, are the same CPU work whichever engine does
	// them (all three serve PyTorch models behind a Python front end), so
	// an engine deviates only as far as its own points demand, and the
	// latency of a model it has no dense point for (the engine's cost a
	// prompt) is not put on every request.
	wEngines = 1.0
	// missPenalty is the cost of a point the model says cannot fit.
	missPenalty = 5.0
)

func (c *Calibration) objective(cat *modelcatalog.Catalog, p Params, skip string) float64 {
	sum := 0.0
	for _, r := range c.evaluate(cat, p, true) {
		if r.Point.Source == skip {
			continue
		}
		if !r.Predicted.Fits {
			sum += missPenalty
			continue
		}
		if r.Throughput > 0 {
			sum += sq(math.Log(r.Throughput))
		}
		if r.TTFT > 0 {
			sum += wTTFT * sq(math.Log(r.TTFT))
		}
		if r.TPOT > 0 {
			sum += wTPOT * sq(math.Log(r.TPOT))
		}
	}
	return sum + priorPenalty(p)
}

// priorPenalty pulls each parameter toward its prior. An engine's step,
// kernel and request overheads are pulled toward the other engines' (their
// geometric mean), and that pool toward the prior: an engine whose source
// is missing gets what the other engines' front ends and schedulers cost,
// not the prior's guess.
func priorPenalty(p Params) float64 {
	sum := 0.0
	for _, k := range knobs() {
		w := k.prior
		if w == 0 {
			w = wPrior
		}
		pooled := pooledTable(k.name)
		if pooled == nil {
			sum += w * sq(math.Log(k.get(p)/k.get(Prior)))
			continue
		}
		others, n := 0.0, 0
		for e, v := range pooled(p) {
			if e != k.key {
				others += math.Log(v)
				n++
			}
		}
		sum += w * sq(math.Log(k.get(p))-others/float64(n))
	}
	for _, name := range []string{"step.", "kernel.", "prefill-kernel.", "prefill-moe.", "request.", "front-end."} {
		pooled := pooledTable(name)
		sum += wPrior * sq(math.Log(geomean(pooled(p))/geomean(pooled(Prior))))
	}
	return sum
}

// pooledTable is the table of a knob pooled across engines, or nil.
func pooledTable(name string) func(Params) map[string]float64 {
	switch {
	case strings.HasPrefix(name, "step."):
		return func(p Params) map[string]float64 { return p.StepMs }
	case strings.HasPrefix(name, "kernel."):
		return func(p Params) map[string]float64 { return p.KernelUs }
	case strings.HasPrefix(name, "prefill-kernel."):
		return func(p Params) map[string]float64 { return p.PrefillKernelUs }
	case strings.HasPrefix(name, "prefill-moe."):
		return func(p Params) map[string]float64 { return p.PrefillMoEUs }
	case strings.HasPrefix(name, "request."):
		return func(p Params) map[string]float64 { return p.RequestMs }
	case strings.HasPrefix(name, "front-end."):
		return func(p Params) map[string]float64 { return p.FrontEndMs }
	}
	return nil
}

func geomean(m map[string]float64) float64 {
	s := 0.0
	for _, v := range m {
		s += math.Log(v)
	}
	return math.Exp(s / float64(len(m)))
}

// Fit fits the parameters to every point except those of source skip
// (empty: all), by coordinate descent on each parameter's logarithm.
func (c *Calibration) Fit(cat *modelcatalog.Catalog, skip string) Params {
	return c.fitFrom(cat, Prior.clone(), skip)
}

// fitFrom fits from the parameters p.
func (c *Calibration) fitFrom(cat *modelcatalog.Catalog, p Params, skip string) Params {
	const rounds, steps = 4, 18
	phi := (math.Sqrt(5) - 1) / 2
	for range rounds {
		for _, k := range knobs() {
			cur := k.get(p)
			lo, hi := math.Log(math.Max(k.lo, cur/2)), math.Log(math.Min(k.hi, cur*2))
			if hi <= lo {
				continue
			}
			f := func(x float64) float64 {
				k.set(&p, math.Exp(x))
				return c.objective(cat, p, skip)
			}
			a, b := lo, hi
			x1, x2 := b-phi*(b-a), a+phi*(b-a)
			f1, f2 := f(x1), f(x2)
			for range steps {
				if f1 < f2 {
					b, x2, f2 = x2, x1, f1
					x1 = b - phi*(b-a)
					f1 = f(x1)
				} else {
					a, x1, f1 = x1, x2, f2
					x2 = a + phi*(b-a)
					f2 = f(x2)
				}
			}
			best := math.Exp((a + b) / 2)
			if f(math.Log(best)) < f(math.Log(cur)) {
				k.set(&p, best)
			} else {
				k.set(&p, cur)
			}
		}
	}
	for _, k := range knobs() {
		k.set(&p, round3(k.get(p)))
	}
	return p
}

// Stats summarises errors: the median absolute error of throughput and
// TTFT (|predicted − measured| ÷ measured) and the worst factor off.
type Stats struct {
	Points, TTFTPoints, TPOTPoints int
	MedianThroughputErr            float64
	MedianTTFTErr                  float64
	MedianTPOTErr                  float64
	WorstFactor                    float64
	Misses                         int
}

// Summarise computes the statistics of the rows the fit uses: the
// excluded and the MLPerf points are shown, not summarised here
// (SummariseMLPerf).
func Summarise(rows []Row) Stats {
	var thr, ttft, tpot []float64
	s := Stats{WorstFactor: 1}
	for _, r := range rows {
		if !r.Point.fitted() {
			continue
		}
		if !r.Predicted.Fits {
			s.Misses++
			continue
		}
		if r.Throughput > 0 {
			thr = append(thr, math.Abs(r.Throughput-1))
			s.WorstFactor = math.Max(s.WorstFactor, off(r.Throughput))
		}
		if r.TTFT > 0 {
			ttft = append(ttft, math.Abs(r.TTFT-1))
			s.WorstFactor = math.Max(s.WorstFactor, off(r.TTFT))
		}
		if r.TPOT > 0 {
			tpot = append(tpot, math.Abs(r.TPOT-1))
			s.WorstFactor = math.Max(s.WorstFactor, off(r.TPOT))
		}
	}
	s.Points, s.TTFTPoints, s.TPOTPoints = len(thr), len(ttft), len(tpot)
	s.MedianThroughputErr, s.MedianTTFTErr, s.MedianTPOTErr = median(thr), median(ttft), median(tpot)
	return s
}

// FitWithout fits the parameters once without each source, two sources
// at a time in parallel.
func (c *Calibration) FitWithout(cat *modelcatalog.Catalog) map[string]Params {
	out := make(map[string]Params, len(c.Sources))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, s := range c.Sources {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			sem <- struct{}{}
			p := c.Fit(cat, id)
			<-sem
			mu.Lock()
			out[id] = p
			mu.Unlock()
		}(s.ID)
	}
	wg.Wait()
	return out
}

// LeaveOneOut predicts each source's points with the parameters fitted
// without that source: the rows line up with c.Points. A source missing
// from without is predicted with the prior.
func (c *Calibration) LeaveOneOut(cat *modelcatalog.Catalog, without map[string]Params) []Row {
	out := make([]Row, len(c.Points))
	for _, s := range c.Sources {
		p, ok := without[s.ID]
		if !ok {
			p = Prior
		}
		for i, r := range c.Evaluate(cat, p) {
			if r.Point.Source == s.ID {
				out[i] = r
			}
		}
	}
	return out
}

// GoSource renders the fitted parameters as the Go file factors_gen.go:
// Fitted, and FittedWithout, the parameters fitted without each source
// (the leave-one-source-out fits the report's errors come from).
func GoSource(p Params, without map[string]Params) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by go test -run TestCalibration -update; DO NOT EDIT.\n\n")
	b.WriteString("package perf\n\n")
	b.WriteString("// Fitted are the parameters fitted to testdata/calibration.json (docs/SIZING.md).\n")
	b.WriteString("var Fitted = ")
	writeParams(&b, p)
	b.WriteString("\n\n// FittedWithout are the parameters fitted without each source's points.\n")
	b.WriteString("var FittedWithout = map[string]Params{\n")
	for _, k := range sortedKeys(without) {
		fmt.Fprintf(&b, "%q: ", k)
		writeParams(&b, without[k])
		b.WriteString(",\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func writeParams(b *bytes.Buffer, p Params) {
	fmt.Fprintf(b, "Params{\nMemory: %g, Compute: %g, MoEWidth: %g, Int4MoEUs: %g, AllReduceHalfMB: %g, SequenceUs: %g, RoutingExp: %g,\n", p.Memory, p.Compute, p.MoEWidth, p.Int4MoEUs, p.AllReduceHalfMB, p.SequenceUs, p.RoutingExp)
	for _, t := range []struct {
		name string
		m    map[string]float64
	}{{"MemoryGen", p.MemoryGen}, {"ComputeGen", p.ComputeGen}, {"EngineScale", p.EngineScale}, {"StepMs", p.StepMs},
		{"KernelUs", p.KernelUs}, {"PrefillKernelUs", p.PrefillKernelUs}, {"PrefillMoEUs", p.PrefillMoEUs}, {"RequestMs", p.RequestMs}, {"FrontEndMs", p.FrontEndMs}, {"AllReduceUs", p.AllReduceUs}, {"ComputePrec", p.ComputePrec}, {"MoE", p.MoE}, {"MoECompute", p.MoECompute}, {"MoEComputeEP", p.MoEComputeEP}} {
		fmt.Fprintf(b, "%s: map[string]float64{", t.name)
		for i, k := range sortedKeys(t.m) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q: %g", k, t.m[k])
		}
		b.WriteString("},\n")
	}
	b.WriteString("}")
}

func off(ratio float64) float64 {
	if ratio <= 0 {
		return math.Inf(1)
	}
	return math.Max(ratio, 1/ratio)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sq(x float64) float64 { return x * x }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
