package perf

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
)

// Query is a question put to the model in the catalog's words, as
// `costgate perf` takes it.
type Query struct {
	// Model is a catalog id or a Hugging Face repository, the catalog's
	// own or a quantized or vendor checkpoint of one
	// (modelcatalog.Checkpoint).
	Model string
	// Config, when set, is the architecture to predict (a config.json read
	// by modelcatalog.ParseHFConfig) instead of Model's; Model then only
	// names it.
	Config *modelcatalog.OpenModel
	// GPU is a catalog GPU id.
	GPU                       string
	TP, GPUs                  int
	Precision, KVPrecision    string
	Engine                    string
	InputTokens, OutputTokens int
	// Concurrency is a number of requests in flight or "max"; empty when
	// RequestRate asks the load instead.
	Concurrency string
	// RequestRate is an open loop's arrival rate, requests a second across
	// the deployment (PredictRate); 0 when Concurrency asks the load.
	RequestRate float64
	// MaxNumSeqs and MemoryFraction are the launch's --max-num-seqs and
	// --gpu-memory-utilization where given (Config's; 0: the engine's
	// defaults), so that a plan's vllm_args can be asked as launched.
	MaxNumSeqs     int
	MemoryFraction float64
	// MaxNumBatchedTokens is the engine's token budget a step where given
	// (Config.MaxNumTokens; 0: the engine's default on the GPU).
	MaxNumBatchedTokens int
}

// MinStepBudget and MaxStepBudget bound a query's token budget a step:
// below a few hundred tokens a prompt is cut into more steps than any
// engine's launch would choose, and above 262,144 the budget outgrows the
// longest context any catalog model serves, so it bounds nothing.
const (
	MinStepBudget = 256
	MaxStepBudget = 1 << 18
)

// CheckStepBudget says why b tokens cannot be a query's budget a step.
func CheckStepBudget(b int) error {
	if b < MinStepBudget || b > MaxStepBudget {
		return fmt.Errorf("--max-num-batched-tokens %d: want %d–%d tokens a step", b, MinStepBudget, MaxStepBudget)
	}
	return nil
}

// EngineNIM names NVIDIA NIM to a query: TensorRT-LLM running a compiled
// TensorRT engine (Config.Compiled), as NIM 1.x's TensorRT-LLM profiles
// do. Its prefill steps launch no kernels from the CPU: a short prompt's
// first token comes two to three times sooner than a plain tensorrt-llm
// query (the PyTorch backend, eager prefill) predicts (docs/SIZING.md).
const EngineNIM = "nim"

// EnginePyTorch names TensorRT-LLM's PyTorch backend alone: its 1.x
// releases' default, and the only runtime that serves today's mixtures of
// experts (gpt-oss, DeepSeek-R1, Qwen3's).
const EnginePyTorch = "tensorrt-llm-pytorch"

// QueryEngines are the engines a query names: the performance model's,
// NIM and TensorRT-LLM's PyTorch backend.
var QueryEngines = append(slices.Clone(Engines), EngineNIM, EnginePyTorch)

// Answer is a prediction with the configuration it answers.
type Answer struct {
	Model        string `json:"model"`
	HFRepo       string `json:"hf_repo"`
	GPU          string `json:"gpu"`
	TP           int    `json:"tp"`
	GPUs         int    `json:"gpus"`
	Precision    string `json:"precision"`
	KVPrecision  string `json:"kv_precision"`
	Engine       string `json:"engine"`
	InputTokens  int    `json:"input_tokens"`
	OutputTokens int    `json:"output_tokens"`
	// Concurrency is nil at saturation ("max") and at a request rate.
	Concurrency *int `json:"concurrency"`
	// RequestRate is the open loop's arrival rate asked, requests a second
	// across the deployment; absent when the query asked a concurrency.
	RequestRate *float64 `json:"request_rate,omitempty"`
	// MaxNumBatchedTokens is the token budget a step the answer ran at:
	// the query's, else the engine's default on the GPU.
	MaxNumBatchedTokens int `json:"max_num_batched_tokens"`
	Result
	// Measured lists the catalog's benchmark figures for the same model,
	// GPU and tensor-parallel size, beside the prediction.
	Measured []modelcatalog.Throughput `json:"measured,omitempty"`
}

