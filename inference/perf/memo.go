package perf

import (
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
}

func keyOf(c Config) memoKey {
	m := c.Model
	k := memoKey{c: c, gpu: *c.GPU}
	k.c.Model, k.c.GPU = nil, nil
	k.model = modelFigures{m.ID, m.WeightsDType, m.ParamsB, m.ActiveParamsB, m.WeightsGB,
		m.Layers, m.QHeads, m.KVHeads, m.HeadDim, m.MaxContext, m.KVBytesPerToken,
		m.HiddenSize, m.VocabSize, m.Experts, m.ExpertsPerToken, m.SharedExperts, m.DenseLayers,
		m.KVLoraRank, m.QKRopeHeadDim, m.SlidingWindow, m.SlidingLayers}
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
