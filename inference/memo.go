package inference

import (
	"math"
	"slices"

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
	front   [frontSize]frontEntry
	curves  map[memoKey]*perf.Curve
	cals    map[memoKey]calibration
	// loc remembers Request.locality's factor by replica count (of[n],
	// -1 where not asked) for sessions of turns requests: the factor is a
	// function of those two alone, so the key is complete.
	loc struct {
		turns float64
		of    []float64
	}
	// verdicts remember meetsAt by question; works numbers the sizings'
	// workloads (each one's request shape and TTFT target) for them, the
	// numbers of generation gen.
	verdicts map[verdictKey]bool
	works    [][]workTarget
	gen      int32
	// held remembers Request.holdsContext: a function of the model, the
	// GPU (the performance model's memory layout of them), the
	// tensor-parallel size and the context alone, its key.
	held map[heldKey]heldContext
}

type heldKey struct {
	model   *modelcatalog.OpenModel
	gpu     *modelcatalog.GPU
	tp, ctx int64
}

type heldContext struct {
	gb    float64
	whole bool
}

// holds is r.holdsContext(tp, ctx), remembered.
func (m *Memo) holds(r *Request, tp, ctx int) (float64, bool) {
	k := heldKey{model: r.Model, gpu: r.GPU, tp: int64(tp), ctx: int64(ctx)}
	if h, ok := m.held[k]; ok {
		return h.gb, h.whole
	}
	if len(m.held) >= memoCap {
		clear(m.held)
	}
	gb, whole := r.holdsContextOf(tp, ctx)
	m.held[k] = heldContext{gb, whole}
	return gb, whole
}

// verdictKey is a question of meetsAt: a unit of a model on a GPU at a
// hit rate and a load, the per cent and the utilization near 100 % as
// ask keys them (loadKey), of a sizing's workloads (Memo.workOf). The
// verdict is that of each workload's answer to the same question at its
// shape (ask) against its target and IdleTimeoutMs, so the key is
// complete. Plain memory without padding, as memoKey.
type verdictKey struct {
	model                  *modelcatalog.OpenModel
	gpu                    *modelcatalog.GPU
	near                   uint64
	work, tp, gpus, hit, u int32
	pad                    int32
}

// workTarget is a workload as meetsAt judges it: the shape its TTFT is
// asked at, and its target.
type workTarget struct {
	s   shape
	max float64
}

// worksCap bounds the workloads a Memo numbers; it starts over when full.
const worksCap = 256

// meets is r.judge(o, e), remembered; o's utilization is in [0, 1).
func (m *Memo) meets(r *Request, o *option, e *sizingEnv) bool {
	pct, near := loadKey(o.u)
	k := verdictKey{model: r.Model, gpu: r.GPU, near: math.Float64bits(near), pad: 0, work: m.workOf(e),
		tp: int32(o.tp), gpus: int32(o.unit), hit: int32(hitPercent(o.hit)), u: int32(pct)}
	if int(k.tp) != o.tp || int(k.gpus) != o.unit {
		return r.judge(o, e)
	}
	if v, ok := m.verdicts[k]; ok {
		return v
	}
	if len(m.verdicts) >= memoCap {
		clear(m.verdicts)
	}
	v := r.judge(o, e)
	m.verdicts[k] = v
	return v
}

// workOf numbers e's workloads: the same number for the same shapes and
// targets, in order.
func (m *Memo) workOf(e *sizingEnv) int32 {
	if e.works > 0 && e.gen == m.gen {
		return e.works - 1
	}
	ws := make([]workTarget, len(e.work))
	for i, w := range e.work {
		ws[i] = workTarget{s: e.shapes[i], max: w.MaxTTFTMs}
	}
	id := slices.IndexFunc(m.works, func(o []workTarget) bool { return slices.Equal(o, ws) })
	if id < 0 {
		if len(m.works) >= worksCap {
			m.works, m.gen = nil, m.gen+1
			clear(m.verdicts)
		}
		id = len(m.works)
		m.works = append(m.works, ws)
	}
	e.works, e.gen = int32(id+1), m.gen
	return int32(id)
}

// localityCap bounds the replica counts whose locality a Memo remembers.
const localityCap = 1 << 16

