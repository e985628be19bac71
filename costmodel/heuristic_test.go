package costmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
)

// heuristicManaged are the managed models a generated workload is pinned
// to: with route "auto" it has two choices, that model or the fleet.
var heuristicManaged = []string{"claude-sonnet-5.5", "claude-haiku-5.5", "gpt-6.2-sol", "gpt-6-luna", "deepseek-v4-pro", "gemini-4-hydrogen"}

// heuristicSpec draws a spec of n auto workloads, each pinned to one
// managed model, some with a TTFT target (tight ones no managed route
// meets), some with a quality floor, and a budget (0: none) that the
// test's gate applies as spend.limit does. The fleet's model or its GPU
// may be "auto" (never both) at 13 workloads only, so that the exact
// search stays small enough to run.
func heuristicSpec(r *rand.Rand, n int) (src string, budget float64) {
	var b strings.Builder
	fmt.Fprintf(&b, "team \"h\" {\n  developers = %d\n  tokens_per_developer = %g\n  cost_center = \"x\"\n}\n", 100+r.IntN(1900), float64(6+r.IntN(14))*1e6)
	model, gpu := []string{"qwen3-coder-30b-a3b", "gpt-oss-120b", "llama-3.3-70b"}[r.IntN(3)], "h100"
	switch r.IntN(4) {
	case 0:
		model = "auto"
	case 1:
		gpu = "auto"
	}
	if n > MaxExactWorkloads+1 {
		// The exact search sizes up to 2^n fleets per model and GPU.
		model, gpu = []string{"qwen3-coder-30b-a3b", "gpt-oss-120b", "llama-3.3-70b"}[r.IntN(3)], "h100"
	}
	fmt.Fprintf(&b, "self_hosted {\n  model = %q\n  gpu = %q\n}\n", model, gpu)
	if r.IntN(2) == 0 {
		b.WriteString("quality {\n  include_in_decision = false\n}\n")
	}
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = 0.1 + r.Float64()*r.Float64()*3
		sum += weights[i]
	}
	left := 1.0
	for i := range n {
		share := weights[i] / sum
		if i == n-1 {
			share = left
		}
		left -= share
		complexity := []string{"simple", "complex"}[r.IntN(2)]
		fmt.Fprintf(&b, "workload \"w%02d\" {\n  share = %.12f\n  complexity = %q\n  context_tokens = %d\n  model = %q\n",
			i, share, complexity, 2048*(1+r.IntN(8)), heuristicManaged[r.IntN(len(heuristicManaged))])
		switch r.IntN(12) {
		case 0:
			b.WriteString("  max_ttft_ms = 800\n") // below every managed route's TTFT
		case 1:
			fmt.Fprintf(&b, "  max_ttft_ms = %d\n", []int{1500, 2000, 3000}[r.IntN(3)])
		}
		if r.IntN(10) == 0 {
			fmt.Fprintf(&b, "  min_quality = %.1f\n", 0.3+float64(r.IntN(5))/10)
		}
		b.WriteString("}\n")
	}
	if r.IntN(3) == 0 {
		budget = float64(2+r.IntN(40)) * 1000
	}
	return b.String(), budget
}

// budgetGate denies an option whose expected cost is above budget, and
// says every costlier one is denied too, as spend.limit does; none with
// budget 0.
func budgetGate(budget float64) Gate {
	return func(o Option) (Verdict, error) {
		if budget > 0 && o.MonthlyUSD.Expected > budget {
			return Verdict{Denied: []string{"spend.limit"}, CostlierDenied: true}, nil
		}
		return Verdict{}, nil
	}
}

// decided is a search's decision: the cheapest allowed option, or the
// cheapest of all when none is allowed, as explain chooses.
type decided struct {
	cost    float64
	allowed bool
	arch    architecture.Name
	search  *Search
}

// decide plans spec src under the budget gate, with the search's exact
// limit at maxExact.
func decide(t *testing.T, src string, budget float64, maxExact int) decided {
	t.Helper()
	p := plannedWith(t, src, budgetGate(budget), func(s *searcher) { s.maxExact = maxExact })
	d := p.decided()
	d.search = p.search
	return d
}

