package perf

import (
	"encoding/json"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestMoEWithoutRoutedSplit: a mixture of experts whose parameters split
// into no routed experts (every token uses every expert, or
// active_params_b not below params_b) is priced as the dense model it
// then is, with finite figures. Its expert GEMM's width was 0, the expert
// time 0/0, and the whole prediction NaN: the plan's JSON failed to
// encode and its text read "peak utilization NaN%".
func TestMoEWithoutRoutedSplit(t *testing.T) {
	g, ok := modelcatalog.Default().GPU("h100")
	if !ok {
		t.Fatal("no h100 in the catalog")
	}
	base := modelcatalog.OpenModel{ID: "mine", ParamsB: 106, ActiveParamsB: 12, Layers: 46, QHeads: 96, KVHeads: 8,
		HeadDim: 128, HiddenSize: 4096, VocabSize: 151552, Experts: 128, ExpertsPerToken: 8, SharedExperts: 1,
		DenseLayers: 1, MaxContext: 131072, WeightsDType: "bf16", WeightsGB: 212}
	for _, tc := range []struct {
		name string
		edit func(*modelcatalog.OpenModel)
	}{
		{"routed split", func(*modelcatalog.OpenModel) {}},
		{"every expert per token", func(m *modelcatalog.OpenModel) { m.ExpertsPerToken = m.Experts }},
		{"active as params", func(m *modelcatalog.OpenModel) { m.ActiveParamsB = m.ParamsB }},
		{"tiny and equal", func(m *modelcatalog.OpenModel) { m.ParamsB, m.ActiveParamsB = 1e-9, 1e-9 }},
	} {
		m := base
		tc.edit(&m)
		for _, conc := range []int{0, 1, 16} {
			c := Config{Model: &m, GPU: g, Engine: "vllm", Precision: "bf16", TP: 4, GPUs: 8,
				InputTokens: 32768, OutputTokens: 8192, Concurrency: conc}
			r := predict(c, Fitted)
			if _, err := json.Marshal(r); err != nil || !r.Fits || !(r.OutputTokS > 0) {
				t.Errorf("%s, %d in flight: fits %v (%s), %v output tok/s, %v", tc.name, conc, r.Fits, r.Reason, r.OutputTokS, err)
			}
		}
	}
}

// TestKernelsALayerRuns counts the kernels a step launches: a dense layer
// runs its MLP, a MoE layer its routed experts in its place, and beside
// them a shared expert's MLP only where the model has one (DeepSeek, GLM,
// Kimi, Llama 4; not Qwen3, Mixtral or gpt-oss). Every MoE layer had been
// charged a dense MLP's kernels as well: a decode step of Qwen3-235B 94 ×
// 3 kernels too many.
func TestKernelsALayerRuns(t *testing.T) {
	cat := modelcatalog.Default()
	g, _ := cat.GPU("b200")
	for _, tc := range []struct {
		model string
		want  float64 // kernels a step
	}{
		{"llama-3.1-70b", 720},         // 80 dense layers of 9
		{"qwen3-235b-a22b-2507", 1316}, // 94 MoE layers of 6 + 8, no shared expert
		{"gpt-oss-120b", 504},          // 36 of 14
		{"mixtral-8x7b", 448},          // 32 of 14
		// Three dense layers of 9, 89 MoE layers of 6 + 8 + a shared expert's 3.
		{"glm-4.6", 1540},
		// Latent attention's 6 more in every layer: 3 dense of 15, 58 MoE of 23.
		{"deepseek-r1", 1379},
	} {
		m, ok := cat.Architecture(tc.model)
		if !ok {
			t.Fatalf("no %s in the catalog", tc.model)
		}
		c := Config{Model: m, GPU: g, Engine: "sglang", Precision: m.WeightsDType, TP: 8,
			InputTokens: 1000, OutputTokens: 1000, Concurrency: 1}
		d, _ := newDeployment(c, Fitted)
		if got := d.kernels(); got != tc.want {
			t.Errorf("%s: %v kernels a step, want %v", tc.model, got, tc.want)
		}
	}
}
