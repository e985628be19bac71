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
	answers map[memoKey]answer
	curves  map[memoKey]*perf.Curve
	cals    map[memoKey]calibration
}

// NewMemo is an empty Memo.
func NewMemo() *Memo {
	return &Memo{answers: map[memoKey]answer{}, curves: map[memoKey]*perf.Curve{}, cals: map[memoKey]calibration{}}
}

// memoKey is a question of a model on a GPU, by their addresses; a
// saturation's (Memo.curves) has no load, a calibration's no question.
type memoKey struct {
	model *modelcatalog.OpenModel
	gpu   *modelcatalog.GPU
	q     question
}

// answer is k's prediction, remembered.
func (m *Memo) answer(k askKey) answer {
	mk := memoKey{k.model, k.gpu, k.question}
	if a, ok := m.answers[mk]; ok {
		return a
	}
	if len(m.answers) >= memoCap {
		clear(m.answers)
	}
	a := predictKey(k, func(c perf.Config, u float64) perf.Result { return m.curve(mk, c).At(u) })
	m.answers[mk] = a
	return a
}

// curve is the saturation of k's configuration c, remembered: asked at
// many loads, one for each instance count a sizing tries.
func (m *Memo) curve(k memoKey, c perf.Config) *perf.Curve {
	k.q.u, k.q.near = 0, 0
	if s, ok := m.curves[k]; ok {
		return s
	}
	if len(m.curves) >= memoCap {
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