// TestHeuristicAgainstExact plans generated specs of 13 to 16 auto
// workloads, two choices each, with the heuristic and with the exact
// search (its limit raised), which plan/search_proof_test.go proves
// against brute force: the heuristic's decision is never cheaper than the
// exact one, never more than its gap bound dearer, and allowed whenever
// the exact one is.
func TestHeuristicAgainstExact(t *testing.T) {
	// One of the package's slowest: run beside the others (CI time).
	t.Parallel()
	specs := 16
	if testing.Short() {
		specs = 3
	}
	r := rand.New(rand.NewPCG(20261205, 4))
	var heuristic, worse atomic.Int32
	// The specs in parallel, the counts once all are done: the exact
	// searches of 15 and 16 workloads are most of the package's time.
	t.Run("specs", func(t *testing.T) {
		for k := range specs {
			n := MaxExactWorkloads + 1 + k%4
			src, budget := heuristicSpec(r, n)
			t.Run(fmt.Sprintf("spec%02d_%dw", k, n), func(t *testing.T) {
				t.Parallel()
				heuristicAgainstExact(t, src, budget, &heuristic, &worse)
			})
		}
	})
	t.Logf("%d of %d specs ran the heuristic; it was dearer on %d", heuristic.Load(), specs, worse.Load())
	if int(heuristic.Load()) < specs/3 {
		t.Errorf("only %d of %d specs ran the heuristic", heuristic.Load(), specs)
	}
}

// heuristicAgainstExact decides src with the search's limit and with it
// raised, and checks the heuristic's answer and bound against the exact.
func heuristicAgainstExact(t *testing.T, src string, budget float64, heuristic, worse *atomic.Int32) {
	h := decide(t, src, budget, MaxExactWorkloads)
	e := decide(t, src, budget, 64)
	if !e.search.Exact {
		t.Fatalf("the search with its limit raised is not exact")
	}
	if h.search.Exact {
		return // the per-route rules left at most MaxExactWorkloads free
	}
	heuristic.Add(1)
	// A blocked plan claims no bound (search.unproven_block).
	gap := 0.0
	if g := h.search.GapBoundUSD; g != nil {
		gap = *g
	} else if h.allowed {
		t.Errorf("the heuristic allows %s without a gap bound", h.arch)
	}
	switch {
	case e.allowed && !h.allowed:
		t.Errorf("the exact search allows %s at $%.2f; the heuristic's decision is denied\n%s", e.arch, e.cost, src)
	case !h.allowed && !e.allowed:
		// Both blocked: the costs are of denied options, which
		// the blocked heuristic plan claims no bound for.
	case h.allowed == e.allowed && h.cost < e.cost-0.005:
		t.Errorf("heuristic %s $%.2f is cheaper than the exact %s $%.2f\n%s", h.arch, h.cost, e.arch, e.cost, src)
	case h.allowed == e.allowed && h.cost-gap > e.cost+0.005:
		t.Errorf("heuristic %s $%.2f less its gap bound $%.2f is above the exact %s $%.2f\n%s", h.arch, h.cost, gap, e.arch, e.cost, src)
	}
	if h.cost > e.cost+0.005 {
		worse.Add(1)
	}
	t.Logf("heuristic %s $%.2f (bound $%.2f, %d sized), exact %s $%.2f (%d sized), budget %g", h.arch, h.cost, gap, h.search.Sized, e.arch, e.cost, e.search.Sized, budget)
}

// TestHeuristicReportsItsGap: above MaxExactWorkloads auto workloads the
// hybrid search is a heuristic, and it says so with a bound; its hybrid
// option is never cheaper than the exact one.
func TestHeuristicReportsItsGap(t *testing.T) {
	src := manyWorkloads(MaxExactWorkloads + 2)
	h := decide(t, src, 0, MaxExactWorkloads)
	if h.search.Exact || h.search.GapBoundUSD == nil {
		t.Fatalf("search of %d auto workloads: exact %t, gap bound %v; want the heuristic and a bound", MaxExactWorkloads+2, h.search.Exact, h.search.GapBoundUSD)
	}
	e := decide(t, src, 0, 64)
	if h.cost < e.cost-0.005 || h.cost-*h.search.GapBoundUSD > e.cost+0.005 {
		t.Errorf("heuristic $%.2f (bound $%.2f), exact $%.2f", h.cost, *h.search.GapBoundUSD, e.cost)
	}
	hybrid := func(maxExact int) float64 {
		m, err := newModel(parse(t, "many.hcl", src), modelcatalog.Default(), date)
		if err != nil {
			t.Fatal(err)
		}
		sr := m.newSearcher()
		sr.maxExact = maxExact
		o, err := m.searchOption(sr, architecture.Hybrid, nil)
		if err != nil {
			t.Fatal(err)
		}
		return o.MonthlyUSD.Expected
	}
	if hh, he := hybrid(MaxExactWorkloads), hybrid(64); hh < he-0.005 {
		t.Errorf("heuristic hybrid $%.2f is cheaper than the exact optimum $%.2f", hh, he)
	}
}