// NewMemo is an empty Memo.
func NewMemo() *Memo {
	return &Memo{answers: map[memoKey]int32{}, verdicts: map[verdictKey]bool{}, held: map[heldKey]heldContext{}, curves: map[memoKey]*perf.Curve{}, cals: map[memoKey]calibration{}}
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
// calibration's no question. It is plain memory without padding (near as
// its bits, pad always 0), so that the map hashes and compares its bytes
// at once: near is never NaN and never -0 (a utilization in (0, 1), or
// 0), so its bits are equal where the floats are.
type memoKey struct {
	model              *modelcatalog.OpenModel
	gpu                *modelcatalog.GPU
	near               uint64
	in, out, p95, seqs int32
	gpus               int32
	tp, hit, u, pad    int8
}

// keyOf is k's memoKey; ok is false where a figure does not fit it (then
// the answer is not remembered).
func keyOf(k *askKey) (memoKey, bool) {
	q := k.question
	mk := memoKey{model: k.model, gpu: k.gpu, near: math.Float64bits(q.near), pad: 0, in: int32(q.s.in), out: int32(q.s.out), p95: int32(q.s.p95),
		seqs: int32(q.seqs), gpus: int32(q.gpus), tp: int8(q.tp), hit: int8(q.hit), u: int8(q.u)}
	ok := int(mk.in) == q.s.in && int(mk.out) == q.s.out && int(mk.p95) == q.s.p95 && int(mk.seqs) == q.seqs &&
		int(mk.gpus) == q.gpus && int(mk.tp) == q.tp && int(mk.hit) == q.hit && int(mk.u) == q.u
	return mk, ok
}

// answer is k's prediction, remembered. Its address stays its answer: a
// remembered answer is never written again (the list starts over in a
// new array when full, and append moves copies).
func (m *Memo) answer(k *askKey) *answer {
	mk, ok := keyOf(k)
	if !ok {
		a := predictKey(*k, perf.PredictAt)
		return &a
	}
	slot := &m.front[mk.slot()]
	if slot.set && slot.k == mk {
		return &m.list[slot.i]
	}
	i, ok := m.answers[mk]
	if !ok {
		if len(m.list) >= answerCap {
			clear(m.answers)
			m.front = [frontSize]frontEntry{}
			m.list = nil
		}
		a := predictKey(*k, func(c perf.Config, u float64) perf.Result { return m.curve(mk, c).At(u) })
		i = int32(len(m.list))
		m.answers[mk] = i
		m.list = append(m.list, a)
	}
	*slot = frontEntry{k: mk, i: i, set: true}
	return &m.list[i]
}

// frontSize is the slots of a Memo's front: a question asked again soon
// after (the probes of one sizing, the same probes of the next team
// size) is found there, by its slot alone, before the map.
const frontSize = 1 << 10

// frontEntry is a slot of the front: the question and its answer's
// index, set where it holds one.
type frontEntry struct {
	k   memoKey
	i   int32
	set bool
}

// slot is k's slot in the front, a hash of its figures (the model and
// GPU are those of most questions).
func (k *memoKey) slot() uint32 {
	h := uint64(k.in)*0x9e3779b97f4a7c15 ^ uint64(k.out)*0xc2b2ae3d27d4eb4f ^ uint64(k.p95)*0x165667b19e3779f9 ^
		uint64(k.seqs)*0x27d4eb2f165667c5 ^ uint64(k.gpus)<<40 ^ uint64(k.tp)<<48 ^ uint64(k.hit)<<8 ^ uint64(k.u)<<24 ^ k.near
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return uint32(h) & (frontSize - 1)
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

// locality is r's locality factor for replicas (Request.locality),
// remembered by the turns of a session and the replicas.
func (m *Memo) locality(r *Request, replicas int) float64 {
	if turns := r.turns(); turns != m.loc.turns {
		m.loc.turns, m.loc.of = turns, m.loc.of[:0]
	}
	if replicas < 0 || replicas >= localityCap {
		_, _, l := r.locality(replicas)
		return l
	}
	for len(m.loc.of) <= replicas {
		m.loc.of = append(m.loc.of, -1)
	}
	if l := m.loc.of[replicas]; l != -1 {
		return l
	}
	_, _, l := r.locality(replicas)
	m.loc.of[replicas] = l
	return l
}
