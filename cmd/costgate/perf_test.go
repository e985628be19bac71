package main

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// perfJSON is the contract's part of `costgate perf --format json`.
type perfJSON struct {
	Model               string   `json:"model"`
	MaxNumBatchedTokens int      `json:"max_num_batched_tokens"`
	OutputTokS          *float64 `json:"output_tok_s_total"`
	TTFTMs              *float64 `json:"ttft_ms"`
	TTFTP95Ms           *float64 `json:"ttft_p95_ms"`
	TPOTMs              *float64 `json:"tpot_ms"`
	KVCacheSequences    *int     `json:"kv_cache_sequences"`
	Fits                *bool    `json:"fits"`
	Reason              string   `json:"reason"`
	Factors             *struct {
		MemoryEfficiency  float64 `json:"memory_efficiency"`
		ComputeEfficiency float64 `json:"compute_efficiency"`
	} `json:"factors"`
	Notes []string `json:"notes"`
}

// perfOf runs costgate with args (a JSON perf query) and decodes its
// answer into a T; an exit other than 0 fails t.
func perfOf[T any](t *testing.T, args []string) T {
	t.Helper()
	code, out, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p T
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func perfArgs(model, gpu, tp, prec, engine, in, out, conc string, extra ...string) []string {
	return append([]string{"perf", "--model", model, "--gpu", gpu, "--tp", tp, "--precision", prec, "--engine", engine,
		"--input-tokens", in, "--output-tokens", out, "--concurrency", conc, "--format", "json"}, extra...)
}

func TestPerfJSON(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		model    string
		fits     bool
		ttft     bool   // a TTFT is reported
		reason   string // part of the reason when it does not fit
		note     string // part of a note
		minTokS  float64
		maxTokS  float64
		minSeqs  int
		explicit bool
	}{
		{name: "Hugging Face repo resolves", args: perfArgs("meta-llama/Llama-3.1-70B-Instruct", "h100", "2", "fp8", "vllm", "5000", "500", "50"),
			model: "llama-3.1-70b", fits: true, ttft: true, minTokS: 300, maxTokS: 3000, minSeqs: 10},
		{name: "saturation has no TTFT", args: perfArgs("qwen3-8b", "l40s", "1", "bf16", "sglang", "2000", "200", "max"),
			model: "qwen3-8b", fits: true, minTokS: 200, maxTokS: 20000, minSeqs: 10},
		{name: "FP8 on A100 runs weight-only", args: perfArgs("llama-3.1-8b", "a100-80gb", "1", "fp8", "vllm", "1000", "100", "8"),
			model: "llama-3.1-8b", fits: true, ttft: true, note: "weight-only", minTokS: 100, maxTokS: 5000, minSeqs: 100},
		{name: "BF16 70B does not fit one GPU", args: perfArgs("llama-3.1-70b", "l40s", "1", "bf16", "vllm", "1000", "100", "1"),
			model: "llama-3.1-70b", reason: "leave no room"},
		{name: "tensor parallel over two instances", args: perfArgs("deepseek-v3", "h100", "16", "fp8", "sglang", "1000", "100", "8", "--gpus", "16"),
			model: "deepseek-v3", fits: true, ttft: true, note: "2 instances of 8 h100", minTokS: 50, maxTokS: 5000, minSeqs: 8},
		{name: "GPUs that do not fill whole instances", args: perfArgs("deepseek-v3", "h200", "4", "fp8", "sglang", "1000", "100", "8", "--gpus", "12"),
			model: "deepseek-v3", reason: "do not fill whole instances"},
		{name: "MoE expert parallel", args: perfArgs("Qwen/Qwen3-30B-A3B", "h100", "1", "bf16", "vllm", "1000", "200", "64", "--gpus", "2"),
			model: "qwen3-30b-a3b", fits: true, ttft: true, note: "expert parallel", minTokS: 500, maxTokS: 50000, minSeqs: 100},
		{name: "PCIe tensor parallel", args: perfArgs("qwen3-32b", "l40s", "4", "bf16", "vllm", "2000", "200", "16", "--kv-precision", "fp8"),
			model: "qwen3-32b", fits: true, ttft: true, note: "over PCIe", minTokS: 50, maxTokS: 5000, minSeqs: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got perfJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			if got.OutputTokS == nil || got.TPOTMs == nil || got.KVCacheSequences == nil || got.Fits == nil || got.Factors == nil ||
				!strings.Contains(stdout, `"ttft_ms"`) || !strings.Contains(stdout, `"ttft_p95_ms"`) {
				t.Fatalf("missing contract fields in %s", stdout)
			}
			if got.Model != tc.model || *got.Fits != tc.fits {
				t.Fatalf("model %s fits %v (%s), want %s fits %v", got.Model, *got.Fits, got.Reason, tc.model, tc.fits)
			}
			if !tc.fits {
				if !strings.Contains(got.Reason, tc.reason) {
					t.Errorf("reason %q, want it to say %q", got.Reason, tc.reason)
				}
				return
			}
			if (got.TTFTMs != nil) != tc.ttft || (got.TTFTP95Ms != nil) != tc.ttft {
				t.Errorf("ttft_ms %v, ttft_p95_ms %v: want them reported %v", got.TTFTMs, got.TTFTP95Ms, tc.ttft)
			}
			if *got.OutputTokS < tc.minTokS || *got.OutputTokS > tc.maxTokS || *got.KVCacheSequences < tc.minSeqs {
				t.Errorf("%.0f tok/s (want %.0f–%.0f), %d sequences (want ≥ %d)", *got.OutputTokS, tc.minTokS, tc.maxTokS, *got.KVCacheSequences, tc.minSeqs)
			}
			if got.Factors.MemoryEfficiency <= 0 || got.Factors.ComputeEfficiency <= 0 {
				t.Errorf("factors %+v", *got.Factors)
			}
			if tc.note != "" && !strings.Contains(strings.Join(got.Notes, " "), tc.note) {
				t.Errorf("notes %v, want one saying %q", got.Notes, tc.note)
			}
		})
	}
}