// Ask resolves the query against the catalog and predicts it. An error is
// a question that cannot be asked (an unknown model, GPU, engine or
// precision, or a count below one); a configuration that cannot serve is
// an Answer with Fits false.
func Ask(cat *modelcatalog.Catalog, q Query) (Answer, error) {
	m, repo, prec, note, err := resolveModel(cat, q)
	if err != nil {
		return Answer{}, err
	}
	q.Precision = prec
	g, ok := cat.GPU(q.GPU)
	if !ok {
		return Answer{}, fmt.Errorf("--gpu %q is not a catalog GPU; known: %s", q.GPU, strings.Join(cat.GPUIDs(), ", "))
	}
	if !slices.Contains(QueryEngines, q.Engine) {
		return Answer{}, fmt.Errorf("--engine %q: want one of %s", q.Engine, strings.Join(QueryEngines, ", "))
	}
	engine, compiled, between := q.Engine, false, false
	switch q.Engine {
	case EngineNIM:
		engine, compiled = "tensorrt-llm", true
	case EnginePyTorch:
		engine = "tensorrt-llm"
	case "tensorrt-llm":
		between = m.Experts == 0
	}
	if !slices.Contains(Precisions, q.Precision) {
		return Answer{}, fmt.Errorf("--precision %q: want one of %s", q.Precision, strings.Join(Precisions, ", "))
	}
	kv := q.KVPrecision
	if kv == "" {
		kv = "bf16"
	}
	if !slices.Contains(KVPrecisions, kv) {
		return Answer{}, fmt.Errorf("--kv-precision %q: want one of %s", kv, strings.Join(KVPrecisions, ", "))
	}
	gpus := q.GPUs
	if gpus == 0 {
		gpus = q.TP
	}
	for _, c := range []struct {
		flag string
		n    int
	}{{"--tp", q.TP}, {"--gpus", gpus}, {"--input-tokens", q.InputTokens}, {"--output-tokens", q.OutputTokens}} {
		if c.n < 1 {
			return Answer{}, fmt.Errorf("%s %d: want at least 1", c.flag, c.n)
		}
	}
	if err := checkLaunch(q); err != nil {
		return Answer{}, err
	}
	conc, rate, err := queryLoad(q)
	if err != nil {
		return Answer{}, err
	}
	c := Config{Model: m, GPU: g, Engine: engine, Compiled: compiled, Precision: q.Precision, KVPrecision: kv, TP: q.TP, GPUs: gpus,
		InputTokens: q.InputTokens, OutputTokens: q.OutputTokens, MaxNumSeqs: q.MaxNumSeqs, MemoryFraction: q.MemoryFraction,
		MaxNumTokens: q.MaxNumBatchedTokens}
	c.GPUsPerInstance, c.NetworkGbps = instanceOf(cat, g.ID)
	if conc != nil {
		c.Concurrency = *conc
	}
	predict := predictor(rate)
	res := predict(c)
	if between {
		c.Compiled = true
		res = runtimes(res, predict(c))
	}
	res.Notes = append(res.Notes, defaultBudgetNote(c, res, predict)...)
	a := Answer{Model: m.ID, HFRepo: repo, GPU: g.ID, TP: q.TP, GPUs: gpus, Precision: q.Precision, KVPrecision: kv,
		Engine: q.Engine, InputTokens: q.InputTokens, OutputTokens: q.OutputTokens, Concurrency: conc, RequestRate: rate,
		MaxNumBatchedTokens: stepBudget(c), Result: res}
	if note != "" {
		a.Notes = append([]string{note}, a.Notes...)
	}
	for _, t := range cat.ThroughputFor(m.ID, g.ID) {
		if t.TensorParallel == q.TP {
			a.Measured = append(a.Measured, t)
		}
	}
	return a, nil
}

// CheckRequestRate says why r cannot be a query's arrival rate: it is
// requests a second across the deployment, finite and above 0.
func CheckRequestRate(r float64) error {
	if !(r > 0) || math.IsInf(r, 0) {
		return fmt.Errorf("--request-rate %g: want requests a second across the deployment, above 0", r)
	}
	return nil
}

// predictor answers a configuration at the load a query asks: its
// concurrency (Predict), or the request rate when one is given.
func predictor(rate *float64) func(Config) Result {
	if rate == nil {
		return Predict
	}
	return func(c Config) Result { return PredictRate(c, *rate) }
}

