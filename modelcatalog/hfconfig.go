package modelcatalog

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// hfConfig is a Hugging Face config.json, or its text_config for a
// multimodal model, read key by key.
type hfConfig map[string]any

func (c hfConfig) num(keys ...string) float64 {
	for _, k := range keys {
		if v, ok := c[k].(float64); ok {
			return v
		}
	}
	return 0
}

func (c hfConfig) has(key string) bool {
	v, ok := c[key]
	return ok && v != nil
}

// ParseHFConfig reads a Hugging Face config.json into the architecture
// figures the performance model needs, counting the parameters from the
// layer shapes: embeddings (twice unless tied), attention (grouped-query,
// multi-query, or multi-head latent with its LoRA ranks), MLPs (gated,
// or an up and a down projection for the model types ungatedMLP lists), routed and
// shared experts on the layers that carry them (first_k_dense_replace,
// interleave_moe_layer_step, decoder_sparse_step, mlp_only_layers), and
// the attention windows (layer_types, sliding_window, Llama 4's chunked
// layers). The weight format comes from quantization_config (fp8, awq,
// gptq, modelopt FP8/NVFP4, mxfp4, compressed-tensors), else BF16. The
// figures are computed, so the result is marked an estimate; name is the
// file, for the source.
func ParseHFConfig(data []byte, name string) (OpenModel, error) {
	var top hfConfig
	if err := json.Unmarshal(data, &top); err != nil {
		return OpenModel{}, fmt.Errorf("%s: not a config.json: %w", name, err)
	}
	c := top
	if text, ok := top["text_config"].(map[string]any); ok {
		c = hfConfig{}
		for k, v := range top {
			c[k] = v
		}
		for k, v := range text {
			c[k] = v
		}
	}
	if err := c.checkShapes(); err != nil {
		return OpenModel{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.checkAttention(); err != nil {
		return OpenModel{}, fmt.Errorf("%s: %w", name, err)
	}
	m := OpenModel{ID: "config", Name: name}
	m.Layers = int(c.num("num_hidden_layers", "n_layer", "num_layers"))
	m.HiddenSize = int(c.num("hidden_size", "n_embd", "d_model"))
	m.QHeads = int(c.num("num_attention_heads", "n_head"))
	for _, f := range []struct {
		key string
		v   int
	}{{"num_hidden_layers", m.Layers}, {"hidden_size", m.HiddenSize}, {"num_attention_heads", m.QHeads}} {
		if f.v <= 0 {
			return OpenModel{}, fmt.Errorf("%s: %s is missing or not a positive number; want a decoder's config.json (model_type %v)", name, f.key, c["model_type"])
		}
	}
	m.KVHeads = c.kvHeads(m.QHeads)
	m.HeadDim = int(c.num("head_dim"))
	if m.HeadDim <= 0 {
		m.HeadDim = m.HiddenSize / m.QHeads
	}
	m.VocabSize = int(c.num("vocab_size"))
	m.MaxContext = int(c.num("max_position_embeddings", "max_sequence_length", "seq_length", "n_positions"))
	if m.MaxContext <= 0 {
		return OpenModel{}, fmt.Errorf("%s: max_position_embeddings is missing; the context length cannot be read", name)
	}
	m.KVLoraRank = int(c.num("kv_lora_rank"))
	if m.KVLoraRank > 0 {
		m.QKRopeHeadDim = int(c.num("qk_rope_head_dim"))
		m.KVHeads = m.QHeads // the latent expands to every head
		if v := int(c.num("v_head_dim")); v > 0 {
			m.HeadDim = v
		}
	}
	m.Experts = int(c.num("n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts"))
	m.ExpertsPerToken = int(c.num("num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k", "moe_k"))
	if m.Experts <= 1 || m.ExpertsPerToken <= 0 {
		m.Experts, m.ExpertsPerToken = 0, 0
	}
	if err := c.checkCounts(m); err != nil {
		return OpenModel{}, fmt.Errorf("%s: %w", name, err)
	}
	m.SlidingWindow, m.SlidingLayers = c.windows(m.Layers)
	m.ChunkedAttention = c.num("attention_chunk_size") > 0
	total, active := c.params(&m)
	m.ParamsB, m.ActiveParamsB = round2(total/1e9), round2(active/1e9)
	dtype, err := c.weightsDType()
	if err != nil {
		return OpenModel{}, fmt.Errorf("%s: %w", name, err)
	}
	m.WeightsDType = dtype
	per, ok := BytesPerParam(m.WeightsDType)
	if !ok {
		per = 2
	}
	m.WeightsGB = round2(total * per / 1e9)
	m.Source = Source{Source: name + " (a Hugging Face config.json read by --model-config); parameters counted from its layer shapes",
		Estimate: true, Note: "weights_gb is the counted parameters at the weight format's bytes, scales included; a checkpoint that keeps some layers at BF16 is larger"}
	return m, nil
}

// kvHeads is the key-value heads: as stated, else one for multi-query
// attention (StarCoder's gpt_bigcode, Falcon-7B), else one a query head.
func (c hfConfig) kvHeads(qHeads int) int {
	if n := int(c.num("num_key_value_heads", "num_kv_heads")); n > 0 {
		return n
	}
	if mq, _ := c["multi_query"].(bool); mq {
		return 1
	}
	return qHeads
}

// shapeKeys are the keys ParseHFConfig reads a count or a width from.
var shapeKeys = []string{"num_hidden_layers", "n_layer", "num_layers", "hidden_size", "n_embd", "d_model",
	"num_attention_heads", "n_head", "num_key_value_heads", "num_kv_heads", "head_dim", "vocab_size",
	"max_position_embeddings", "max_sequence_length", "seq_length", "n_positions",
	"kv_lora_rank", "qk_rope_head_dim", "v_head_dim", "qk_nope_head_dim", "q_lora_rank",
	"n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts",
	"num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k", "moe_k",
	"intermediate_size_mlp", "intermediate_size", "ffn_dim", "n_inner",
	"moe_intermediate_size", "expert_intermediate_size", "n_shared_experts", "num_shared_experts", "moe_num_shared_experts",
	"shared_expert_intermediate_size", "shared_intermediate_size", "interleave_moe_layer_step", "decoder_sparse_step",
	"first_k_dense_replace", "attention_chunk_size", "no_rope_layer_interval", "sliding_window", "sliding_window_pattern"}

// maxShape bounds every count and width a config.json gives: far above
// any model's (a context of a billion tokens), and where int conversion
// and the parameter count stay exact.
const maxShape = 1e9

// checkShapes refuses a count or width that is not a whole number from 0
// to maxShape: a string, a fraction, a negative or an overflow was read
// as absent (or truncated), and the model counted without that part.
func (c hfConfig) checkShapes() error {
	for _, k := range shapeKeys {
		v, ok := c[k]
		if !ok || v == nil {
			continue
		}
		f, isNum := v.(float64)
		if !isNum || f != math.Trunc(f) || f < 0 || f > maxShape {
			return fmt.Errorf("%s is %s; want a whole number from 0 to %g", k, strings.TrimSpace(fmt.Sprintf("%#v", v)), maxShape)
		}
	}
	return nil
}

// attentionLayers are the layer_types of attention layers, whose cache
// grows by the token (or, sliding or chunked, up to a window).
var attentionLayers = map[string]bool{"full_attention": true, "sliding_attention": true, "chunked_attention": true}

// hybridKeys are the config.json keys of models whose layers are not all
// attention: linear attention (Qwen3-Next, Qwen3.5, MiniMax), Mamba and
// other state-space layers (Nemotron-H, Jamba, Granite 4.0-H, Falcon-H1).
var hybridKeys = []string{"full_attention_interval", "linear_num_value_heads", "attn_type_list", "hybrid_override_pattern",
	"layers_block_type", "attn_layer_period", "mamba_d_state", "mamba_n_heads", "ssm_cfg"}

// checkAttention refuses a model with layers other than attention. The
// performance model counts a key-value cache a token on every layer
// outside the windows: it has no fixed recurrent state, and read as
// attention, Qwen3.6-35B-A3B's 30 linear-attention layers of 40 were
// priced a cache four times its own (10 sequences of 8,500 tokens on an
// H100 instead of about 30), exit 0.
func (c hfConfig) checkAttention() error {
	const why = "the performance model counts attention layers only, not linear-attention or state-space layers and their fixed state a sequence; it cannot size this model"
	if types, ok := c["layer_types"].([]any); ok {
		for i, t := range types {
			if s, _ := t.(string); !attentionLayers[s] {
				return fmt.Errorf("layer_types[%d] is %s: %s", i, strings.TrimSpace(fmt.Sprintf("%#v", t)), why)
			}
		}
	}
	for _, k := range hybridKeys {
		if c.has(k) {
			return fmt.Errorf("%s is set (a model with layers other than attention): %s", k, why)
		}
	}
	return nil
}

// checkCounts refuses a shape no model has: attention without key-value
// heads, groups that do not divide the query heads, a model without a
// vocabulary or MLP width, a mixture of experts routing a token to more
// experts than it has or carrying them on no layer.
func (c hfConfig) checkCounts(m OpenModel) error {
	switch {
	case c.has("num_key_value_heads") && c.num("num_key_value_heads") < 1, c.has("num_kv_heads") && c.num("num_kv_heads") < 1:
		return fmt.Errorf("num_key_value_heads is 0; want at least 1")
	case m.KVLoraRank == 0 && (m.KVHeads > m.QHeads || m.QHeads%m.KVHeads != 0):
		return fmt.Errorf("num_key_value_heads %d does not divide num_attention_heads %d into groups", m.KVHeads, m.QHeads)
	case c.has("head_dim") && c.num("head_dim") < 1:
		return fmt.Errorf("head_dim is 0; want at least 1")
	case m.HeadDim < 1:
		return fmt.Errorf("hidden_size %d is less than num_attention_heads %d and no head_dim is given", m.HiddenSize, m.QHeads)
	case m.VocabSize < 1:
		return fmt.Errorf("vocab_size is missing or 0; the embeddings cannot be counted")
	case m.Experts == 0 || c.moeLayers(m.Layers) < m.Layers:
		if c.num("intermediate_size_mlp", "intermediate_size", "ffn_dim", "n_inner") < 1 {
			return fmt.Errorf("intermediate_size is missing or 0; the MLP cannot be counted")
		}
	}
	if m.Experts == 0 {
		return nil
	}
	switch {
	case m.ExpertsPerToken > m.Experts:
		return fmt.Errorf("num_experts_per_tok %d exceeds the %d experts", m.ExpertsPerToken, m.Experts)
	case m.ExpertsPerToken == m.Experts:
		// As the spec's model block: every token through every expert is
		// a dense MLP, not a mixture whose experts split off.
		return fmt.Errorf("num_experts_per_tok %d routes every token through all %d experts; want fewer (a mixture of experts)", m.ExpertsPerToken, m.Experts)
	case c.moeLayers(m.Layers) < 1:
		return fmt.Errorf("%d experts on none of the %d layers (first_k_dense_replace, mlp_only_layers, the MoE layer step)", m.Experts, m.Layers)
	case c.num("moe_intermediate_size", "expert_intermediate_size", "intermediate_size") < 1:
		return fmt.Errorf("moe_intermediate_size is missing or 0; the experts cannot be counted")
	}
	return nil
}

// params counts the total parameters and those a token uses, and sets
// the model's shared experts and dense layers.
func (c hfConfig) params(m *OpenModel) (total, active float64) {
	h, layers := float64(m.HiddenSize), float64(m.Layers)
	heads, kv, hd := float64(m.QHeads), float64(m.KVHeads), float64(m.HeadDim)
	attn := h*heads*hd + 2*h*kv*hd + heads*hd*h
	if m.KVLoraRank > 0 {
		nope, rope, lora := c.num("qk_nope_head_dim"), float64(m.QKRopeHeadDim), float64(m.KVLoraRank)
		q := h * heads * (nope + rope)
		if ql := c.num("q_lora_rank"); ql > 0 {
			q = h*ql + ql*heads*(nope+rope)
		}
		attn = q + h*(lora+rope) + lora*heads*(nope+hd) + heads*hd*h
	}
	embed := float64(m.VocabSize) * h
	if !c.tiedEmbeddings() {
		embed *= 2
	}
	dense := c.mlpMatrices() * h * c.num("intermediate_size_mlp", "intermediate_size", "ffn_dim", "n_inner")
	if m.Experts == 0 {
		total = embed + layers*(attn+dense)
		return total, total
	}
	moeLayers := c.moeLayers(m.Layers)
	m.DenseLayers = m.Layers - moeLayers
	expert := 3 * h * c.num("moe_intermediate_size", "expert_intermediate_size", "intermediate_size")
	shared := 0.0
	if n := c.num("n_shared_experts", "num_shared_experts", "moe_num_shared_experts"); n > 0 {
		// DeepSeek, GLM, Kimi; ERNIE 4.5's moe_num_shared_experts.
		m.SharedExperts = int(n)
		shared = n * expert
	} else if s := c.num("shared_expert_intermediate_size", "shared_intermediate_size"); s > 0 {
		// Qwen2-MoE's one shared expert of its own width; Granite MoE's
		// (granitemoeshared, granitemoehybrid) shared_intermediate_size.
		m.SharedExperts = 1
		shared = 3 * h * s
	} else if c.has("intermediate_size_mlp") {
		m.SharedExperts = 1 // Llama 4: one shared expert of the experts' size
		shared = expert
	}
	e, k, ml := float64(m.Experts), float64(m.ExpertsPerToken), float64(moeLayers)
	base := embed + layers*attn + float64(m.DenseLayers)*dense + ml*(shared+h*e)
	return base + ml*e*expert, base + ml*k*expert
}

// tiedByDefault are the model types whose configuration class ties the
// output projection to the embeddings unless config.json says otherwise
// (transformers at 008e574, 2026: GemmaConfig, Gemma2Config,
// Gemma3TextConfig and Starcoder2Config declare tie_word_embeddings =
// True; GPT2Config and GPTBigCodeConfig keep PretrainedConfig's True).
// save_pretrained leaves a value equal to the class's default out of
// config.json, so a Gemma's omits it and a Llama's (False) states it.
var tiedByDefault = map[string]bool{"gemma": true, "gemma2": true, "gemma3": true, "gemma3_text": true, "starcoder2": true,
	"gpt2": true, "gpt_bigcode": true}

// tiedEmbeddings is whether the model's output projection is its
// embedding matrix: config.json's tie_word_embeddings, else its
// configuration class's default (as transformers and vLLM read it).
func (c hfConfig) tiedEmbeddings() bool {
	if b, ok := c["tie_word_embeddings"].(bool); ok {
		return b
	}
	t, _ := c["model_type"].(string)
	return tiedByDefault[strings.ToLower(t)]
}

// ungatedMLP are the model types whose dense MLP is an up and a down
// projection with no gate (GELU or squared ReLU: GPT-2, StarCoder and
// StarCoder2, GPT-NeoX, GPT-J, OPT, Falcon, Phi-2, BLOOM, CodeGen,
// Nemotron, Persimmon, MPT): two matrices of hidden × intermediate a
// layer, where a gated MLP (Llama, Qwen, Mistral, Gemma, ...) has three.
var ungatedMLP = map[string]bool{"gpt2": true, "gpt_bigcode": true, "starcoder2": true, "gpt_neox": true, "gptj": true,
	"gpt_neo": true, "opt": true, "falcon": true, "phi": true, "bloom": true, "codegen": true, "nemotron": true,
	"persimmon": true, "mpt": true}

// mlpMatrices is how many hidden × intermediate matrices a dense MLP
// layer holds: 2 for the ungated model types, else 3.
func (c hfConfig) mlpMatrices() float64 {
	if t, _ := c["model_type"].(string); ungatedMLP[strings.ToLower(t)] {
		return 2
	}
	return 3
}

// moeLayers is how many of the layers carry experts.
func (c hfConfig) moeLayers(layers int) int {
	n := layers
	if step := int(c.num("interleave_moe_layer_step", "decoder_sparse_step")); step > 1 {
		n = layers / step
	}
	n -= int(c.num("first_k_dense_replace"))
	if only, ok := c["mlp_only_layers"].([]any); ok {
		n -= len(only)
	}
	return max(n, 0)
}

// windows returns the attention window and how many layers use it.
func (c hfConfig) windows(layers int) (window, windowed int) {
	if chunk := int(c.num("attention_chunk_size")); chunk > 0 {
		// Llama 4: RoPE layers attend within chunks, every
		// no_rope_layer_interval-th (NoPE) layer globally.
		every := int(c.num("no_rope_layer_interval"))
		if every <= 0 {
			every = 4
		}
		return chunk, layers - layers/every
	}
	w := int(c.num("sliding_window"))
	if w <= 0 {
		return 0, 0
	}
	if types, ok := c["layer_types"].([]any); ok {
		for _, t := range types {
			if s, _ := t.(string); strings.Contains(s, "sliding") {
				windowed++
			}
		}
		return w, windowed
	}
	if p := int(c.num("sliding_window_pattern")); p > 1 {
		return w, layers - layers/p
	}
	if use, ok := c["use_sliding_window"].(bool); ok && !use {
		return 0, 0
	}
	return w, layers
}

// weightsDType is the weight format quantization_config states, else
// BF16 when there is none. A quantization_config whose format is none of
// these (bitsandbytes, INT8, 3-bit AWQ, a method it does not name) is an
// error: read as BF16 its weights were priced at 16 bits.
func (c hfConfig) weightsDType() (string, error) {
	raw, present := c["quantization_config"]
	if !present || raw == nil {
		return "bf16", nil
	}
	q, ok := raw.(map[string]any)
	if !ok {
		return "", fmt.Errorf("quantization_config is %#v, not an object", raw)
	}
	qc := hfConfig(q)
	method, _ := q["quant_method"].(string)
	algo, _ := q["quant_algo"].(string)
	bits := qc.num("bits", "w_bit")
	switch strings.ToLower(method) {
	case "fp8", "fbgemm_fp8":
		return "fp8", nil
	case "mxfp4":
		return "mxfp4", nil
	case "awq", "gptq", "awq_marlin", "gptq_marlin":
		if bits == 4 || bits == 0 {
			return "int4", nil
		}
	case "modelopt":
		if strings.Contains(strings.ToUpper(algo), "FP4") {
			return "fp4", nil
		}
		return "fp8", nil
	case "compressed-tensors":
		if f := compressedTensors(q); f != "" {
			return f, nil
		}
	}
	desc := fmt.Sprintf("quant_method %q", method)
	if bits > 0 {
		desc += fmt.Sprintf(", %g bits", bits)
	}
	return "", fmt.Errorf("quantization_config (%s) is not a weight format the performance model reads (fp8, mxfp4, 4-bit awq or gptq, modelopt FP8 or NVFP4, compressed-tensors FP8, NVFP4 or INT4); remove it and give --precision the nearest format", desc)
}

// compressedTensors reads the weights' format from a compressed-tensors
// (llm-compressor) config: FP8 (float, 8 bits), NVFP4 (float, 4) or INT4
// (int, 4); anything else is "".
func compressedTensors(q map[string]any) string {
	groups, _ := q["config_groups"].(map[string]any)
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		w, _ := gm["weights"].(map[string]any)
		if w == nil {
			continue
		}
		bits, _ := w["num_bits"].(float64)
		typ, _ := w["type"].(string)
		switch {
		case typ == "float" && bits == 8:
			return "fp8"
		case typ == "float" && bits == 4:
			return "fp4"
		case typ == "int" && bits == 4:
			return "int4"
		}
	}
	return ""
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
