package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// modelAttrs are the model block's attributes: modelcatalog.OpenModel's
// fields under their JSON names, plus the source fields.
var modelAttrs = []string{
	"name", "hf_repo", "gated", "params_b", "active_params_b", "layers", "q_heads",
	"kv_heads", "head_dim", "max_context", "weights_dtype", "weights_gb", "checkpoint_dtype",
	"kv_bytes_per_token", "hidden_size", "vocab_size", "experts", "experts_per_token",
	"kv_lora_rank", "qk_rope_head_dim", "sliding_window", "sliding_window_layers", "chunked_attention",
	"shared_experts", "dense_layers", "quality", "source", "as_of", "estimate", "note",
}

// throughputAttrs are the attributes of a model's throughput block.
var throughputAttrs = []string{
	"tensor_parallel", "prefill_tok_s", "decode_tok_s", "ttft_ms", "concurrency",
	"derived_from", "source", "as_of", "estimate", "note",
}

// weightsDTypes are the weight formats vLLM serves that sizing knows:
// fp8 it can quantize to when it loads; fp4 (NVFP4), int4 (AWQ, GPTQ)
// and mxfp4 come only in a checkpoint quantized ahead of time.
var weightsDTypes = []string{"bf16", "fp8", "fp4", "mxfp4", "int4"}

// tensorParallelSizes are the tensor-parallel sizes sizing considers.
var tensorParallelSizes = func() []float64 {
	out := make([]float64, len(modelcatalog.TensorParallelSizes))
	for i, tp := range modelcatalog.TensorParallelSizes {
		out[i] = float64(tp)
	}
	return out
}()

// modelName is the syntax of a model block's name, the same as catalog ids.
var modelName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}\z`)

// hfRepo is a Hugging Face repository id, "org/name". It ends up in the
// vLLM command line of the instances' user data, so nothing else passes.
var hfRepo = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}\z`)

func (d *decoder) models(blocks []*hclsyntax.Block) ([]modelcatalog.OpenModel, []modelcatalog.Throughput) {
	var models []modelcatalog.OpenModel
	var tputs []modelcatalog.Throughput
	seen := map[string]*hclsyntax.Block{}
	reserved := append(append([]string{AutoModel}, d.cat.OpenModelIDs()...), d.cat.ManagedIDs()...)
	for _, blk := range blocks {
		name, ok := d.label(blk, `model "my-coder-14b" { ... }`)
		switch {
		case !ok:
		case contains(reserved, name):
			d.errorf(blk.LabelRanges[0], "Model name taken",
				"The catalog already has a model %q, and a model block may not replace it: give yours another name.", name)
			ok = false
		case !modelName.MatchString(name):
			d.errorf(blk.LabelRanges[0], "Invalid model name",
				"A model's name must start with a lowercase letter or digit and hold at most 64 lowercase letters, digits, dots, hyphens or underscores; got %q.", name)
			ok = false
		}
		if ok {
			if first, dup := seen[name]; dup {
				d.errorf(blk.LabelRanges[0], "Duplicate model",
					"A model named %q is already declared on line %d; each model block needs its own name.", name, first.DefRange().Start.Line)
				ok = false
			} else {
				seen[name] = blk
			}
		}
		m, t := d.model(blk, name, ok)
		if ok {
			models = append(models, m)
			tputs = append(tputs, t...)
		}
	}
	return models, tputs
}