// queryLoad is the load q asks: a number of requests in flight (nil at
// saturation) or an arrival rate, exactly one of the two.
func queryLoad(q Query) (conc *int, rate *float64, err error) {
	switch {
	case q.RequestRate != 0 && q.Concurrency != "":
		return nil, nil, fmt.Errorf("--request-rate %g and --concurrency %q: give one, a rate of arrivals or a number of requests in flight", q.RequestRate, q.Concurrency)
	case q.RequestRate != 0:
		if err := CheckRequestRate(q.RequestRate); err != nil {
			return nil, nil, err
		}
		r := q.RequestRate
		return nil, &r, nil
	case q.Concurrency == "max":
		return nil, nil, nil
	}
	n, err := strconv.Atoi(q.Concurrency)
	if err != nil || n < 1 {
		return nil, nil, fmt.Errorf("--concurrency %q: want a number of requests (at least 1) or max", q.Concurrency)
	}
	return &n, nil, nil
}

// checkLaunch checks the launch's own flags a query gives (0: the
// engine's default).
func checkLaunch(q Query) error {
	if q.MaxNumSeqs < 0 {
		return fmt.Errorf("--max-num-seqs %d: want at least 1", q.MaxNumSeqs)
	}
	if b := q.MaxNumBatchedTokens; b != 0 {
		if err := CheckStepBudget(b); err != nil {
			return err
		}
		if q.Engine == "vllm" && q.MaxNumSeqs > b {
			// vLLM's scheduler config refuses it: every running sequence's
			// decode token counts against the budget.
			return fmt.Errorf("--max-num-batched-tokens %d is below --max-num-seqs %d, which vLLM refuses (max_num_batched_tokens must be at least max_num_seqs)", b, q.MaxNumSeqs)
		}
	}
	if q.MemoryFraction < 0 || q.MemoryFraction > 1 {
		return fmt.Errorf("--gpu-memory-utilization %g: want a share of the GPU's memory above 0, at most 1", q.MemoryFraction)
	}
	return nil
}

// defaultBudgetNote says where vLLM's default token budget on the GPU
// costs the KV cache sequences: 8,192 tokens a step on a GPU of 70 GB or
// more other than an A100 (2,048 otherwise, vllm/engine/arg_utils.py), and
// the start-up forward over that budget takes its activations from the
// cache (vllmActivations). At these defaults an H100 can hold fewer
// sequences than an A100 80GB and serve the same job slower; the same
// launch at 2,048 tells what the budget costs, asked at the same load
// (predict: at a request rate, the same rate, where a rate-limited
// output read against a saturated one had claimed 2,048 served more).
func defaultBudgetNote(c Config, r Result, predict func(Config) Result) []string {
	if c.Engine != "vllm" || c.MaxNumTokens > 0 || stepBudget(c) <= vllmSmallBudget {
		return nil
	}
	small := c
	small.MaxNumTokens = vllmSmallBudget
	s := predict(small)
	// Only where the cache's sequences are what holds the job back: a
	// launch at 2,048 that fits where this one does not, or holds more
	// sequences and serves a tenth more or better (two more of hundreds
	// at saturation, a percent or two, are not worth the note).
	if !s.Fits || r.Fits && (s.KVCacheSequences <= r.KVCacheSequences || s.OutputTokS < r.OutputTokS*1.1) {
		return nil
	}
	here := "no sequence fits here"
	if r.Fits {
		here = fmt.Sprintf("the cache holds %s here (%.2f output tok/s)", sequences(r.KVCacheSequences), r.OutputTokS)
	}
	return []string{fmt.Sprintf("vLLM's default token budget on a GPU of 70 GB or more other than an A100 is %d tokens a step (%d on others), and its start-up forward over it takes KV-cache room: %s, %s at --max-num-batched-tokens %d (%.2f output tok/s)",
		stepBudget(c), vllmSmallBudget, here, sequences(s.KVCacheSequences), vllmSmallBudget, s.OutputTokS)}
}

// sequences is n sequences in words.
func sequences(n int) string {
	if n == 1 {
		return "1 sequence"
	}
	return fmt.Sprintf("%d sequences", n)
}