// TestPerfNIM: --engine nim is TensorRT-LLM running a compiled engine, as
// NIM 1.x's profiles (and the calibration's NIM points) do: the same
// decode as a plain tensorrt-llm query, a short prompt's first token
// sooner (no prefill step launches its kernels from the CPU), and the
// answer names the engine asked.
func TestPerfNIM(t *testing.T) {
	ask := func(engine string) perfJSON {
		t.Helper()
		code, stdout, stderr := runCLI(perfArgs("meta-llama/Llama-3.1-8B-Instruct", "h100", "1", "fp8", engine, "200", "200", "1")...)
		if code != 0 {
			t.Fatalf("--engine %s: exit %d: %s", engine, code, stderr)
		}
		if !strings.Contains(stdout, `"engine": "`+engine+`"`) {
			t.Errorf("--engine %s: the answer does not name it:\n%s", engine, stdout)
		}
		var got perfJSON
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if got.TTFTMs == nil || got.TPOTMs == nil {
			t.Fatalf("--engine %s: no TTFT or TPOT: %s", engine, stdout)
		}
		return got
	}
	nim, pt, trt := ask("nim"), ask("tensorrt-llm-pytorch"), ask("tensorrt-llm")
	if *nim.TPOTMs != *pt.TPOTMs {
		t.Errorf("TPOT %v ms under nim, %v under the PyTorch backend: a decode step is graphed under both", *nim.TPOTMs, *pt.TPOTMs)
	}
	if *nim.TTFTMs >= *pt.TTFTMs*0.8 {
		t.Errorf("TTFT %v ms under nim, %v under the PyTorch backend: a compiled engine's prefill launches no kernels from the CPU", *nim.TTFTMs, *pt.TTFTMs)
	}
	// tensorrt-llm names both runtimes for a dense model: their geometric
	// mean, within the least factor of either.
	if want := math.Sqrt(*nim.TTFTMs * *pt.TTFTMs); math.Abs(*trt.TTFTMs-want) > 0.02 {
		t.Errorf("TTFT %v ms under tensorrt-llm, want %.2f, the geometric mean of nim's %v and the PyTorch backend's %v", *trt.TTFTMs, want, *nim.TTFTMs, *pt.TTFTMs)
	}
}

// TestPerfTensorRTLLMMixtureOfExperts: a mixture of experts runs on
// TensorRT-LLM's PyTorch backend alone, so tensorrt-llm answers as it.
func TestPerfTensorRTLLMMixtureOfExperts(t *testing.T) {
	var out [2]string
	for i, engine := range []string{"tensorrt-llm", "tensorrt-llm-pytorch"} {
		code, stdout, stderr := runCLI(perfArgs("gpt-oss-120b", "h100", "1", "mxfp4", engine, "1000", "1000", "4")...)
		if code != 0 {
			t.Fatalf("--engine %s: exit %d: %s", engine, code, stderr)
		}
		out[i] = strings.Replace(stdout, `"engine": "`+engine+`"`, `"engine": ""`, 1)
	}
	if out[0] != out[1] {
		t.Errorf("gpt-oss-120b under tensorrt-llm and its PyTorch backend differ:\n%s\n%s", out[0], out[1])
	}
}

