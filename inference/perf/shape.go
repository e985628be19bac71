package perf

import (
	"math"

	"github.com/costgate/costgate/modelcatalog"
)

// shape is a model's architecture reduced to what the performance model
// needs: parameter counts split into the dense part (attention,
// embeddings, shared layers) and the routed experts, their bytes at the
// served precision, and the attention layout.
type shape struct {
	layers, moeLayers       float64
	hidden, vocab           float64
	qHeads, kvHeads, hd     float64
	lora, rope              float64
	window, windowLayers    float64
	chunked                 bool // the windowed layers attend in chunks (Model.ChunkedAttention)
	experts, k              float64
	sharedExpert            bool    // a MoE layer runs a shared expert's MLP beside its routed ones
	logMiss                 float64 // ln(1 − k/experts): a token missing a given expert
	denseTotal, denseActive float64 // parameters
	expertTotal             float64 // parameters of all routed experts
	expertActive            float64 // routed-expert parameters a token uses
	expertInter             float64 // an expert's intermediate size (gated MLP)
	denseBytes, expertBytes float64 // resident bytes at the precision
	denseReadBytes          float64 // dense bytes a decode step reads
	quantParams             float64 // dense parameters held at the precision (not the embeddings or the head)
	kvOverride              float64 // catalog KV bytes a token at BF16
}

// bytesPerParam is the resident size of one parameter at prec, scales
// included (modelcatalog.BytesPerParam); BF16's 2 bytes for any other.
func bytesPerParam(prec string) float64 {
	if b, ok := modelcatalog.BytesPerParam(prec); ok {
		return b
	}
	return 2
}

func newShape(m *modelcatalog.OpenModel, prec string) shape {
	a := shape{
		layers: float64(m.Layers), moeLayers: float64(m.Layers),
		hidden: float64(m.HiddenSize), vocab: float64(m.VocabSize),
		qHeads: float64(m.QHeads), kvHeads: float64(m.KVHeads), hd: float64(m.HeadDim),
		lora: float64(m.KVLoraRank), rope: float64(m.QKRopeHeadDim),
		window: float64(m.SlidingWindow), windowLayers: float64(m.SlidingLayers), chunked: m.ChunkedAttention,
		experts: float64(m.Experts), k: float64(m.ExpertsPerToken), sharedExpert: m.SharedExperts > 0,
		kvOverride: float64(m.KVBytesPerToken),
	}
	if m.DenseLayers > 0 && m.DenseLayers < m.Layers {
		// Layers with a dense MLP (DeepSeek's first three, Llama 4
		// Maverick's every other) run no experts: their MLPs, like shared
		// experts, count in the dense part below.
		a.moeLayers = float64(m.Layers - m.DenseLayers)
	}
	if a.hidden <= 0 {
		a.hidden = a.qHeads * a.hd
	}
	total, active := m.ParamsB*1e9, m.ActiveParamsB*1e9
	if a.experts > 0 {
		a.logMiss = math.Log1p(-a.k / a.experts)
	}
	if a.experts > a.k && a.k > 0 && total > active {
		perExpert := (total - active) / (a.experts - a.k)
		a.expertTotal = perExpert * a.experts
		a.expertActive = perExpert * a.k
		// A gated MLP expert holds three hidden × intermediate matrices.
		a.expertInter = perExpert / a.moeLayers / (3 * a.hidden)
	}
	a.denseTotal = total - a.expertTotal
	a.denseActive = active - a.expertActive

	// Embeddings and the output head stay at BF16; MXFP4 checkpoints
	// (gpt-oss) quantize only the experts.
	embed := math.Min(2*a.vocab*a.hidden, a.denseTotal)
	q := bytesPerParam(prec)
	denseQ := q
	if prec == "mxfp4" && a.expertTotal > 0 {
		denseQ = 2
	}
	a.denseBytes = (a.denseTotal-embed)*denseQ + embed*2
	a.quantParams = a.denseTotal - embed
	a.expertBytes = a.expertTotal * q
	if prec == m.WeightsDType && m.WeightsGB > 0 {
		// The catalog's resident size wins for the model's own format.
		scale := m.WeightsGB * 1e9 / (a.denseBytes + a.expertBytes)
		a.denseBytes *= scale
		a.expertBytes *= scale
		embed *= scale
	}
	// A decode step looks up its tokens' embeddings, not the whole table.
	a.denseReadBytes = a.denseBytes - embed
	return a
}