// architecture decodes the optional figures the performance model uses
// (inference/perf): the residual width, the vocabulary, the experts, latent
// attention and sliding windows, each as config.json names it.
func (d *decoder) architecture(b *body, m *modelcatalog.OpenModel) {
	m.HiddenSize = b.integer("hidden_size", atLeast(1).upTo(1e6), 0)
	m.VocabSize = b.integer("vocab_size", atLeast(1).upTo(1e7), 0)
	m.Experts = b.integer("experts", atLeast(1).upTo(1e5), 0)
	m.ExpertsPerToken = b.integer("experts_per_token", atLeast(1).upTo(1e5), 0)
	m.SharedExperts = b.integer("shared_experts", atLeast(0).upTo(1e3), 0)
	m.DenseLayers = b.integer("dense_layers", atLeast(0).upTo(1000), 0)
	m.KVLoraRank = b.integer("kv_lora_rank", atLeast(1).upTo(1e6), 0)
	m.QKRopeHeadDim = b.integer("qk_rope_head_dim", atLeast(0).upTo(1e6), 0)
	m.SlidingWindow = b.integer("sliding_window", atLeast(1).upTo(1e9), 0)
	m.SlidingLayers = b.integer("sliding_window_layers", atLeast(1).upTo(1000), 0)
	m.ChunkedAttention = b.boolean("chunked_attention", false)
	if m.ChunkedAttention && m.SlidingWindow == 0 {
		d.errorf(b.syn.Attributes["chunked_attention"].Expr.Range(), "Missing attribute",
			"%s.chunked_attention needs %s.sliding_window and %s.sliding_window_layers: the chunk's tokens and the layers that attend within chunks (Llama 4's attention_chunk_size, and its layers less every no_rope_layer_interval-th).", b.path, b.path, b.path)
	}
	pair := func(a, c string, x, y int, detail string) {
		if (x > 0) == (y > 0) {
			return
		}
		given, missing := a, c
		if x == 0 {
			given, missing = c, a
		}
		d.errorf(b.syn.Attributes[given].Expr.Range(), "Missing attribute",
			"%s.%s needs %s.%s too: %s", b.path, given, b.path, missing, detail)
	}
	pair("experts", "experts_per_token", m.Experts, m.ExpertsPerToken, "a mixture of experts names both how many experts a layer has and how many a token uses.")
	pair("sliding_window", "sliding_window_layers", m.SlidingWindow, m.SlidingLayers, "a sliding window applies to a number of layers.")
	d.experts(b, m)
	if m.Layers > 0 && m.SlidingLayers > m.Layers {
		d.errorf(b.syn.Attributes["sliding_window_layers"].Expr.Range(), "Value out of range",
			"%s.sliding_window_layers cannot exceed layers (%d); got %d.", b.path, m.Layers, m.SlidingLayers)
	}
}

// experts checks a mixture of experts the way modelcatalog.Validate checks
// the catalog's: each token routed to fewer experts than the model has,
// and so fewer parameters active than it holds. A spec the catalog would
// refuse (every expert per token, or active_params_b left at params_b)
// left sizing no routed experts to split off, and its figures NaN.
func (d *decoder) experts(b *body, m *modelcatalog.OpenModel) {
	if m.Experts == 0 || m.ExpertsPerToken == 0 {
		return
	}
	if m.ExpertsPerToken >= m.Experts {
		d.errorf(b.syn.Attributes["experts_per_token"].Expr.Range(), "Value out of range",
			"%s.experts_per_token must be below experts (%d): a token routed to every expert runs a dense model; got %d.", b.path, m.Experts, m.ExpertsPerToken)
		return
	}
	if m.ParamsB > 0 && m.ActiveParamsB >= m.ParamsB {
		at := b.syn.Attributes["experts"].Expr.Range()
		if a := b.syn.Attributes["active_params_b"]; a != nil {
			at = a.Expr.Range()
		}
		d.errorf(at, "Value out of range",
			"%s is a mixture of experts (%d of %d a token), so it activates fewer parameters than it has: active_params_b (%s) must be below params_b (%s).",
			b.path, m.ExpertsPerToken, m.Experts, formatNumber(m.ActiveParamsB), formatNumber(m.ParamsB))
	}
}

// weightsSlack is how far below params_b parameters at weights_dtype
// (modelcatalog.BytesPerParam) weights_gb may fall: GiB written for GB is
// 7 % less.
const weightsSlack = 0.9