func TestPerfText(t *testing.T) {
	args := perfArgs("qwen2.5-coder-7b", "l4", "1", "bf16", "vllm", "1500", "150", "4")
	code, stdout, stderr := runCLI(args[:len(args)-2]...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"qwen2.5-coder-7b (Qwen/Qwen2.5-Coder-7B-Instruct) on 1 × l4", "output tokens/s", "TTFT mean / p95", "KV cache", "factors (vllm on ada)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestPerfTextRefusedBeforeFactors: a deployment refused before its
// factors are chosen (GPUs that do not fill whole instances) says why and
// shows no line of empty factors.
func TestPerfTextRefusedBeforeFactors(t *testing.T) {
	args := perfArgs("deepseek-v3", "h100", "4", "fp8", "vllm", "128", "128", "1")
	code, stdout, stderr := runCLI(append(args[:len(args)-2], "--gpus", "12")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "do not fill whole instances") || strings.Contains(stdout, "factors (") {
		t.Errorf("text output:\n%s", stdout)
	}
}

func TestPerfInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown model", perfArgs("acme/nope", "h100", "1", "bf16", "vllm", "10", "10", "1"), "--model \"acme/nope\""},
		{"unknown GPU", perfArgs("qwen3-8b", "tpu", "1", "bf16", "vllm", "10", "10", "1"), "--gpu \"tpu\""},
		{"unknown engine", perfArgs("qwen3-8b", "h100", "1", "bf16", "ollama", "10", "10", "1"), "--engine \"ollama\""},
		{"unknown precision", perfArgs("qwen3-8b", "h100", "1", "int3", "vllm", "10", "10", "1"), "--precision \"int3\""},
		{"bad concurrency", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "lots"), "--concurrency \"lots\""},
		{"zero tokens", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "0", "10", "1"), "--input-tokens 0"},
		// 0 is the flag's unset value inside (--gpus defaults to --tp): given, it is no deployment.
		{"zero GPUs", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--gpus", "0"), "--gpus 0"},
		{"bad KV precision", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--kv-precision", "int4"), "--kv-precision \"int4\""},
		{"bad format", append(perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1"), "--format", "xml"), "unknown format"},
		{"missing flag", []string{"perf", "--model", "qwen3-8b"}, "required flag"},
		{"zero sequences", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--max-num-seqs", "0"), "--max-num-seqs 0"},
		{"memory share above 1", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--gpu-memory-utilization", "1.5"), "--gpu-memory-utilization 1.5"},
		{"budget of no tokens", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--max-num-batched-tokens", "0"), "--max-num-batched-tokens 0"},
		{"budget below a step's", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--max-num-batched-tokens", "255"), "want 256–262144"},
		{"budget beyond any engine's", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--max-num-batched-tokens", "1000000"), "--max-num-batched-tokens 1000000"},
		{"budget below vLLM's sequences", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--max-num-batched-tokens", "256", "--max-num-seqs", "1024"), "which vLLM refuses"},
		{"a rate and a concurrency", perfArgs("qwen3-8b", "h100", "1", "bf16", "vllm", "10", "10", "1", "--request-rate", "2"), "[concurrency request-rate] were all set"},
		{"no load", rateArgs("qwen3-8b", "h100", "1", "vllm", "10", "10")[:15], "[concurrency request-rate]"},
		{"no arrivals", rateArgs("qwen3-8b", "h100", "1", "vllm", "10", "10", "0"), "--request-rate 0"},
		{"negative rate", rateArgs("qwen3-8b", "h100", "1", "vllm", "10", "10", "-1"), "--request-rate -1"},
		{"endless rate", rateArgs("qwen3-8b", "h100", "1", "vllm", "10", "10", "+Inf"), "--request-rate +Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(tc.args...)
			if code != exitInvalid || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q: want exit 2 saying %q", code, stderr, tc.want)
			}
		})
	}
}

// TestPerfStepBudget: vLLM's default token budget is 8,192 a step on an
// H100 and 2,048 on an A100, and its start-up forward over the budget
// takes KV-cache room, so at the defaults two H100s hold one of
// Qwen2.5-72B's 5,000-token sequences where two A100s 80GB hold two, and
// serve two requests in flight slower. The answer says so, and
// --max-num-batched-tokens 2048 asks the H100s at the A100s' budget: two
// sequences, and more output than the A100s.
func TestPerfStepBudget(t *testing.T) {
	ask := func(gpu string, extra ...string) perfJSON {
		t.Helper()
		return perfOf[perfJSON](t, perfArgs("qwen2.5-72b", gpu, "2", "bf16", "vllm", "1000", "4000", "2", extra...))
	}
	a100, h100, h100Small := ask("a100-80gb"), ask("h100"), ask("h100", "--max-num-batched-tokens", "2048")
	if *h100.KVCacheSequences >= *a100.KVCacheSequences {
		t.Fatalf("at vLLM's defaults two H100s hold %d sequences, two A100s %d: the case this test is about is gone", *h100.KVCacheSequences, *a100.KVCacheSequences)
	}
	if !slices.ContainsFunc(h100.Notes, func(n string) bool {
		return strings.Contains(n, "vLLM's default token budget") && strings.Contains(n, "--max-num-batched-tokens 2048")
	}) {
		t.Errorf("the H100s' answer does not say what the default budget costs: %q", h100.Notes)
	}
	if h100.MaxNumBatchedTokens != 8192 || a100.MaxNumBatchedTokens != 2048 || h100Small.MaxNumBatchedTokens != 2048 {
		t.Errorf("budgets a step %d, %d and %d: want vLLM's defaults 8,192 (H100) and 2,048 (A100), and the 2,048 asked", h100.MaxNumBatchedTokens, a100.MaxNumBatchedTokens, h100Small.MaxNumBatchedTokens)
	}
	if slices.ContainsFunc(a100.Notes, func(n string) bool { return strings.Contains(n, "default token budget") }) {
		t.Errorf("the A100s run at 2,048 already: %q", a100.Notes)
	}
	if *h100Small.KVCacheSequences < *a100.KVCacheSequences || *h100Small.OutputTokS <= *a100.OutputTokS {
		t.Errorf("at --max-num-batched-tokens 2048 two H100s hold %d sequences and serve %.2f tok/s, two A100s %d and %.2f", *h100Small.KVCacheSequences, *h100Small.OutputTokS, *a100.KVCacheSequences, *a100.OutputTokS)
	}
	if slices.ContainsFunc(h100Small.Notes, func(n string) bool { return strings.Contains(n, "default token budget") }) {
		t.Errorf("a budget given is no default: %q", h100Small.Notes)
	}
	// Where the cache's sequences do not hold the job back, no note: at
	// saturation Llama-3.1-8B on one H100 holds hundreds of sequences, a
	// few more at 2,048, and serves more at 8,192.
	if busy := perfOf[perfJSON](t, perfArgs("llama-3.1-8b", "h100", "1", "bf16", "vllm", "1000", "1000", "max")); slices.ContainsFunc(busy.Notes, func(n string) bool { return strings.Contains(n, "default token budget") }) {
		t.Errorf("a note where the budget costs nothing: %q", busy.Notes)
	}
	// Llama-3.1-70B in FP8 on one H100: at the default budget no
	// 5,000-token sequence fits; at 2,048 one does.
	none := perfOf[perfJSON](t, perfArgs("llama-3.1-70b", "h100", "1", "fp8", "vllm", "1000", "4000", "8"))
	if *none.Fits || !slices.ContainsFunc(none.Notes, func(n string) bool {
		return strings.Contains(n, "no sequence fits here, 1 sequence at --max-num-batched-tokens 2048")
	}) {
		t.Errorf("fits %v, notes %q: want no fit and the budget that fits one", *none.Fits, none.Notes)
	}
}

// TestPerfAsLaunched: --max-num-seqs and --gpu-memory-utilization reach
// the memory model, so a plan's vllm_args can be asked as launched:
// gpt-oss-120b on one H100 holds a few 10,240-token sequences when
// launched with as many sampler rows as its cache holds, fewer at vLLM's
// default of 1,024 rows (on the fleet's release, whose sampler takes 14
// bytes a row and vocabulary entry; the 0.10-0.11 releases' sort, 38,
// left none), and more at a larger memory share.
func TestPerfAsLaunched(t *testing.T) {
	ask := func(extra ...string) perfJSON {
		t.Helper()
		return perfOf[perfJSON](t, perfArgs("gpt-oss-120b", "h100", "1", "mxfp4", "vllm", "8192", "2048", "max", extra...))
	}
	sized := ask()
	if sized.Fits == nil || !*sized.Fits || sized.KVCacheSequences == nil || *sized.KVCacheSequences < 4 {
		t.Fatalf("sized to its cache: %+v", sized)
	}
	n := *sized.KVCacheSequences
	if p := ask("--max-num-seqs", strconv.Itoa(n), "--gpu-memory-utilization", "0.9"); p.KVCacheSequences == nil || *p.KVCacheSequences != n {
		t.Errorf("launched with --max-num-seqs %d: %+v, want the same %d sequences", n, p, n)
	}
	if p := ask("--max-num-seqs", "1024"); p.KVCacheSequences == nil || *p.KVCacheSequences >= n {
		t.Errorf("1,024 sampler rows beside gpt-oss-120b on one H100 leave room for as many sequences as %d rows: %+v", n, p)
	}
	if p := ask("--gpu-memory-utilization", "0.95"); p.KVCacheSequences == nil || *p.KVCacheSequences <= n {
		t.Errorf("0.95 of the memory holds no more than 0.9's %d sequences: %+v", n, p)
	}
}

// rateArgs is a JSON perf query at an open loop's request rate (requests
// a second across the deployment), the query's last two arguments.
func rateArgs(model, gpu, tp, engine, in, out string, rate ...string) []string {
	args := []string{"perf", "--model", model, "--gpu", gpu, "--tp", tp, "--engine", engine,
		"--input-tokens", in, "--output-tokens", out, "--format", "json"}
	for _, r := range rate {
		args = append(args, "--request-rate", r)
	}
	return args
}

// TestPerfRequestRate: --request-rate asks the model at an open loop's
// arrival rate, the question sizing asks of a fleet (the same rate is the
// same job on any part): below capacity the output is the rate's, and
// the first token comes later as the rate rises, never sooner on a
// faster part; at or past capacity TTFT is null and the output the
// saturated rate. The answer names the rate and no concurrency.
func TestPerfRequestRate(t *testing.T) {
	type answer struct {
		perfJSON
		Concurrency *int     `json:"concurrency"`
		RequestRate *float64 `json:"request_rate"`
	}
	ask := func(gpu, rate string) answer {
		return perfOf[answer](t, rateArgs("qwen3-30b-a3b", gpu, "1", "vllm", "2000", "200", rate))
	}
	saturated := perfOf[answer](t, perfArgs("qwen3-30b-a3b", "h100", "1", "bf16", "vllm", "2000", "200", "max"))
	var prev *float64
	for _, rate := range []float64{0.5, 1, 2, 4} {
		r := strconv.FormatFloat(rate, 'f', -1, 64)
		h, a := ask("h100", r), ask("a100-80gb", r)
		if h.RequestRate == nil || *h.RequestRate != rate || h.Concurrency != nil {
			t.Fatalf("at %s a second: request_rate %v, concurrency %v", r, h.RequestRate, h.Concurrency)
		}
		if *h.OutputTokS != rate*200 || h.TTFTMs == nil || h.TTFTP95Ms == nil {
			t.Fatalf("at %s a second: %v output tok/s, TTFT %v / %v ms; want %v and a TTFT", r, *h.OutputTokS, h.TTFTMs, h.TTFTP95Ms, rate*200)
		}
		if prev != nil && *h.TTFTMs < *prev {
			t.Errorf("at %s a second the first token comes in %.1f ms, sooner than %.1f at the lower rate", r, *h.TTFTMs, *prev)
		}
		if a.TTFTMs != nil && *a.TTFTMs < *h.TTFTMs*(1-1e-6) {
			t.Errorf("at %s a second an H100's first token comes in %.1f ms, later than an A100 80GB's %.1f", r, *h.TTFTMs, *a.TTFTMs)
		}
		prev = h.TTFTMs
	}
	past := ask("h100", "1000")
	if past.TTFTMs != nil || *past.OutputTokS != *saturated.OutputTokS {
		t.Errorf("past capacity: TTFT %v, %v output tok/s; want null and the saturated %v", past.TTFTMs, *past.OutputTokS, *saturated.OutputTokS)
	}
	// vLLM's default budget is weighed at the same rate: below capacity
	// 2,048 tokens a step serves the same output (read against a
	// saturated prediction, the note had said it served more).
	light := perfOf[answer](t, rateArgs("qwen3-coder-30b-a3b", "h100", "1", "vllm", "8192", "1024", "0.3"))
	if strings.Contains(strings.Join(light.Notes, " "), "default token budget") {
		t.Errorf("at 0.3 requests a second, below capacity: %q", light.Notes)
	}
	code, text, stderr := runCLI("perf", "--model", "qwen3-30b-a3b", "--gpu", "h100", "--tp", "1", "--engine", "vllm", "--input-tokens", "2000", "--output-tokens", "200", "--request-rate", "2.5")
	if code != 0 || !strings.Contains(text, "request rate 2.5 a second, arriving at random (open loop)") {
		t.Errorf("text answer (exit %d, %s):\n%s", code, stderr, text)
	}
}