// runtimes answers a dense model's tensorrt-llm query, which names two
// runtimes: the PyTorch backend (pytorch: prefill steps launch their
// kernels from the CPU) and a compiled TensorRT engine (compiled: NIM's
// TensorRT-LLM profiles, the releases before 1.0). Both publish as
// "TensorRT-LLM"; they decode alike but a short prompt's first token comes
// up to three times sooner compiled. The answer is their geometric mean,
// the one point within the least factor of either (docs/SIZING.md,
// "Which TensorRT-LLM"); the factors are the PyTorch backend's.
func runtimes(pytorch, compiled Result) Result {
	if !pytorch.Fits || !compiled.Fits {
		return pytorch
	}
	gm := func(a, b float64) float64 { return math.Sqrt(a * b) }
	gmp := func(a, b *float64) *float64 {
		if a == nil || b == nil {
			return nil
		}
		v := round2(gm(*a, *b))
		return &v
	}
	r := pytorch
	r.OutputTokS, r.InputTokS = round2(gm(pytorch.OutputTokS, compiled.OutputTokS)), round2(gm(pytorch.InputTokS, compiled.InputTokS))
	r.TTFTMs, r.TTFTP95Ms, r.TTFTP999Ms = gmp(pytorch.TTFTMs, compiled.TTFTMs), gmp(pytorch.TTFTP95Ms, compiled.TTFTP95Ms), gmp(pytorch.TTFTP999Ms, compiled.TTFTP999Ms)
	r.TPOTMs = round2(gm(pytorch.TPOTMs, compiled.TPOTMs))
	r.ttftMedianMs, r.ttftP99Ms = gm(pytorch.ttftMedianMs, compiled.ttftMedianMs), gm(pytorch.ttftP99Ms, compiled.ttftP99Ms)
	note := "tensorrt-llm names two runtimes that serve a dense model and publish under one name: the geometric mean of the PyTorch backend's prediction"
	if pytorch.TTFTMs != nil && compiled.TTFTMs != nil {
		note += fmt.Sprintf(" (mean TTFT %.2f ms) and a compiled TensorRT engine's (%.2f ms, as NIM's TensorRT-LLM profiles run)", *pytorch.TTFTMs, *compiled.TTFTMs)
	} else {
		note += " and a compiled TensorRT engine's (as NIM's TensorRT-LLM profiles run)"
	}
	r.Notes = append(slices.Clone(pytorch.Notes), note+"; --engine "+EnginePyTorch+" or --engine "+EngineNIM+" asks one")
	// Where the compiled engine alone outruns the API server, its half of
	// the mean waits for the server: say so, as its own answer does (a
	// closed loop's TTFT then grows with the engine's speed; dropped, an
	// eight-B200 answer read as 2.3 times the eight H200s' with no reason).
	for _, n := range compiled.Notes {
		if strings.HasPrefix(n, frontBoundNote) {
			r.Notes = append(r.Notes, n+" (the compiled engine's half of the mean)")
		}
	}
	return r
}

// resolveModel finds the architecture a query asks about and the weight
// format it runs at: --model-config's, or the checkpoint --model names
// (modelcatalog.Checkpoint). The precision defaults to the one the
// checkpoint's name states, else the architecture's own weights; a
// --precision that contradicts the checkpoint's is an error, since the
// repository holds those weights and no others. note says what was
// inferred from a name.
func resolveModel(cat *modelcatalog.Catalog, q Query) (m *modelcatalog.OpenModel, repo, prec, note string, err error) {
	var named string
	if q.Config != nil {
		m, repo = q.Config, q.Model
		if repo == "" {
			repo = q.Config.Name
		}
		if q.Config.WeightsDType != "bf16" {
			named = q.Config.WeightsDType // its quantization_config
		}
	} else {
		c, ok := cat.Checkpoint(q.Model)
		if !ok {
			return nil, "", "", "", fmt.Errorf("--model %q is neither a catalog model id nor a known Hugging Face repository or checkpoint of one; known: %s (or give its config.json with --model-config)",
				q.Model, strings.Join(cat.ArchitectureIDs(), ", "))
		}
		m, repo, named = c.Model, c.Repo, c.Precision
		if named != "" {
			note = fmt.Sprintf("%s holds %s weights of %s (%s), as its name says", repo, named, m.ID, m.HFRepo)
		}
	}
	prec = q.Precision
	switch {
	case prec == "" && named != "":
		prec = named
	case prec == "":
		prec = m.WeightsDType
	case named != "" && prec != named:
		return nil, "", "", "", fmt.Errorf("--precision %s contradicts %s, which holds %s weights; leave --precision out or name the unquantized repository", prec, repo, named)
	}
	return m, repo, prec, note, nil
}

// instanceOf is the instance a deployment of the GPU runs on when it
// needs more than one: the catalog's type carrying the most of it, and
// that type's network (0: unknown). No type at all is 0, 0: every GPU in
// one instance.
func instanceOf(cat *modelcatalog.Catalog, gpu string) (gpus int, gbps float64) {
	in, ok := cat.LargestInstance(gpu)
	if !ok {
		return 0, 0
	}
	if in.NetworkGbps != nil {
		gbps = in.NetworkGbps.Value
	}
	return in.GPUs, gbps
}
