package modelcatalog

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseHFConfig reads real config.json files and checks the counted
// parameters against the maker's figures in the catalog (within 3 %), and
// the structure read from them.
func TestParseHFConfig(t *testing.T) {
	cat := Default()
	tests := []struct {
		file, model, dtype       string
		shared, dense, window    int
		windowed, experts, perTo int
	}{
		{"deepseek-v3.json", "deepseek-v3", "fp8", 1, 3, 0, 0, 256, 8},
		{"qwen3-coder-30b-a3b.json", "qwen3-coder-30b-a3b", "bf16", 0, 0, 0, 0, 128, 8},
		{"llama-3.1-8b.json", "llama-3.1-8b", "bf16", 0, 0, 0, 0, 0, 0},
		{"llama-4-maverick-fp8.json", "llama-4-maverick", "fp8", 1, 24, 8192, 36, 128, 1},
		// OpenAI's 5.1B active leaves out the input embedding table (0.58B);
		// ParseHFConfig counts it, as the other makers do.
		{"gpt-oss-120b.json", "gpt-oss-120b", "mxfp4", 0, 0, 128, 18, 128, 4},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "hfconfig", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseHFConfig(data, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := cat.Architecture(tt.model)
			for _, f := range []struct {
				name      string
				got, want float64
			}{{"params_b", got.ParamsB, want.ParamsB}, {"active_params_b", got.ActiveParamsB, want.ActiveParamsB}} {
				tol := 0.03
				if tt.model == "gpt-oss-120b" && f.name == "active_params_b" {
					tol = 0.12
				}
				if math.Abs(f.got/f.want-1) > tol {
					t.Errorf("%s = %g, catalog (maker) %g: more than %.0f %% off", f.name, f.got, f.want, 100*tol)
				}
			}
			if got.Layers != want.Layers || got.QHeads != want.QHeads || got.KVHeads != want.KVHeads ||
				got.HeadDim != want.HeadDim || got.HiddenSize != want.HiddenSize || got.VocabSize != want.VocabSize ||
				got.KVLoraRank != want.KVLoraRank || got.QKRopeHeadDim != want.QKRopeHeadDim || got.MaxContext != want.MaxContext ||
				got.ChunkedAttention != want.ChunkedAttention {
				t.Errorf("shape %+v\nwant %+v", got, *want)
			}
			if got.WeightsDType != tt.dtype || got.SharedExperts != tt.shared || got.DenseLayers != tt.dense ||
				got.SlidingWindow != tt.window || got.SlidingLayers != tt.windowed || got.Experts != tt.experts || got.ExpertsPerToken != tt.perTo {
				t.Errorf("got dtype %s shared %d dense %d window %d×%d experts %d/%d; want %s %d %d %d×%d %d/%d",
					got.WeightsDType, got.SharedExperts, got.DenseLayers, got.SlidingWindow, got.SlidingLayers, got.Experts, got.ExpertsPerToken,
					tt.dtype, tt.shared, tt.dense, tt.window, tt.windowed, tt.experts, tt.perTo)
			}
			if !got.Estimate || got.WeightsGB <= 0 {
				t.Errorf("counted figures are an estimate with a size: %+v", got.Source)
			}
		})
	}
}