// weightsHoldParams refuses weights_gb below what params_b parameters of
// weights_dtype take: the sizer places the weights by weights_gb, and a
// 106B BF16 model written as 30 GB was put on one 80 GB GPU a replica,
// a fleet that could not load it, at two thirds of its true cost.
func (d *decoder) weightsHoldParams(b *body, m modelcatalog.OpenModel) {
	per, ok := modelcatalog.BytesPerParam(m.WeightsDType)
	if !ok || m.ParamsB <= 0 || m.WeightsGB <= 0 {
		return
	}
	least := m.ParamsB * per
	if per < 1 {
		// No weights_dtype is narrower than 4 bits: a 3- or 2-bit
		// checkpoint (GPTQ, AWQ) is written as the nearest, int4, and is
		// smaller. Below 2 bits a parameter none is.
		least /= 2
	}
	if m.WeightsGB < weightsSlack*least {
		d.errorf(b.syn.Attributes["weights_gb"].Expr.Range(), "Weights smaller than their parameters",
			"%s.weights_gb is %s, but params_b %s parameters at weights_dtype %q take at least %s GB (%s bytes a parameter); a checkpoint cannot hold its parameters in less. Give the checkpoint's size on disk in GB (its safetensors files), or the right params_b or weights_dtype.",
			b.path, formatNumber(m.WeightsGB), formatNumber(m.ParamsB), m.WeightsDType, formatNumber(roundTo(least, 1)), formatNumber(least/m.ParamsB))
	}
}

func (d *decoder) model(blk *hclsyntax.Block, name string, record bool) (modelcatalog.OpenModel, []modelcatalog.Throughput) {
	b := d.open(blk, blockModel+"."+name, fmt.Sprintf("model %q", name), record)
	b.check(modelAttrs, []string{blockThroughput})
	b.require("hf_repo", "params_b", "layers", "q_heads", "kv_heads", "head_dim",
		"max_context", "weights_dtype", "weights_gb", "quality", "source", "as_of")

	m := modelcatalog.OpenModel{ID: name, Name: name}
	m.Name = b.text("name", name)
	if r, a, ok := b.str("hf_repo"); ok {
		if hfRepo.MatchString(r) {
			m.HFRepo = r
		} else {
			d.errorf(a.Expr.Range(), "Invalid Hugging Face repository",
				"%s.hf_repo must be a Hugging Face repository id, \"ORG/NAME\" such as \"Qwen/Qwen2.5-Coder-14B-Instruct\"; got %q.", b.path, r)
		}
	}
	m.Gated = b.boolean("gated", false)
	m.ParamsB = b.number("params_b", above(0).upTo(1e5), 0)
	m.ActiveParamsB = b.number("active_params_b", above(0).upTo(1e5), m.ParamsB)
	if m.ParamsB > 0 && m.ActiveParamsB > m.ParamsB {
		d.errorf(b.syn.Attributes["active_params_b"].Expr.Range(), "Value out of range",
			"%s.active_params_b counts the parameters active per token, so it cannot exceed params_b (%s); got %s.",
			b.path, formatNumber(m.ParamsB), formatNumber(m.ActiveParamsB))
	}
	m.Layers = b.integer("layers", atLeast(1).upTo(1000), 0)
	m.QHeads = b.integer("q_heads", atLeast(1).upTo(1e4), 0)
	m.KVHeads = b.integer("kv_heads", atLeast(1).upTo(1e4), 0)
	if m.QHeads > 0 && m.KVHeads > m.QHeads {
		d.errorf(b.syn.Attributes["kv_heads"].Expr.Range(), "Value out of range",
			"%s.kv_heads cannot exceed q_heads (%d): each key/value head serves one or more query heads; got %d.",
			b.path, m.QHeads, m.KVHeads)
	}
	m.HeadDim = b.integer("head_dim", atLeast(1).upTo(1e4), 0)
	m.MaxContext = b.integer("max_context", atLeast(1).upTo(1e9), 0)
	m.WeightsDType = b.oneOf("weights_dtype", weightsDTypes, "")
	d.checkpointDType(b, m)
	m.CheckpointDType = b.oneOf("checkpoint_dtype", weightsDTypes, "")
	if a, ok := b.syn.Attributes["checkpoint_dtype"]; ok && m.CheckpointDType != "" && m.WeightsDType != "" &&
		m.CheckpointDType != m.WeightsDType && (m.CheckpointDType != "bf16" || m.WeightsDType != "fp8") {
		d.errorf(a.Expr.Range(), "Checkpoint cannot serve the weights",
			"%s.checkpoint_dtype %q cannot be served as weights_dtype %q: a checkpoint is served in its own format, or BF16 that vLLM quantizes to FP8 on load.", b.path, m.CheckpointDType, m.WeightsDType)
	}
	m.WeightsGB = b.number("weights_gb", above(0).upTo(1e5), 0)
	d.weightsHoldParams(b, m)
	m.KVBytesPerToken = b.integer("kv_bytes_per_token", atLeast(0).upTo(1e9), 0)
	d.architecture(b, &m)
	m.Source = b.source(modelcatalog.Source{})
	if scores, ok := b.scores("quality"); ok {
		m.Quality = map[string]modelcatalog.Figure{}
		for k, v := range scores {
			m.Quality[k] = modelcatalog.Figure{Value: v, Source: m.Source}
		}
	}

	var tputs []modelcatalog.Throughput
	seen := map[string]hcl.Range{}
	for _, tb := range blk.Body.Blocks {
		if tb.Type != blockThroughput {
			continue // reported by check
		}
		t, key, ok := d.throughput(tb, name, m.Source, record)
		if !ok {
			continue
		}
		if first, dup := seen[key]; dup {
			d.errorf(tb.DefRange(), "Duplicate throughput",
				"%s already has a throughput block for %s at tensor_parallel = %d, on line %d; give one figure per GPU and tensor-parallel size.",
				capitalize(b.what), t.GPU, t.TensorParallel, first.Start.Line)
			continue
		}
		seen[key] = tb.DefRange()
		tputs = append(tputs, t)
	}
	return m, tputs
}