// TestPerRouteRulesFixSides: before any split is made, a workload no
// managed route may serve (a TTFT target below every managed route's) is
// fixed to the fleet and one no fleet model may serve (a quality floor
// above the fleet model's) stays managed; only the others count toward
// the exact limit, so a team of 14 auto workloads with four so fixed is
// searched exactly.
func TestPerRouteRulesFixSides(t *testing.T) {
	var b strings.Builder
	b.WriteString(`team "fixed" {
  developers           = 300
  tokens_per_developer = 8e6
  cost_center          = "x"
}
managed {
  candidates = ["claude-sonnet-5.5", "gpt-6.2-sol"]
}
self_hosted {
  model = "qwen3-coder-30b-a3b"
}
`)
	for i := range 14 {
		fmt.Fprintf(&b, "workload \"w%02d\" {\n  share = %.10f\n  complexity = %q\n", i, 1.0/14, []string{"simple", "complex"}[i%2])
		switch i {
		case 0, 2, 4:
			b.WriteString("  max_ttft_ms = 800\n")
		case 1:
			b.WriteString("  min_quality = 0.8\n")
		}
		b.WriteString("}\n")
	}
	m, err := newModel(parse(t, "fixed.hcl", b.String()), modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	sr := m.newSearcher()
	st := sr.newStream(architecture.Hybrid, false)
	want := map[int]int{0: 1, 2: 1, 4: 1, 1: -1}
	for i, f := range st.fixed {
		if f != want[i] {
			t.Errorf("w%02d is fixed to %d, want %d (1: the fleet, -1: managed, 0: free)", i, f, want[i])
		}
	}
	if relaxed := sr.newStream(architecture.Hybrid, true); relaxed.free() != 14 {
		t.Errorf("the relaxed stream leaves %d workloads free, want all 14", relaxed.free())
	}
	opts, _, _, err := m.optionsOn(sr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := m.explain(sr, opts); !st.Exact || st.GapBoundUSD != nil {
		t.Errorf("search of 10 free workloads: exact %t, gap bound %v; want exact", st.Exact, st.GapBoundUSD)
	}
	h := optionOf(opts, architecture.Hybrid)
	for i, on := range h.assign.fleet {
		if want[i] != 0 && on != (want[i] == 1) {
			t.Errorf("the hybrid option serves w%02d on the fleet: %t", i, on)
		}
	}
}

// TestHeuristicModelThatServesNone: above the exact limit, with the fleet's
// model "auto" and a quality floor (self_hosted.min_quality) that rules
// out some models for every workload, the heuristic sized no fleet of
// such a model and read the missing fleet as its cheapest: a plan of 13
// complex workloads under min_quality = 0.6 panicked.
func TestHeuristicModelThatServesNone(t *testing.T) {
	var b strings.Builder
	b.WriteString("team \"floor\" {\n  developers = 3000\n  tokens_per_developer = 1.4e7\n  cost_center = \"x\"\n}\n")
	b.WriteString("managed {\n  complex_model = \"deepseek-v4-pro\"\n}\nself_hosted {\n  model = \"auto\"\n  min_quality = 0.6\n}\n")
	for i := range 13 {
		fmt.Fprintf(&b, "workload \"w%02d\" {\n  share = %.12f\n  complexity = \"complex\"\n}\n", i, 1.0/13)
	}
	h := decide(t, b.String(), 0, MaxExactWorkloads)
	if h.search.Exact || h.search.GapBoundUSD == nil || !h.allowed {
		t.Fatalf("exact %t, gap bound %v, allowed %t; want the heuristic's allowed decision and a bound", h.search.Exact, h.search.GapBoundUSD, h.allowed)
	}
	e := decide(t, b.String(), 0, 64)
	if h.cost < e.cost-0.005 || h.cost-*h.search.GapBoundUSD > e.cost+0.005 {
		t.Errorf("heuristic %s %.2f USD (bound %.2f USD), exact %s %.2f USD", h.arch, h.cost, *h.search.GapBoundUSD, e.arch, e.cost)
	}
}

// TestProvenBlockIsExact: 12 free workloads and one whose 100 ms TTFT
// target no route meets, fixed to the fleet by the rules: the exact search
// proves no assignment keeps the rules. The denied option shown is found
// with the rules lifted, every workload free, which ran the heuristic and
// made the plan read "not exact" and its block "unproven".
func TestProvenBlockIsExact(t *testing.T) {
	var b strings.Builder
	b.WriteString("team \"t\" {\n  developers = 800\n  tokens_per_developer = 1e7\n  cost_center = \"x\"\n}\nself_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n}\n")
	for i := range 12 {
		fmt.Fprintf(&b, "workload \"w%02d\" {\n  share = %.12f\n  complexity = \"simple\"\n}\n", i, 0.9/12)
	}
	b.WriteString("workload \"fast\" {\n  share = 0.1\n  complexity = \"simple\"\n  max_ttft_ms = 100\n}\n")
	m, err := newModel(parse(t, "t.hcl", b.String()), modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	sr := m.newSearcher()
	opts, _, _, err := m.optionsOn(sr, budgetGate(0))
	if err != nil {
		t.Fatal(err)
	}
	st := m.explain(sr, opts)
	if !st.Exact || st.GapBoundUSD != nil {
		t.Errorf("exact %t, gap bound %v; want an exact search", st.Exact, st.GapBoundUSD)
	}
	for _, o := range opts {
		if !o.relaxed {
			t.Errorf("%s keeps the rules; want every option shown denied", o.Architecture)
		}
		for _, n := range o.Notes {
			if n.ID == "search.unproven_block" {
				t.Errorf("%s says the block is unproven", o.Architecture)
			}
		}
	}
}

// TestKnapsack: the table's set at each weight is the most valuable
// within it (brute force over every subset of random items), and the
// rises are exactly the weights where that value grows.
func TestKnapsack(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 14))
	for trial := range 200 {
		items := make([]knapsackItem, 1+r.IntN(9))
		for n := range items {
			items[n] = knapsackItem{i: n, w: 1 + r.IntN(40), v: float64(1 + r.IntN(100))}
		}
		tab := solveKnapsack(items)
		total := 0
		for _, it := range items {
			total += it.w
		}
		bestAt := make([]float64, total+1)
		for mask := range 1 << len(items) {
			w, v := 0, 0.0
			for n, it := range items {
				if mask&(1<<n) != 0 {
					w, v = w+it.w, v+it.v
				}
			}
			for c := w; c <= total; c++ {
				bestAt[c] = math.Max(bestAt[c], v)
			}
		}
		rises := 0
		for c := 0; c <= total; c++ {
			w, v := 0, 0.0
			for _, i := range tab.set(c) {
				w, v = w+items[i].w, v+items[i].v
			}
			if w > c || v != bestAt[c] {
				t.Fatalf("trial %d weight %d: set weighs %d and is worth %g, the best within it %g", trial, c, w, v, bestAt[c])
			}
			if c > 0 && bestAt[c] > bestAt[c-1] {
				if rises >= len(tab.rises) || tab.rises[rises] != c {
					t.Fatalf("trial %d: rises %v miss weight %d", trial, tab.rises, c)
				}
				rises++
			}
		}
		if rises != len(tab.rises) {
			t.Fatalf("trial %d: %d rises listed, %d found", trial, len(tab.rises), rises)
		}
	}
}

// TestKnapsackSearchFindsTheEdge: over n shares whose cost falls as the
// share grows up to an edge and is +Inf past it (a fixed fleet's), the
// search tries the edge itself, and tries few shares to find it.
func TestKnapsackSearchFindsTheEdge(t *testing.T) {
	for _, n := range []int{1, 2, 15, 16, 17, 100, 333, 1000} {
		for edge := range n {
			tried, found := 0, false
			knapsackSearch(n, func(r int) float64 {
				tried++
				found = found || r == edge
				if r > edge {
					return math.Inf(1)
				}
				return float64(n - r)
			})
			if !found {
				t.Fatalf("n %d: the edge %d was not tried", n, edge)
			}
			if limit := 4 * knapsackPoints; tried > limit {
				t.Fatalf("n %d, edge %d: %d shares tried, more than %d", n, edge, tried, limit)
			}
		}
	}
}
