package costmodel

import (
	"container/heap"
	"fmt"
	"math"
	"strings"
	"testing"
)

// manyWorkloads is a spec of n auto workloads of alternating complexity
// and contexts, three managed candidates and a fixed fleet model.
func manyWorkloads(n int) string {
	var b strings.Builder
	b.WriteString(`team "many" {
  developers           = 300
  tokens_per_developer = 6e6
  cost_center          = "x"
}
managed {
  candidates = ["claude-sonnet-5.5", "claude-haiku-5.5", "gpt-6.2-sol"]
}
self_hosted {
  model = "qwen3-coder-30b-a3b"
}
quality {
  include_in_decision = false
}
`)
	share := 1.0 / float64(n)
	for i := range n {
		complexity, ctx := "simple", 4096*(1+i%3)
		if i%2 == 1 {
			complexity, ctx = "complex", 16384*(1+i%2)
		}
		s := share
		if i == n-1 {
			s = 1 - share*float64(n-1)
		}
		fmt.Fprintf(&b, "workload \"w%02d\" {\n  share = %.10f\n  complexity = %q\n  context_tokens = %d\n}\n", i, s, complexity, ctx)
	}
	return b.String()
}

// TestQueueOrder: cheaper first; at equal cents a bound before an exact
// assignment, then fewer backends, then names, then arrival.
func TestQueueOrder(t *testing.T) {
	nodes := []*node{
		{cents: 100, exact: true, backends: 2, names: "a", seq: 1},
		{cents: 100, exact: true, backends: 1, names: "b", seq: 2},
		{cents: 100, exact: false, seq: 3},
		{cents: 99, exact: true, backends: 3, names: "z", seq: 4},
		{cents: 100, exact: true, backends: 1, names: "a", seq: 5},
		{cents: 100, exact: true, backends: 1, names: "a", seq: 6},
	}
	var q nodeQueue
	for _, n := range nodes {
		heap.Push(&q, n)
	}
	var got []int
	for q.Len() > 0 {
		got = append(got, heap.Pop(&q).(*node).seq)
	}
	want := []int{4, 3, 5, 6, 2, 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// TestQueueKeysSaturate: a cost past an int64 of cents (a quality gap at
// the spec's limits reaches 1e23 USD) saturates instead of wrapping to a
// negative key, and exact costs past the keys' range order by value.
func TestQueueKeysSaturate(t *testing.T) {
	if got := cents(math.Round(2e23 * 100)); got != maxCents {
		t.Errorf("cents of 2e23 USD = %d, want %d", got, int64(maxCents))
	}
	if got := floorCents(-2e23); got != -maxCents {
		t.Errorf("floorCents of -2e23 USD = %d", got)
	}
	if got := cents(math.NaN()); got != maxCents {
		t.Errorf("cents of NaN = %d", got)
	}
	nodes := []*node{
		{cents: cents(3e25), exact: true, cost: 3e23, backends: 1, names: "a", seq: 1},
		{cents: cents(2e25), exact: true, cost: 2e23, backends: 2, names: "b", seq: 2},
		{cents: floorCents(1e23), seq: 3},
		{cents: cents(1e18), exact: true, cost: 1e16, seq: 4},
	}
	var q nodeQueue
	for _, n := range nodes {
		heap.Push(&q, n)
	}
	var got []int
	for q.Len() > 0 {
		got = append(got, heap.Pop(&q).(*node).seq)
	}
	if want := []int{4, 3, 2, 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