// throughput decodes one throughput block; key identifies its GPU and
// tensor-parallel size.
func (d *decoder) throughput(blk *hclsyntax.Block, model string, inherit modelcatalog.Source, record bool) (modelcatalog.Throughput, string, bool) {
	gpu, ok := d.label(blk, `throughput "h100" { ... }`)
	if ok && !contains(d.cat.GPUIDs(), gpu) {
		d.errorf(blk.LabelRanges[0], "Unknown GPU",
			"A throughput block is named by a GPU in the catalog; %q is not one.%s Run \"costgate catalog\" to list them.",
			gpu, didYouMean(gpu, d.cat.GPUIDs()))
		ok = false
	}
	base := blockModel + "." + model + "." + blockThroughput + "." + gpu
	b := &body{d: d, path: base, what: fmt.Sprintf("throughput %q of model %q", gpu, model), syn: blk.Body, def: blk.DefRange(), unrecorded: !record}
	b.check(throughputAttrs, nil)
	b.require("tensor_parallel", "prefill_tok_s", "decode_tok_s", "ttft_ms", "concurrency")

	t := modelcatalog.Throughput{Model: model, GPU: gpu}
	t.TensorParallel = b.integer("tensor_parallel", bound{allowed: tensorParallelSizes, hasMax: true, max: 8}, 0)
	if t.TensorParallel > 0 {
		// One GPU may carry a figure per tensor-parallel size, so the size
		// is part of the block's key in Ranges.
		b.path = base + ".tp" + strconv.Itoa(t.TensorParallel)
		if r, has := d.ranges[base+".tensor_parallel"]; has {
			delete(d.ranges, base+".tensor_parallel")
			d.ranges[b.path+".tensor_parallel"] = r
		}
	}
	if record {
		d.ranges[b.path] = blk.DefRange()
	}
	t.PrefillTokS = b.number("prefill_tok_s", above(0).upTo(1e9), 0)
	t.DecodeTokS = b.number("decode_tok_s", above(0).upTo(1e9), 0)
	t.TTFTMs = b.number("ttft_ms", above(0).upTo(1e7), 0)
	t.Concurrency = b.integer("concurrency", atLeast(1).upTo(1e6), 0)
	if s, a, sok := b.str("derived_from"); sok {
		if s == "" {
			d.errorf(a.Expr.Range(), "Empty value", "%s.derived_from must not be empty; leave it out when the figure was measured.", b.path)
		}
		t.DerivedFrom = s
	}
	t.Source = b.source(inherit)
	return t, gpu + "/" + strconv.Itoa(t.TensorParallel), ok && t.TensorParallel > 0
}

// source decodes the source, as_of, estimate and note attributes; absent
// ones keep inherit's value.
func (b *body) source(inherit modelcatalog.Source) modelcatalog.Source {
	s := inherit
	s.Source = b.text("source", s.Source)
	if v, a, ok := b.str("as_of"); ok {
		if _, dok := b.d.parseDate(v, a.Expr.Range(), b.path+".as_of"); dok {
			s.AsOf = v
		}
	}
	s.Estimate = b.boolean("estimate", s.Estimate)
	s.Note = b.text("note", s.Note)
	return s
}