// TestParseHFConfigUngatedAndMultiQuery: the code models whose MLP has
// no gate (StarCoder2's c_fc and c_proj) or whose attention has one
// key-value head (StarCoder's gpt_bigcode, "multi_query": true) were read
// as a gated MLP with a key-value head per query head: StarCoder2-15B
// priced at 44.0 GB of weights and StarCoder at 49.5 GB with 48 times its
// KV cache (11 sequences on an H100 at 2,000 + 200 tokens), exit 0.
func TestParseHFConfigUngatedAndMultiQuery(t *testing.T) {
	for _, tt := range []struct {
		name, data      string
		paramsB         float64 // the maker's count
		kvHeads, layers int
	}{
		{"starcoder2-15b", `{"architectures": ["Starcoder2ForCausalLM"], "model_type": "starcoder2", "hidden_act": "gelu_pytorch_tanh",
			"hidden_size": 6144, "intermediate_size": 24576, "max_position_embeddings": 16384, "num_attention_heads": 48,
			"num_hidden_layers": 40, "num_key_value_heads": 4, "sliding_window": 4096, "use_bias": true, "vocab_size": 49152}`, 15.96, 4, 40},
		{"starcoder", `{"architectures": ["GPTBigCodeForCausalLM"], "model_type": "gpt_bigcode", "multi_query": true,
			"n_embd": 6144, "n_head": 48, "n_inner": 24576, "n_layer": 40, "n_positions": 8192, "vocab_size": 49152}`, 15.5, 1, 40},
		// Gemma ties its output projection to the embeddings by its
		// configuration class's default, which config.json leaves out:
		// 9.24 B, not the 10.16 B of two embedding matrices.
		{"gemma-2-9b", `{"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_activation": "gelu_pytorch_tanh",
			"hidden_size": 3584, "intermediate_size": 14336, "max_position_embeddings": 8192, "num_attention_heads": 16,
			"num_hidden_layers": 42, "num_key_value_heads": 8, "head_dim": 256, "sliding_window": 4096, "vocab_size": 256000}`, 9.24, 8, 42},
		// A gated model is read as before.
		{"qwen3-4b", dense(`"model_type": "qwen3"`), 4.02, 8, 36},
	} {
		got, err := ParseHFConfig([]byte(tt.data), tt.name+".json")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if math.Abs(got.ParamsB/tt.paramsB-1) > 0.03 || got.KVHeads != tt.kvHeads || got.Layers != tt.layers {
			t.Errorf("%s: %g B parameters, %d key-value heads, %d layers; want %g B (within 3 %%), %d, %d",
				tt.name, got.ParamsB, got.KVHeads, got.Layers, tt.paramsB, tt.kvHeads, tt.layers)
		}
	}
}

func TestParseHFConfigRefuses(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{`{"model_type": "bert"`, "not a config.json"},
		{`[1, 2]`, "not a config.json"},
		{`{"model_type": "clip", "hidden_size": 768}`, "num_hidden_layers is missing"},
		{`{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4}`, "max_position_embeddings is missing"},
		{`{"num_hidden_layers": -2, "hidden_size": 64, "num_attention_heads": 4, "max_position_embeddings": 8}`, "num_hidden_layers is -2; want a whole number"},
		// A count that is not a whole number was read as absent or
		// truncated, and the model priced without that part: a negative
		// MLP width printed negative weights, a string key-value head
		// count four times the cache, exit 0.
		{dense(`"intermediate_size": -9728`), "intermediate_size is -9728; want a whole number"},
		{dense(`"intermediate_size": "9728"`), `intermediate_size is "9728"; want a whole number`},
		{dense(`"hidden_size": 2560.5`), "hidden_size is 2560.5; want a whole number"},
		{dense(`"max_position_embeddings": 1e30`), "max_position_embeddings is 1e+30; want a whole number"},
		{dense(`"num_key_value_heads": "8"`), `num_key_value_heads is "8"; want a whole number`},
		{dense(`"num_key_value_heads": 0`), "num_key_value_heads is 0"},
		{dense(`"num_key_value_heads": 64`), "num_key_value_heads 64 does not divide num_attention_heads 32"},
		{dense(`"num_key_value_heads": 7`), "num_key_value_heads 7 does not divide num_attention_heads 32"},
		{dense(`"head_dim": -128`), "head_dim is -128; want a whole number"},
		{dense(`"head_dim": 0`), "head_dim is 0"},
		{dense(`"vocab_size": null`), "vocab_size is missing"},
		{dense(`"intermediate_size": null`), "intermediate_size is missing"},
		// A mixture of experts that routes a token to more experts than
		// it has, or carries them on no layer, printed NaN, exit 0.
		{dense(`"num_experts": 128, "num_experts_per_tok": 256, "moe_intermediate_size": 768`), "num_experts_per_tok 256 exceeds the 128 experts"},
		{dense(`"num_experts": 128, "num_experts_per_tok": 128, "moe_intermediate_size": 768`), "routes every token through all 128 experts"},
		{dense(`"num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 768, "first_k_dense_replace": 36`), "128 experts on none of the 36 layers"},
		{dense(`"num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 0, "intermediate_size": 0`), "intermediate_size is missing or 0"},
		// A quantization_config of a format not read was read as BF16:
		// 4-bit bitsandbytes or 8-bit GPTQ weights priced at 16 bits.
		{dense(`"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": true}`), `quant_method "bitsandbytes") is not a weight format`},
		{dense(`"quantization_config": {"quant_method": "gptq", "bits": 8}`), `quant_method "gptq", 8 bits) is not a weight format`},
		{dense(`"quantization_config": {"quant_method": "compressed-tensors", "config_groups": {"g": {"weights": {"num_bits": 8, "type": "int"}}}}`), `quant_method "compressed-tensors") is not a weight format`},
		{dense(`"quantization_config": "fp8"`), `quantization_config is "fp8", not an object`},
		// Layers other than attention (linear attention, Mamba) were read
		// as attention layers with a cache a token: Qwen3.6-35B-A3B's
		// priced four times its own, exit 0.
		{dense(`"layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention"]`), `layer_types[0] is "linear_attention": the performance model counts attention layers only`},
		{dense(`"layer_types": ["mamba", "attention"]`), `layer_types[0] is "mamba"`},
		{dense(`"full_attention_interval": 4`), "full_attention_interval is set (a model with layers other than attention)"},
		{dense(`"hybrid_override_pattern": "M-M-M*-"`), "hybrid_override_pattern is set"},
		{`{"text_config": ` + dense(`"linear_num_value_heads": 32`) + `}`, "linear_num_value_heads is set"},
	} {
		if _, err := ParseHFConfig([]byte(tt.data), "x.json"); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.json: ") {
			t.Errorf("ParseHFConfig(%s) = %v, want an error naming the file and %q", tt.data, err, tt.want)
		}
	}
}

