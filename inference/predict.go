package inference

// What sizing asks the performance model: a unit's saturated capacity and
// a workload's TTFT at a utilization, remembered; and the calibration of
// the model by published rows of the same model on the same GPU.

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
)

// perfSource names the performance model as a throughput figure's source.
const perfSource = "inference/perf prediction (docs/SIZING.md)"

// CalibrationBounds bound the correction published rows may apply to the
// performance model's throughput for one model on one GPU: the model's
// error on points it was not fitted on runs to about 2× (docs/SIZING.md),
// and a row taken at another engine or setup says no more than that.
var CalibrationBounds = [2]float64{0.5, 2}

// shape is a request shape: prompt tokens, output tokens and the 95th
// percentile of the prompts (0: all alike).
type shape struct{ in, out, p95 int }

// shapeOf is the shape of a request of ctx prompt tokens at the load's
// output/input ratio (0.1 without load), within the model's context.
func (r *Request) shapeOf(ctx, p95 int) shape {
	s := shape{in: max(1, ctx), p95: p95}
	s.out = max(1, count(math.Round(float64(s.in)*r.outPerIn()), math.MaxInt32))
	if mc := r.Model.MaxContext; mc > 1 && s.in+s.out > mc {
		s.in = min(s.in, mc-1)
		s.out = max(1, mc-s.in)
	}
	if s.p95 <= s.in {
		s.p95 = 0
	}
	return s
}

// outPerIn is the load's output tokens an input token (0.1 without
// load). A load of input alone (input_share 1) asks for none: each
// request is its prompt and the one token vLLM returns (shapeOf), not a
// tenth of its prompt more. A load of output alone (input_share 0) asks
// for answersWithoutInput: no window holds its answers (answersFit), as
// none holds them at any input share near it.
func (r *Request) outPerIn() float64 {
	switch {
	case r.PeakInputTokS > 0:
		return r.PeakOutputTokS / r.PeakInputTokS
	case r.PeakOutputTokS > 0:
		return answersWithoutInput
	}
	return 0.1
}

// answersWithoutInput is outPerIn of a load without input: more output an
// input token than any window holds (a prompt of one token with
// math.MaxInt32 to answer), and finite, so that a prompt's answer still
// counts in an int.
const answersWithoutInput = math.MaxInt32

// askKey is one question to the performance model. Models and GPUs are
// keyed by address and the figures that tell edited copies apart: the
// catalog's and the spec's are not edited once parsed.
type askKey struct {
	model          *modelcatalog.OpenModel
	gpu            *modelcatalog.GPU
	modelID, dtype string
	weightsGB, mem float64
	usable         float64
	question
}

// question is what one ask asks of a model on a GPU.
type question struct {
	tp, gpus int
	s        shape
	// seqs is the --max-num-seqs the engine is launched with (0: as many
	// as its cache holds, the sampler's rows charged for those).
	seqs int
	// hit is the cached share in per cent (floored); u the utilization in
	// per cent (rounded up), -1 for the saturated capacity.
	hit, u int
	// near is the utilization itself, asked at (u is then 100), when it
	// rounds up to 100 % but is below 1 (the queue is long but finite
	// there, and its TTFT is predicted at the load, not taken as
	// unbounded) or when the question is exact (askExact).
	near float64
}

// answer is what sizing keeps of a prediction.
type answer struct {
	ok      bool
	reason  string
	outTokS float64 // the unit's saturated output rate, or at u
	inTokS  float64
	ttftMs  float64 // p95; 0 when none holds (u ≥ 1)
	tailMs  float64 // p99.9 (perf.TailShare); 0 when none holds
	kvSeqs  int
	running int
	// kvGBPerGPU is the KV cache a GPU holds once its share of the
	// weights is placed (an expert-parallel rank holds its experts alone).
	kvGBPerGPU float64
	factors    perf.Factors
	notes      []string
}

// memoCap bounds the remembered answers; the memo starts over when full.
const memoCap = 1 << 15

// asked is the process's memo. Its answers, as a Memo's, are not
// changed once remembered: asks hand out their addresses, not copies.
var asked = struct {
	sync.Mutex
	m map[askKey]*answer
}{m: map[askKey]*answer{}}