// scores decodes a per-complexity score object, { simple = 0.8, complex = 0.4 },
// each score from 0 to 1.
func (b *body) scores(name string) (map[string]float64, bool) {
	a := b.attr(name)
	if a == nil {
		return nil, false
	}
	v, ok := b.value(a)
	if !ok {
		return nil, false
	}
	what := b.path + "." + name
	keys := []string{Simple, Complex}
	ty := v.Type()
	if !ty.IsObjectType() && !ty.IsMapType() {
		b.d.errorf(a.Expr.Range(), "Wrong type",
			"%s takes an object with a score from 0 to 1 per complexity, such as { simple = 0.8, complex = 0.4 }; this is %s.",
			what, typeName(ty))
		return nil, false
	}
	// Find each key's source range, to point at the offending entry.
	keyAt, valAt := map[string]hcl.Range{}, map[string]hcl.Range{}
	if obj, isObj := a.Expr.(*hclsyntax.ObjectConsExpr); isObj {
		for _, item := range obj.Items {
			kv, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() || kv.IsNull() || !kv.IsKnown() || kv.Type() != cty.String {
				continue
			}
			keyAt[kv.AsString()] = item.KeyExpr.Range()
			valAt[kv.AsString()] = item.ValueExpr.Range()
		}
	}
	at := func(m map[string]hcl.Range, k string) hcl.Range {
		if r, has := m[k]; has {
			return r
		}
		return a.Expr.Range()
	}
	out := map[string]float64{}
	ok = true
	vals := v.AsValueMap()
	for _, k := range sortedKeys(vals) {
		if !contains(keys, k) {
			b.d.errorf(at(keyAt, k), "Unsupported key",
				"%s scores the complexities %s; %q is not one.%s", what, orList(keys), k, didYouMean(k, keys))
			ok = false
			continue
		}
		ev := vals[k]
		if ev.IsNull() || ev.Type() != cty.Number {
			desc := "null"
			if !ev.IsNull() {
				desc = typeName(ev.Type())
			}
			b.d.errorf(at(valAt, k), "Wrong type", "%s.%s takes a number from 0 to 1; this is %s.", what, k, desc)
			ok = false
			continue
		}
		f, fok := b.d.toFloat(ev, at(valAt, k), what+"."+k)
		if !fok || !between(0, 1).check(b.d, f, at(valAt, k), what+"."+k) {
			ok = false
			continue
		}
		out[k] = f
	}
	for _, k := range keys {
		if _, has := vals[k]; !has {
			b.d.errorf(a.Expr.Range(), "Missing score",
				"%s needs a score for both complexities, simple and complex; %s is missing.", what, k)
			ok = false
		}
	}
	return out, ok
}

func sortedKeys(m map[string]cty.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkpointDType holds weights_dtype to what hf_repo can serve: a
// repository whose name states a quantization (…-FP8, …-AWQ, …-NVFP4)
// holds those weights, and vLLM quantizes to FP8 on load but to no 4-bit
// format, so fp4 and int4 need a checkpoint whose name says so.
func (d *decoder) checkpointDType(b *body, m modelcatalog.OpenModel) {
	attr, ok := b.syn.Attributes["weights_dtype"]
	if !ok || m.WeightsDType == "" || m.HFRepo == "" {
		return
	}
	_, named := modelcatalog.CheckpointPrecision(m.HFRepo)
	switch {
	case named != "" && named != m.WeightsDType:
		d.errorf(attr.Expr.Range(), "Weights do not match the checkpoint",
			"%s.hf_repo %q holds %s weights (its name says so), so weights_dtype must be %q; got %q.", b.path, m.HFRepo, named, named, m.WeightsDType)
	case named == "" && (m.WeightsDType == "fp4" || m.WeightsDType == "int4"):
		d.errorf(attr.Expr.Range(), "No quantized checkpoint",
			"%s.weights_dtype %q needs a checkpoint quantized ahead of time (an NVFP4 \"…-FP4\" or an AWQ/GPTQ \"…-AWQ\", \"…-GPTQ-Int4\", \"…-quantized.w4a16\" repository): vLLM cannot quantize to it on load, and %q's name states no such format.", b.path, m.WeightsDType, m.HFRepo)
	}
}