// dense is a Qwen3-4B config.json with the fields given set over its own.
func dense(fields string) string {
	return `{"hidden_size": 2560, "intermediate_size": 9728, "max_position_embeddings": 40960, "num_attention_heads": 32,
		"num_hidden_layers": 36, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936, "tie_word_embeddings": true, ` + fields + `}`
}

// TestHFConfigSharedExperts reads the keys other makers give a shared
// expert under: ERNIE 4.5's moe_num_shared_experts (and its moe_k for
// the experts a token), Granite MoE's shared_intermediate_size. A model
// read without its shared expert is charged too few kernels a layer and
// too few parameters a token.
func TestHFConfigSharedExperts(t *testing.T) {
	for _, tc := range []struct {
		name, config       string
		shared, experts, k int
	}{
		{"ernie-4.5", `{"architectures": ["Ernie4_5_MoeForCausalLM"], "num_hidden_layers": 28, "hidden_size": 2560,
			"num_attention_heads": 20, "num_key_value_heads": 4, "vocab_size": 103424, "max_position_embeddings": 131072,
			"intermediate_size": 12288, "moe_intermediate_size": 1536, "moe_num_experts": 64, "moe_k": 6,
			"moe_num_shared_experts": 2, "torch_dtype": "bfloat16"}`, 2, 64, 6},
		{"granite-moe-shared", `{"architectures": ["GraniteMoeSharedForCausalLM"], "num_hidden_layers": 24, "hidden_size": 1024,
			"num_attention_heads": 16, "num_key_value_heads": 8, "vocab_size": 49155, "max_position_embeddings": 4096,
			"intermediate_size": 512, "num_local_experts": 32, "num_experts_per_tok": 8, "shared_intermediate_size": 1024,
			"torch_dtype": "bfloat16"}`, 1, 32, 8},
		{"no shared expert", `{"architectures": ["Qwen3MoeForCausalLM"], "num_hidden_layers": 48, "hidden_size": 2048,
			"num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128, "vocab_size": 151936, "max_position_embeddings": 262144,
			"intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128, "num_experts_per_tok": 8,
			"torch_dtype": "bfloat16"}`, 0, 128, 8},
	} {
		m, err := ParseHFConfig([]byte(tc.config), tc.name+".json")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.SharedExperts != tc.shared || m.Experts != tc.experts || m.ExpertsPerToken != tc.k {
			t.Errorf("%s: %d shared, %d experts, %d a token; want %d, %d, %d", tc.name, m.SharedExperts, m.Experts, m.ExpertsPerToken, tc.shared, tc.experts, tc.k)
		}
	}
}
