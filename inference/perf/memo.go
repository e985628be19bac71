package perf

import (
	"math"
	"slices"
	"sync"

	"github.com/costgate/costgate/modelcatalog"
)

// memoSize bounds the predictions kept; the memo starts over when full.
const memoSize = 4096

// memo keeps recent predictions with the fitted factors: sizing asks the
// same configuration at every team size of a sweep. Keys hold the model's
// and GPU's figures by value, so a model edited in place is predicted
// afresh.
var memo = struct {
	sync.Mutex
	m map[memoKey]Result
}{m: map[memoKey]Result{}}

type memoKey struct {
	c     Config
	model modelFigures
	gpu   modelcatalog.GPU
}

// modelFigures are the fields of a model the prediction reads.
type modelFigures struct {
	id, dtype                                             string
	params, active, weightsGB                             float64
	layers, qHeads, kvHeads, headDim, maxContext, kvBytes int
	hidden, vocab, experts, perToken, shared, denseLayers int
	loraRank, ropeDim, window, windowLayers               int
	chunked                                               bool
}

func keyOf(c Config) memoKey {
	m := c.Model
	k := memoKey{c: c, gpu: *c.GPU}
	k.c.Model, k.c.GPU = nil, nil
	k.model = modelFigures{m.ID, m.WeightsDType, m.ParamsB, m.ActiveParamsB, m.WeightsGB,
		m.Layers, m.QHeads, m.KVHeads, m.HeadDim, m.MaxContext, m.KVBytesPerToken,
		m.HiddenSize, m.VocabSize, m.Experts, m.ExpertsPerToken, m.SharedExperts, m.DenseLayers,
		m.KVLoraRank, m.QKRopeHeadDim, m.SlidingWindow, m.SlidingLayers, m.ChunkedAttention}
	return k
}

// memoized is predict with the fitted factors, remembered; the caller
// gets its own copy of the notes and latencies.
func memoized(c Config) Result {
	if c.Model == nil || c.GPU == nil {
		return predict(c, Fitted)
	}
	k := keyOf(c)
	memo.Lock()
	r, ok := memo.m[k]
	memo.Unlock()
	if !ok {
		r = predict(c, Fitted)
		memo.Lock()
		if len(memo.m) >= memoSize {
			clear(memo.m)
		}
		memo.m[k] = r
		memo.Unlock()
	}
	r.Notes = append([]string(nil), r.Notes...)
	if r.TTFTMs != nil {
		ttft, p95, p999 := *r.TTFTMs, *r.TTFTP95Ms, *r.TTFTP999Ms
		r.TTFTMs, r.TTFTP95Ms, r.TTFTP999Ms = &ttft, &p95, &p999
	}
	return r
}

// curves keeps each configuration's saturation with the fitted factors,
// and the lives of the batches PredictAt's search for the load's batch
// asked (deployment.atRate): sizing asks one configuration at many loads,
// one for every instance count it tries, and the saturation and most of
// the batches searched are the same at each. Keyed as memo is.
var curves = struct {
	sync.Mutex
	m map[memoKey]*curve
}{m: map[memoKey]*curve{}}

// curve is a configuration at saturation (saturation's answer).
type curve struct {
	d        deployment
	r        Result
	limit    int
	capacity float64
}

// lives are the operating points of one deployment at each batch it was
// asked at, the prefill of a p95 prompt there, and the time a prompt
// holds the prefill under an open loop's arrival rate (openService).
// None of them reads the p95 prompt but the p95's own prefill, keyed by
// it: the workloads of one mix, each with its own prompt, share them.
type lives struct {
	sync.Mutex
	m    map[int]operatingPoint
	p95  map[p95Key]float64
	open map[openKey]float64
}

// p95Key is a p95 prompt's prefill at a batch.
type p95Key struct{ tokens, b int }

