package main

import (
	"strings"
	"testing"
)

// namedArgs asks perf about a model by name only: the precision is the
// checkpoint's (or the model's own).
func namedArgs(model, gpu, tp string, extra ...string) []string {
	return append([]string{"perf", "--model", model, "--gpu", gpu, "--tp", tp, "--engine", "vllm",
		"--input-tokens", "2000", "--output-tokens", "200", "--concurrency", "16", "--format", "json"}, extra...)
}

type namedJSON struct {
	perfJSON
	HFRepo    string `json:"hf_repo"`
	Precision string `json:"precision"`
	GPU       string `json:"gpu"`
}

func askNamed(t *testing.T, args ...string) namedJSON {
	t.Helper()
	return perfOf[namedJSON](t, args)
}

// TestPerfNamedCheckpoints: the repositories users asked for resolve to
// the architecture and precision they carry, and fit where they should.
func TestPerfNamedCheckpoints(t *testing.T) {
	for _, tc := range []struct {
		repo, model, prec, gpu, tp string
	}{
		{"Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "qwen3-235b-a22b-2507", "fp8", "h100", "4"},
		{"zai-org/GLM-4.5-Air-FP8", "glm-4.5-air", "fp8", "h100", "2"},
		{"meta-llama/Llama-3.1-405B-Instruct", "llama-3.1-405b", "bf16", "b200", "8"},
		{"meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama-4-scout", "bf16", "h100", "4"},
		{"meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick", "fp8", "h200", "8"},
		{"moonshotai/Kimi-K2-Instruct", "kimi-k2", "fp8", "b200", "8"},
		{"mistralai/Devstral-Small-2507", "devstral-small", "bf16", "l40s", "2"},
		{"Qwen/Qwen2.5-72B-Instruct", "qwen2.5-72b", "bf16", "h100", "4"},
		{"nvidia/Llama-3.3-70B-Instruct-FP8", "llama-3.3-70b", "fp8", "h100", "2"},
		{"deepseek-ai/DeepSeek-V3.1", "deepseek-v3", "fp8", "h200", "8"},
		{"zai-org/GLM-4.6", "glm-4.6", "bf16", "b300", "8"},
		{"Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", "qwen3-coder-480b-a35b", "fp8", "h200", "8"},
		{"Qwen/Qwen2.5-72B-Instruct-AWQ", "qwen2.5-72b", "int4", "l40s", "2"},
		{"nvidia/DeepSeek-R1-0528-FP4", "deepseek-r1", "fp4", "b200", "8"},
		{"meta-llama/Llama-2-70b-hf", "llama-2-70b", "bf16", "a100-80gb", "4"},
		{"meta-llama/Llama-2-7b-chat-hf", "llama-2-7b", "bf16", "a10g", "1"},
	} {
		t.Run(tc.repo, func(t *testing.T) {
			got := askNamed(t, namedArgs(tc.repo, tc.gpu, tc.tp)...)
			if got.Model != tc.model || got.Precision != tc.prec || !strings.EqualFold(got.HFRepo, tc.repo) {
				t.Errorf("model %s precision %s repo %s, want %s %s %s", got.Model, got.Precision, got.HFRepo, tc.model, tc.prec, tc.repo)
			}
			if got.Fits == nil || !*got.Fits || got.OutputTokS == nil || *got.OutputTokS <= 0 {
				t.Errorf("%s on %s×%s: fits %v (%s)", tc.repo, tc.tp, tc.gpu, got.Fits, got.Reason)
			}
			if tc.prec != "bf16" && tc.model != "kimi-k2" && tc.model != "deepseek-v3" &&
				!strings.Contains(strings.Join(got.Notes, " "), "as its name says") {
				t.Errorf("notes %v: want the precision read from the name said", got.Notes)
			}
		})
	}
}

// TestPerfGPUs: every GPU family AWS sells answers.
func TestPerfGPUs(t *testing.T) {
	for _, gpu := range []string{"l4", "l40s", "a10g", "b300", "a100-40gb", "a100-80gb", "h100", "h200", "b200"} {
		got := askNamed(t, namedArgs("qwen3-8b", gpu, "1")...)
		if got.GPU != gpu || got.Fits == nil || !*got.Fits || *got.OutputTokS <= 0 {
			t.Errorf("--gpu %s: %+v", gpu, got)
		}
	}
}

func TestPerfModelConfig(t *testing.T) {
	got := askNamed(t, namedArgs("Qwen/Qwen3-4B", "l4", "1", "--model-config", "testdata/perf/qwen3-4b-config.json")...)
	if got.HFRepo != "Qwen/Qwen3-4B" || got.Precision != "bf16" || got.Fits == nil || !*got.Fits || *got.OutputTokS <= 0 {
		t.Fatalf("%+v", got)
	}
	// Without --model the file names it.
	got = askNamed(t, "perf", "--model-config", "testdata/perf/qwen3-4b-config.json", "--gpu", "l4", "--tp", "1", "--engine", "vllm",
		"--input-tokens", "100", "--output-tokens", "10", "--concurrency", "1", "--format", "json")
	if !strings.Contains(got.HFRepo, "qwen3-4b-config.json") {
		t.Errorf("hf_repo %q, want the file's name", got.HFRepo)
	}
}

func TestPerfNamedInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"precision contradicts the checkpoint", namedArgs("zai-org/GLM-4.5-Air-FP8", "h100", "2", "--precision", "bf16"), "holds fp8 weights"},
		{"missing config file", namedArgs("x/y", "l4", "1", "--model-config", "testdata/perf/none.json"), "--model-config"},
		{"config that is not one", namedArgs("x/y", "l4", "1", "--model-config", "testdata/perf"), "--model-config"},
		{"no model at all", []string{"perf", "--gpu", "l4", "--tp", "1", "--engine", "vllm", "--input-tokens", "1", "--output-tokens", "1", "--concurrency", "1"}, "--model or --model-config"},
		{"another organisation's copy", namedArgs("someone/Llama-3.3-70B-Instruct", "h100", "2"), "--model-config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", code, stderr, tc.want)
			}
		})
	}
}
