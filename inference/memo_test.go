package inference

import (
	"math"
	"reflect"
	"testing"
)

// TestMemoLocality holds the locality a Memo remembers to
// Request.locality's, for requests sharing one Memo whose sessions make
// different numbers of turns (the default below two), asked in an order
// that switches between them, at replica counts from none to past what
// the Memo keeps.
func TestMemoLocality(t *testing.T) {
	memo := NewMemo()
	counts := []int{0, 1, 2, 3, 7, 64, 1000, localityCap - 1, localityCap, localityCap + 5}
	for pass := range 3 {
		for _, turns := range []float64{0, 1.5, 2, 4, 20, 20.5, 300} {
			r := Request{TurnsPerSession: turns, CachedInputShare: 0.5, Memo: memo}
			for _, n := range counts {
				_, _, want := r.locality(n)
				if got := r.localityOf(n); math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("pass %d, %v turns, %d replicas: memo %v, computed %v", pass, turns, n, got, want)
				}
				plain := r
				plain.Memo = nil
				for _, room := range []float64{0, 0.3, 1} {
					if got, want := r.prefixHit(n, room), plain.prefixHit(n, room); math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("%v turns, %d replicas, room %v: hit %v with the memo, %v without", turns, n, room, got, want)
					}
				}
			}
		}
	}
}

// TestMemoAnswersStay holds an answer the Memo handed out to its value
// while the Memo fills past memoCap and starts over: asks keep the
// answer's address, so the Memo never writes an answer again.
func TestMemoAnswersStay(t *testing.T) {
	m, g := catalogPair(t, "qwen3-coder-30b-a3b", "h100")
	memo := NewMemo()
	r := Request{Model: m, GPU: g, Memo: memo}
	s := shape{in: 2048, out: 256}
	first := r.ask(1, 1, s, 0.3, 0.5)
	kept := *first
	for i := range memoCap + 10 {
		// Questions at prompts the sweep never asks: each a new key.
		r.ask(1, 1, shape{in: 100 + i, out: 1}, 0, -1)
	}
	if len(memo.list) > 20 {
		t.Fatalf("the memo did not start over: %d answers", len(memo.list))
	}
	if first.ok != kept.ok || first.ttftMs != kept.ttftMs || first.outTokS != kept.outTokS || first.running != kept.running {
		t.Fatalf("an answer handed out changed: %+v, was %+v", *first, kept)
	}
	again := r.ask(1, 1, s, 0.3, 0.5)
	if again.ttftMs != kept.ttftMs || again.outTokS != kept.outTokS || again.running != kept.running {
		t.Fatalf("asked again after the memo started over: %+v, first %+v", *again, kept)
	}
}

// TestProbesAreSettle holds meetTTFT's shortcuts to the slow path over
// the sweep's layouts, at counts from each one's own to 64 more, asked in
// an order that moves the hit rate back and forth: a probe settled from
// the last settle at the same hit rate (settledAt) is the option settle
// sets, field for field, and meetsAt's verdict is latency's, at the
// count's utilization and above capacity.
func TestProbesAreSettle(t *testing.T) {
	memo := NewMemo()
	for i, req := range sweepRequests(t) {
		for _, m := range []*Memo{nil, memo} {
			req.Memo = m
			maxCtx := req.MaxContextTokens
			for _, w := range req.Workloads {
				maxCtx = max(maxCtx, w.ContextTokens)
			}
			e := req.env(maxCtx)
			for _, o := range placements(t, req, &e) {
				var last settledAt
				for j := range 65 {
					n := o.n + (j*37)%65
					slow, fast := o, o
					slow.n, fast.n = n, n
					ok := req.settle(&slow, &e) == ""
					if got := last.settle(&req, &fast, &e); got != ok {
						t.Fatalf("%d: TP %d on %s at %d: settledAt %v, settle %v", i, o.tp, o.inst.Type, n, got, ok)
					}
					if !ok {
						continue
					}
					if !reflect.DeepEqual(slow, fast) {
						t.Fatalf("%d: TP %d on %s at %d: settledAt\n%+v\nsettle\n%+v", i, o.tp, o.inst.Type, n, fast, slow)
					}
					for _, u := range []float64{slow.u, 1, 1.5} {
						slow.u = u
						if _, want := req.latency(&slow, &e, false); req.meetsAt(&slow, &e) != want {
							t.Fatalf("%d: TP %d on %s at %d, %.4f: meetsAt %v, latency %v", i, o.tp, o.inst.Type, n, u, !want, want)
						}
					}
				}
			}
		}
	}
}

// TestMemoWorksStartOver numbers more workload sets than a Memo keeps:
// a sizing numbered before the Memo started over is numbered again, and
// never shares another's verdicts.
func TestMemoWorksStartOver(t *testing.T) {
	memo := NewMemo()
	first := sizingEnv{work: []Workload{{MaxTTFTMs: 100}}, shapes: []shape{{in: 1000, out: 100}}}
	id := memo.workOf(&first)
	for i := range worksCap + 3 {
		e := sizingEnv{work: []Workload{{MaxTTFTMs: float64(i)}}, shapes: []shape{{in: 1000, out: 100}}}
		if got := memo.workOf(&e); int(got) >= worksCap {
			t.Fatalf("number %d past the cap", got)
		}
		if i == worksCap+2 && memo.workOf(&first) == memo.workOf(&e) {
			t.Fatalf("two workload sets share number %d", memo.workOf(&e))
		}
	}
	again := sizingEnv{work: []Workload{{MaxTTFTMs: 100}}, shapes: []shape{{in: 1000, out: 100}}}
	if memo.workOf(&again) != memo.workOf(&first) {
		t.Fatalf("the same workloads numbered %d and %d (first %d)", memo.workOf(&again), memo.workOf(&first), id)
	}
}

// TestMemoHoldsContext holds the context a Memo remembers a replica
// holding to the performance model's, asked twice of every model and GPU
// of the sweep at every tensor-parallel size and a few contexts.
func TestMemoHoldsContext(t *testing.T) {
	memo := NewMemo()
	for pass := range 2 {
		for _, req := range sweepRequests(t) {
			req.Memo = memo
			for _, tp := range []int{1, 2, 4, 8} {
				for _, ctx := range []int{1, 2048, 32768, 131072} {
					gb, whole := req.holdsContext(tp, ctx)
					wantGB, wantWhole := req.holdsContextOf(tp, ctx)
					if math.Float64bits(gb) != math.Float64bits(wantGB) || whole != wantWhole {
						t.Fatalf("pass %d, %s on %s, TP %d, %d tokens: %v %v remembered, %v %v asked", pass, req.Model.ID, req.GPU.ID, tp, ctx, gb, whole, wantGB, wantWhole)
					}
				}
			}
		}
	}
}