// ask predicts a unit of gpus GPUs at TP tp serving shape s with hit of its
// input from the prefix cache: saturated when u < 0, else at utilization
// u rounded up to the per cent (TTFT never under the load's, and sizing's
// many loads share few predictions). The answer is remembered: read it,
// do not change it.
func (r *Request) ask(tp, gpus int, s shape, hit float64, u float64) *answer {
	k := r.key(tp, gpus, s, hit)
	if u >= 0 {
		k.u, k.near = loadKey(u)
	}
	return r.answerOf(&k)
}

// loadKey is the question of ask at utilization u ≥ 0: the per cent,
// rounded up, and the utilization itself where that rounds up to 100 %
// below 1 (question).
func loadKey(u float64) (pct int, near float64) {
	pct = count(math.Ceil(u*100-1e-9), 100)
	if pct == 100 && u < 1 {
		near = u
	}
	return pct, near
}

// askExact is ask at the utilization u itself (0 ≤ u < 1), not rounded
// up: the question of one fleet a plan reports.
func (r *Request) askExact(tp, gpus int, s shape, hit float64, u float64) *answer {
	if u <= 0 || u >= 1 {
		return r.ask(tp, gpus, s, hit, u)
	}
	k := r.key(tp, gpus, s, hit)
	k.u, k.near = 100, u
	return r.answerOf(&k)
}

// launched predicts a unit launched with --max-num-seqs seqs an engine
// (VLLMArgs): vLLM's start-up profile runs its sampler over exactly
// those rows, and the KV cache is what they leave.
func (r *Request) launched(tp, gpus int, s shape, seqs int) *answer {
	k := r.key(tp, gpus, s, 0)
	k.seqs = seqs
	return r.answerOf(&k)
}

// key is the question of a saturated unit of gpus GPUs at TP tp.
func (r *Request) key(tp, gpus int, s shape, hit float64) askKey {
	return askKey{model: r.Model, gpu: r.GPU, question: question{tp: tp, gpus: gpus, s: s, hit: hitPercent(hit), u: -1}}
}

// answerOf is k's prediction, remembered in the request's Memo, or
// without one in the process's (answer).
func (r *Request) answerOf(k *askKey) *answer {
	if r.Memo != nil {
		return r.Memo.answer(k)
	}
	m := r.Model
	k.modelID, k.dtype, k.weightsGB = m.ID, m.WeightsDType, m.WeightsGB
	k.mem, k.usable = r.GPU.MemoryGB, r.GPU.UsableGiB()
	return k.answer()
}

// answer is k's prediction, remembered.
func (k askKey) answer() *answer {
	asked.Lock()
	a, ok := asked.m[k]
	asked.Unlock()
	if ok {
		return a
	}
	p := predictKey(k, perf.PredictAt)
	a = &p
	asked.Lock()
	if len(asked.m) >= memoCap {
		clear(asked.m)
	}
	asked.m[k] = a
	asked.Unlock()
	return a
}

// hitPercent is a cached share in whole per cent, rounded down (a smaller
// share is the conservative side: more prefill).
func hitPercent(h float64) int { return count(math.Floor(h*100+1e-9), 99) }

// predictKey is the performance model's answer to k, at a load by at
// (perf.PredictAt, or a remembered saturation's: Memo.answer).
func predictKey(k askKey, at func(perf.Config, float64) perf.Result) answer {
	c := k.config()
	var p perf.Result
	switch {
	case k.u < 0:
		p = perf.Predict(c)
	case k.near > 0:
		p = at(c, k.near)
	default:
		p = at(c, float64(k.u)/100)
	}
	a := answer{ok: p.Fits, reason: p.Reason, outTokS: p.OutputTokS, inTokS: p.InputTokS, kvSeqs: p.KVCacheSequences,
		running: p.RunningSequences, kvGBPerGPU: p.KVCacheGBPerGPU, factors: p.Factors, notes: p.Notes}
	// A saturation without throughput serves nothing; at a load, the rate
	// is the load's own, which a near-idle fleet rounds to nothing (30
	// tokens a developer a month): its first token is still predicted.
	if p.Fits && k.u < 0 && (p.OutputTokS <= 0 || p.InputTokS <= 0) {
		a.ok, a.reason = false, "it predicts no throughput"
	}
	if p.TTFTP95Ms != nil && k.u >= 0 && (k.u < 100 || k.near > 0) {
		a.ttftMs, a.tailMs = *p.TTFTP95Ms, *p.TTFTP999Ms
	}
	return a
}