// openKey is openService's question: a batch and an arrival rate (its
// bits: a rate is never NaN, and -0 is no arrival rate openService is
// asked at).
type openKey struct {
	b      int
	lambda uint64
}

// livesCap bounds the open-loop services a deployment remembers: a
// sweep asks one at each load.
const livesCap = 1 << 12

func newLives() *lives {
	return &lives{m: map[int]operatingPoint{}, p95: map[p95Key]float64{}, open: map[openKey]float64{}}
}

// curveOf is c's saturation with the fitted factors, remembered; the
// caller gets its own copy of the notes.
func curveOf(c Config) curve {
	out := *sharedCurve(c)
	out.r.Notes = slices.Clone(out.r.Notes)
	out.d.c.InputTokensP95 = c.InputTokensP95
	return out
}

// sharedCurve is c's saturation with the fitted factors, remembered, as
// the memo holds it: the caller copies what it changes, and sets its own
// p95 prompt on the deployment (curveOf). The saturation does not read
// the p95 prompt, so configurations that differ in it alone share one
// curve and its lives (a mix's workloads, each asked at its own prompt).
func sharedCurve(c Config) *curve {
	c.Concurrency, c.InputTokensP95 = 0, 0
	k := keyOf(c)
	curves.Lock()
	s, ok := curves.m[k]
	curves.Unlock()
	if !ok {
		s = &curve{}
		s.d, s.r, s.limit, s.capacity = saturation(c, Fitted)
		s.d.lives = newLives()
		curves.Lock()
		if len(curves.m) >= memoSize {
			clear(curves.m)
		}
		curves.m[k] = s
		curves.Unlock()
	}
	return s
}

// life is the life of a request at batch b (at(b).life), remembered
// where the deployment keeps its lives.
func (d *deployment) life(b int) float64 { return d.point(b).life }

// point is the operating point at batch b (at), remembered where the
// deployment keeps its lives: sizing asks one saturation at many loads,
// and the loads' batches repeat.
func (d *deployment) point(b int) operatingPoint {
	if d.lives == nil {
		return d.at(b)
	}
	d.lives.Lock()
	o, ok := d.lives.m[b]
	d.lives.Unlock()
	if !ok {
		o = d.at(b)
		d.lives.Lock()
		d.lives.m[b] = o
		d.lives.Unlock()
	}
	return o
}

// prefillP95 is the prefill of the configuration's p95 prompt at o
// (prefill), remembered by batch where the deployment keeps its lives.
func (d *deployment) prefillP95(o operatingPoint) float64 {
	c := d.c
	at := func() float64 {
		p, _, _ := d.prefill(float64(c.InputTokensP95), o.b, float64(c.InputTokens)+float64(c.OutputTokens)/2, o.batch)
		return p
	}
	b := int(o.b)
	if d.lives == nil || float64(b) != o.b {
		return at()
	}
	return recall(d.lives, d.lives.p95, p95Key{tokens: c.InputTokensP95, b: b}, at)
}

// openServiceOf is openService(o, lambda), remembered by batch and rate
// where the deployment keeps its lives: a mix's workloads ask the same
// load one after another.
func (d *deployment) openServiceOf(o operatingPoint, lambda float64) float64 {
	b := int(o.b)
	if d.lives == nil || float64(b) != o.b {
		return d.openService(o, lambda)
	}
	k := openKey{b: b, lambda: math.Float64bits(lambda)}
	return recall(d.lives, d.lives.open, k, func() float64 { return d.openService(o, lambda) })
}

// recall is m[k], one of l's maps, or f's answer remembered there (m
// starts over when it holds livesCap), under l's lock.
func recall[K comparable](l *lives, m map[K]float64, k K, f func() float64) float64 {
	l.Lock()
	v, ok := m[k]
	l.Unlock()
	if ok {
		return v
	}
	v = f()
	l.Lock()
	if len(m) >= livesCap {
		clear(m)
	}
	m[k] = v
	l.Unlock()
	return v
}
