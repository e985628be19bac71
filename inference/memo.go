package inference

import (
	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
)

// Memo remembers the performance model's answers across the sizings of
// one plan: its options, their ranges' corners, the notes comparing
// other GPUs and the breakeven sweep size fleets by the tens, and between
// them ask the same few hundred questions a million times. A Request
// without one remembers answers in the process's memo, keyed by the
// model's and GPU's figures as well as their addresses and locked; a
// Memo keys them by address alone and takes no lock.
//
// A Memo serves Requests whose models and GPUs are not edited while it
// lives, and which share their Throughput and GPUOf (the calibration is
// remembered by model and GPU): a plan's, read from one spec and one
// catalog. It is not safe for concurrent use.
type Memo struct {
	// answers indexes list by question: the map holds small keys and
	// indices, the answers lie in one slice (a sweep's lookups are most
	// of its time, and a map of whole answers misses the cache).
	answers map[memoKey]int32
	list    []answer
	curves  map[memoKey]*perf.Curve
	cals    map[memoKey]calibration
}

// NewMemo is an empty Memo.
func NewMemo() *Memo {
	return &Memo{answers: map[memoKey]int32{}, curves: map[memoKey]*perf.Curve{}, cals: map[memoKey]calibration{}}
}

// answerCap and curveCap bound what a Memo keeps; it starts over when
// full. A plan asks a few hundred to a few thousand questions of a few
// hundred saturations; a breakeven chart's sweep asks tens of thousands,
// and each saturation holds its operating points at every batch asked (a
// few kB): kept by the plan's model while it lives, more would only raise
// the command's peak memory.
const (
	answerCap = 1 << 12
	curveCap  = 1 << 10
)

// memoKey is a question of a model on a GPU, by their addresses, in the
// fewest bytes that hold it; a saturation's (Memo.curves) has no load, a
// calibration's no question.
type memoKey struct {
	model              *modelcatalog.OpenModel
	gpu                *modelcatalog.GPU
	near               float64
	in, out, p95, seqs int32
	gpus               int32
	tp, hit, u         int8
}

// keyOf is k's memoKey; ok is false where a figure does not fit it (then
// the answer is not remembered).
func keyOf(k askKey) (memoKey, bool) {
	q := k.question
	mk := memoKey{model: k.model, gpu: k.gpu, near: q.near, in: int32(q.s.in), out: int32(q.s.out), p95: int32(q.s.p95),
		seqs: int32(q.seqs), gpus: int32(q.gpus), tp: int8(q.tp), hit: int8(q.hit), u: int8(q.u)}
	ok := int(mk.in) == q.s.in && int(mk.out) == q.s.out && int(mk.p95) == q.s.p95 && int(mk.seqs) == q.seqs &&
		int(mk.gpus) == q.gpus && int(mk.tp) == q.tp && int(mk.hit) == q.hit && int(mk.u) == q.u
	return mk, ok
}

// answer is k's prediction, remembered.
func (m *Memo) answer(k askKey) answer {
	mk, ok := keyOf(k)
	if !ok {
		return predictKey(k, perf.PredictAt)
	}
	if i, ok := m.answers[mk]; ok {
		return m.list[i]
	}
	if len(m.list) >= answerCap {
		clear(m.answers)
		m.list = m.list[:0]
	}
	a := predictKey(k, func(c perf.Config, u float64) perf.Result { return m.curve(mk, c).At(u) })
	m.answers[mk] = int32(len(m.list))
	m.list = append(m.list, a)
	return a
}

// curve is the saturation of k's configuration c, remembered: asked at
// many loads, one for each instance count a sizing tries.
func (m *Memo) curve(k memoKey, c perf.Config) *perf.Curve {
	k.u, k.near = 0, 0
	if s, ok := m.curves[k]; ok {
		return s
	}
	if len(m.curves) >= curveCap {
		clear(m.curves)
	}
	s := perf.CurveOf(c)
	m.curves[k] = s
	return s
}

// calibration is r's calibration (Request.calibrate), remembered by
// model and GPU.
func (m *Memo) calibration(r *Request) calibration {
	k := memoKey{model: r.Model, gpu: r.GPU}
	if c, ok := m.cals[k]; ok {
		return c
	}
	c := r.calibrate()
	m.cals[k] = c
	return c
}