// config is the performance model's configuration of k.
func (k askKey) config() perf.Config {
	return perf.Config{Model: k.model, GPU: k.gpu, Engine: "vllm", Precision: k.model.WeightsDType, TP: k.tp, GPUs: k.gpus,
		InputTokens: k.s.in, OutputTokens: k.s.out, InputTokensP95: k.s.p95, CachedInputShare: float64(k.hit) / 100,
		MemoryFraction: GPUMemoryUtilization, MaxNumSeqs: k.seqs}
}

// calibration is the correction published rows of the model give the
// performance model's throughput.
type calibration struct {
	factor float64
	rows   []modelcatalog.Throughput
	// predicted[i] is the model's output rate at rows[i]'s own operating
	// point (GPU, engine, tensor-parallel size, request shape,
	// concurrency).
	predicted []float64
}

// calibrate compares each published row of this model, on whatever GPU
// it was measured, with the performance model at the row's own operating
// point: the correction is the geometric mean of measured over predicted,
// within CalibrationBounds, and it scales every GPU's prediction alike.
// What the rows measure is the model's and the engine's (its kernels, its
// experts' routing), not one part's: corrected on the GPU it was measured
// on and not on the others, gpt-oss-120b's ×0.59 on H100 ranked an
// uncorrected A100 above the corrected H100, and gpu = "auto" chose a
// fleet the rows say runs above its capacity. Rows of another model, rows
// derived from another measurement, rows on a GPU the catalog does not
// list, and rows without a stated request shape and concurrency calibrate
// nothing.
func (r *Request) calibrate() calibration {
	c := calibration{factor: 1}
	logSum := 0.0
	for _, t := range r.Throughput {
		gpu := r.rowGPU(t.GPU)
		if t.Model != r.Model.ID || gpu == nil || t.DerivedFrom != "" || t.DecodeTokS <= 0 ||
			t.InputTokens <= 0 || t.OutputTokens <= 0 || t.Concurrency <= 0 {
			continue
		}
		p := perf.Predict(perf.Config{Model: r.Model, GPU: gpu, Engine: engineOf(t.Engine), Precision: r.Model.WeightsDType,
			TP: t.TensorParallel, InputTokens: t.InputTokens, OutputTokens: t.OutputTokens, Concurrency: t.Concurrency})
		if !p.Fits || p.OutputTokS <= 0 {
			continue
		}
		c.rows = append(c.rows, t)
		c.predicted = append(c.predicted, p.OutputTokS)
		logSum += math.Log(t.DecodeTokS / p.OutputTokS)
	}
	if len(c.rows) > 0 {
		c.factor = min(max(math.Exp(logSum/float64(len(c.rows))), CalibrationBounds[0]), CalibrationBounds[1])
	}
	return c
}

// rowGPU is the GPU a published row was measured on: the request's, or
// the one GPUOf finds; nil when neither is.
func (r *Request) rowGPU(id string) *modelcatalog.GPU {
	if id == r.GPU.ID {
		return r.GPU
	}
	if r.GPUOf != nil {
		if g, ok := r.GPUOf(id); ok {
			return g
		}
	}
	return nil
}

// engineOf maps a row's engine ("vLLM 0.10.2", "NIM 1.8.0", "SGLang
// 0.5") to the performance model's: NIM serves through TensorRT-LLM; an
// unknown engine is taken as vLLM.
func engineOf(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "sglang"):
		return "sglang"
	case strings.HasPrefix(l, "nim"), strings.HasPrefix(l, "tensorrt"), strings.HasPrefix(l, "trt"):
		return "tensorrt-llm"
	}
	return "vllm"
}

// note says how the rows calibrated the prediction, each beside it.
func (c calibration) note(model, gpu string) string {
	if len(c.rows) == 0 {
		return fmt.Sprintf("no published throughput of %s calibrates the performance model: its prediction on %s stands uncorrected", model, gpu)
	}
	var each []string
	for i, t := range c.rows {
		each = append(each, fmt.Sprintf("%s, TP %d, %d in / %d out, %d in flight on %s: %.0f output tok/s measured, %.0f predicted (%s)",
			t.GPU, t.TensorParallel, t.InputTokens, t.OutputTokens, t.Concurrency, t.Engine, t.DecodeTokS, c.predicted[i], t.Source.Source))
	}
	return fmt.Sprintf("calibration: the published rows of %s measure ×%.2f the performance model's throughput at their own operating points (geometric mean, held within %g–%g), applied to the capacity of the fleet on %s as to every GPU's, so that the parts keep the model's order: %s",
		model, c.factor, CalibrationBounds[0], CalibrationBounds[1], gpu, strings.Join(each, "; "))
}