// touched is the share of a layer's experts that tokens routed tokens
// reach, each picking k of the experts at random, as tokens^exp
// independent ones would (Params.RoutingExp: a batch's tokens route more
// alike than chance).
func (a *shape) touched(tokens, exp float64) float64 {
	if a.expertTotal <= 0 {
		// No routed experts (a dense model, or experts whose parameters
		// newShape could not split off: every token uses every expert).
		return 1
	}
	if tokens > 1 && exp != 1 {
		tokens = math.Exp(exp * math.Log(tokens))
	}
	// 1 − (1 − k/E)^tokens, without math.Pow's general path (the sizer
	// asks it of every step).
	return -math.Expm1(tokens * a.logMiss)
}

// mlpWidth is the MLP's intermediate width a token reaches on one GPU of
// a tensor-parallel group of tp: a mixture of experts' k experts, a dense
// model's MLP (its layers' parameters beyond the embeddings and
// attention, three hidden × width matrices a layer).
func (a *shape) mlpWidth(tp int) float64 {
	w := a.k * a.expertInter
	if a.expertTotal <= 0 {
		embed := math.Min(2*a.vocab*a.hidden, a.denseTotal)
		attn := a.hidden * a.hd * (2*a.qHeads + 2*a.kvHeads)
		w = ((a.denseTotal-embed)/a.layers - attn) / (3 * a.hidden)
		if !(w > 0) {
			w = 4 * a.hidden
		}
	}
	return w / float64(tp)
}

// kvBytes is one sequence's KV cache of seq tokens on one GPU of a
// tensor-parallel group of tp, at kvb bytes a value. Latent attention
// keeps the whole latent on every rank; grouped-query attention splits
// the KV heads (a head is replicated when tp exceeds them); windowed
// layers keep at most their window.
func (a *shape) kvBytes(seq, tp int, kvb float64) float64 {
	n := float64(seq)
	if a.lora > 0 {
		return a.layers * (a.lora + a.rope) * kvb * n
	}
	heads := math.Ceil(a.kvHeads / float64(tp))
	if a.kvOverride > 0 && a.windowLayers == 0 {
		return a.kvOverride / 2 * kvb * n * heads / a.kvHeads
	}
	full := a.layers - a.windowLayers
	return 2 * heads * a.hd * kvb * (full*n + a.windowLayers*math.Min(n, a.window))
}

// attnFlops is the attention work of one decoded token at context ctx on
// one GPU of the group: QKᵀ and AV over every cached position.
func (a *shape) attnFlops(ctx float64, tp int) float64 {
	heads := a.qHeads / float64(tp)
	if a.lora > 0 {
		// Absorbed MLA: scores over the latent and rotary key, values
		// over the latent.
		return a.layers * heads * 2 * (2*a.lora + a.rope) * ctx
	}
	full := a.layers - a.windowLayers
	return 4 * heads * a.hd * (full*ctx + a.windowLayers*math.Min(ctx, a.window))
}

// prefillScoreFlops is a prefill's attention FLOPs an attention score (one
// exponential each): QKᵀ and AV over the head dimension, or for latent
// attention over the key's head and rotary dimensions and the value's.
func (a *shape) prefillScoreFlops() float64 {
	if a.lora > 0 {
		return 2 * (2*a.hd + a.rope)
	}
	return 4 * a.hd
}

// prefillAttnFlops is the attention work of a causal prefill of n tokens
// on one GPU of the group.
func (a *shape) prefillAttnFlops(n float64, tp int) float64 {
	heads := a.qHeads / float64(tp)
	if a.lora > 0 {
		return a.layers * heads * (2*a.hd + a.rope) * n * n
	}
	full := a.layers - a.windowLayers
	return 4 * heads * a.hd * (full*n*n/2 + a.windowLayers*n*math.Min(n, a.window))
}
