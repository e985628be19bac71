package modelcatalog

import (
	"strings"
)

// Checkpoint is a Hugging Face repository resolved to the architecture it
// carries: the catalog's own repository, one of its same_architecture
// names, or a quantized or vendor checkpoint of one (Qwen's "-FP8",
// NVIDIA's "nvidia/…-FP4", Red Hat's "RedHatAI/…-quantized.w4a16").
type Checkpoint struct {
	// Model is the architecture the checkpoint carries.
	Model *OpenModel
	// Repo is the repository as named (a catalog id names the entry's own
	// hf_repo).
	Repo string
	// Precision is the weight format the repository's name states ("fp8",
	// "fp4", "mxfp4", "int4"); empty when the name states none.
	Precision string
}

// quantSuffixes are the endings quantizers give a checkpoint's name and
// the weight format each states, longest first so that "-FP8-dynamic" is
// not read as "-dynamic". INT8 (w8a8, GPTQ-Int8) is absent: the
// performance model has no INT8 weights.
var quantSuffixes = []struct{ suffix, precision string }{
	{"-quantized.w4a16", "int4"},
	{"-fp8-dynamic", "fp8"},
	{"-fp8-static", "fp8"},
	{"-fp8-block", "fp8"},
	{"-gptq-int4", "int4"},
	{"-awq-int4", "int4"},
	{"-w4a16", "int4"},
	{"-nvfp4", "fp4"},
	{"-mxfp4", "mxfp4"},
	{"-fp8", "fp8"},
	{"-fp4", "fp4"},
	{"-awq", "int4"},
}

// republishers are organisations that publish other makers' models
// under the original name (quantized or not), so that a name of theirs
// without a quantization suffix still carries the original architecture.
var republishers = []string{"nvidia", "redhatai", "neuralmagic", "unsloth", "hugging-quants", "modelscope"}

// CheckpointPrecision returns the weight format a repository's name
// states ("Qwen/Qwen2.5-72B-Instruct-AWQ" → "int4") and the name without
// it; precision is empty when the name states none.
func CheckpointPrecision(repo string) (base, precision string) {
	lower := strings.ToLower(repo)
	for _, q := range quantSuffixes {
		if strings.HasSuffix(lower, q.suffix) && len(repo) > len(q.suffix) {
			return repo[:len(repo)-len(q.suffix)], q.precision
		}
	}
	return repo, ""
}

// Checkpoint resolves ref — a catalog id, a Hugging Face repository or
// URL — to the architecture it carries. A repository the catalog names
// (hf_repo or same_architecture) resolves as Architecture does. Otherwise
// a quantization suffix is taken off the name and the rest is looked up:
// first under the same organisation (Qwen/X-FP8 → Qwen/X), then by name
// under any organisation (nvidia/X-FP8 → meta-llama/X). A name without
// a suffix resolves across organisations only for a known republisher
// (nvidia, RedHatAI, unsloth, …): another organisation's "X" may be a
// different model.
func (c *Catalog) Checkpoint(ref string) (Checkpoint, bool) {
	repo := trimRepo(ref)
	if m, ok := c.Architecture(ref); ok {
		if m.ID == ref {
			repo = m.HFRepo
		}
		return Checkpoint{Model: m, Repo: repo}, true
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return Checkpoint{}, false
	}
	base, prec := CheckpointPrecision(name)
	if prec == "" && !containsFold(republishers, owner) {
		return Checkpoint{}, false
	}
	if prec != "" {
		if m, ok := c.Architecture(owner + "/" + base); ok {
			return Checkpoint{Model: m, Repo: repo, Precision: prec}, true
		}
	}
	if m, ok := c.byRepoName(base); ok {
		return Checkpoint{Model: m, Repo: repo, Precision: prec}, true
	}
	return Checkpoint{}, false
}

// byRepoName finds the entry whose hf_repo or same_architecture name,
// without its organisation, is name (any case); none when two entries
// share it.
func (c *Catalog) byRepoName(name string) (*OpenModel, bool) {
	var found *OpenModel
	for _, list := range [][]OpenModel{c.OpenModels, c.Architectures} {
		for i := range list {
			for _, r := range append([]string{list[i].HFRepo}, list[i].SameArchitecture...) {
				_, n, _ := strings.Cut(r, "/")
				if !strings.EqualFold(n, name) {
					continue
				}
				if found != nil && found != &list[i] {
					return nil, false
				}
				found = &list[i]
			}
		}
	}
	return found, found != nil
}

// trimRepo takes a URL's scheme and host and a trailing slash off a
// repository reference.
func trimRepo(ref string) string {
	repo := strings.TrimSuffix(ref, "/")
	for _, prefix := range []string{"https://", "http://", "www.", "huggingface.co/", "hf.co/"} {
		if len(repo) >= len(prefix) && strings.EqualFold(repo[:len(prefix)], prefix) {
			repo = repo[len(prefix):]
		}
	}
	return repo
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// CheckpointFormat is the weight format hf_repo's files hold: the
// model's checkpoint_dtype, else the format the repository's name states,
// else BF16 for FP8 weights (vLLM quantizes a BF16 checkpoint to FP8 when
// it loads: meta-llama/Llama-3.3-70B-Instruct served as FP8), else the
// weights' own format.
func (m *OpenModel) CheckpointFormat() string {
	if m.CheckpointDType != "" {
		return m.CheckpointDType
	}
	if _, named := CheckpointPrecision(m.HFRepo); named != "" {
		return named
	}
	if m.WeightsDType == "fp8" {
		return "bf16"
	}
	return m.WeightsDType
}

// CheckpointGB is what the checkpoint takes to download, mirror and
// store, in GB: the resident weights, or for a BF16 checkpoint served as
// FP8 every parameter at 2 bytes (twice the resident weights where the
// parameter count is unknown; an FP8 model's embeddings and head are
// BF16 already).
func (m *OpenModel) CheckpointGB() float64 {
	if m.WeightsDType == "fp8" && m.CheckpointFormat() == "bf16" {
		if m.ParamsB > 0 {
			return 2 * m.ParamsB
		}
		return 2 * m.WeightsGB
	}
	return m.WeightsGB
}
