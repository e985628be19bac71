package costmodel

// The search over assignments: which workloads the fleet serves, which
// managed model serves each other one, and the fleet's model and GPU. It
// yields an option's assignments in order of expected cost, exactly, so
// that the policies run on the cheapest first and on few.
//
// An assignment's expected total splits into parts (evaluate computes it
// whole; the parts only order the search):
//
//	total = fleet(F, model, gpu) + Σ_{i ∉ F} managed(i, choice_i) + secret × providers
//
// where F is the set of workloads on the fleet, fleet(...) is every cost
// that depends on F alone (GPUs, operations, the option's fixed line items,
// the fleet's secrets, the quality gap of the workloads on it), managed(i,
// c) is workload i's tokens on choice c (and its quality gap when the spec
// includes it) and the last term is the API-key secret of each provider
// the managed routes call. The search is a best-first branch and bound:
//
//   - a split F enters the queue at a lower bound: the cheapest fleet any
//     split could have (operations, fixed line items, one GPU-month at the
//     cheapest price, the least quality gap of a model on F) plus each
//     other workload's cheapest choice;
//   - when it comes out, each of its fleets (a model on a GPU) goes back in
//     at a bound of its own, and a fleet is sized only when that bound
//     comes out (once: sizing is memoised across streams, splits.go);
//   - a sized fleet enumerates the managed workloads' choice vectors in the
//     order of the first two terms, each vector generated once (the
//     successor scheme of k-best enumeration: a vector may raise only
//     workloads at or after the one it last raised); the third term is
//     added when a vector comes out, and it goes back in at its exact cost;
//   - an exact assignment that comes out is the cheapest left, because
//     every key in the queue is a lower bound of the assignments behind it.
//
// Fleets whose bound is above the answer are never sized: that is the
// pruning. A workload the per-route rules leave one side only is fixed to
// it before any split is made. Up to MaxExactWorkloads free workloads
// every F is considered; above, the heuristic's splits (heuristic.go), and
// the search reports a bound on its gap to the true optimum.

import (
	"container/heap"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// MaxExactWorkloads is how many free (route "auto") workloads the hybrid
// search considers every split of.
const MaxExactWorkloads = 12

// MaxGated bounds the assignments an option's search sends to the policies
// before it gives up and shows its cheapest, denied.
const MaxGated = 64

// Gate runs the plan policies on one priced option. An error stops the
// search.
type Gate func(Option) (Verdict, error)

// Verdict is the gate's answer on one option.
type Verdict struct {
	// Denied lists the ids of the policies that deny it; none: allowed.
	Denied []string
	// CostlierDenied says every costlier assignment of the same option is
	// denied too (the denials are thresholds on the expected cost), so
	// the search may stop.
	CostlierDenied bool
	// CashDenied says the denials are thresholds on the expected cash
	// alone: every assignment of the option whose cash is at least this
	// one's is denied too, so the search need not gate it.
	CashDenied bool
}

// Search is what the search did and why it chose what it chose.
type Search struct {
	// AutoWorkloads counts the workloads whose route is "auto".
	AutoWorkloads int
	// Assignments counts the ways to serve the workloads the options
	// cover (each workload on the fleet or one of its candidates).
	Assignments float64
	// Exact is false when the hybrid search used the heuristic (more
	// than MaxExactWorkloads free auto workloads once the per-route rules
	// fixed those one side only may serve); GapBoundUSD then bounds how
	// much cheaper the exact search's decision could be than this one
	// (docs/SEARCH.md; 0: provably the same).
	Exact       bool
	GapBoundUSD *float64
	// Evaluated counts assignments priced exactly, Sized the fleets (a
	// split of the workloads, a model, a GPU) sized, Pruned those the
	// bounds spared, Gated the assignments sent to the policies.
	Evaluated int
	Sized     int
	Pruned    int
	Gated     int
	// TimeMS is the search's wall time; null unless asked for, so that a
	// plan stays byte-identical from run to run.
	TimeMS *float64
	// RunnerUps are the next cheapest assignments after the cheapest
	// allowed one, ungated.
	RunnerUps []Candidate
	// Rejected are the cheaper assignments the policies denied: those
	// gated, and up to MaxGated per option of those passed over because
	// the cash thresholds that denied a cheaper one in cash deny them.
	Rejected []Candidate
	// Alternatives say, for each workload and each backend that does not
	// serve it under the cheapest allowed option, why: the rule it
	// breaks, or what moving that workload there would cost more.
	Alternatives []Alternative
}

// Candidate is one assignment the search looked at.
type Candidate struct {
	Option architecture.Name
	Routes []RouteShort
	// MonthlyUSD is its expected cost; MoreUSD what it costs over the
	// cheapest allowed assignment.
	MonthlyUSD float64
	MoreUSD    float64
	DeniedBy   []string
}

// RouteShort is what serves one workload.
type RouteShort struct {
	Workload string
	ServedBy architecture.Name
	Model    string
}

// Alternative is a backend that does not serve a workload, and why.
type Alternative struct {
	Workload string
	ServedBy architecture.Name
	Model    string
	// Reason is the rule it breaks; empty when only cost decided.
	Reason string
	// MoreUSD is what moving the workload there costs a month more (less
	// when negative: a move the policies or the search's ties ruled out),
	// every other route kept and the fleet re-sized; null with a Reason.
	MoreUSD *float64
	// DeniedBy are the policies the search learned deny the moved
	// assignment (denials); empty when it did not gate it.
	DeniedBy []string
}

// searcher holds what every stream of one spec shares: the managed costs
// per choice, the fleets sized per split, the counters.
type searcher struct {
	m       *model
	mid     params
	include bool
	// mcost[i][k] is workload i's managed part on choice k at mid; mcash
	// the same without the quality gap.
	mcost [][]float64
	mcash [][]float64
	// models are the fleet's candidate models, gpus its candidate GPUs.
	models []*modelcatalog.OpenModel
	gpus   []string
	groups map[string]*group
	// fleetFit[i][k] says whether fleet model models[k] may serve
	// workload i under the per-route rules (unfitFleet).
	fleetFit [][]bool
	// maxExact is MaxExactWorkloads (a test raises it to check the
	// heuristic against the exact search); maxSkipped is maxSkipped (a
	// test lowers it to check underCash against brute force).
	maxExact   int
	maxSkipped int
	// maxGated is MaxGated (a test lowers it to reach the search's
	// detour past it on small teams).
	maxGated int
	// floor[arch+"\x00"+gpu] is a lower bound of any fleet part under
	// arch on gpu (fleetFloor).
	floor map[string]float64
	stats *Search
	errs  []string
	// denied is what the gate taught each option's search (searchOption):
	// runnerUps leaves out what it knows the policies deny.
	denied map[architecture.Name]*denials
	// shortOf is set when an option's search stopped short of a whole
	// list (underCash): the gap bound then covers every option (anyFloor).
	shortOf bool
}

// denials are the assignments of one option the policies are known to
// deny, with the policies that deny them: those gated and denied, those
// whose cash is at least cashFrom (the cash thresholds cashBy denied one
// at that cash, searchOption's skips), and, when a threshold on the total
// (costBy) denied every costlier assignment, those at least costFrom.
type denials struct {
	gated              []gatedDenial
	cashFrom, costFrom float64
	cashBy, costBy     []string
}

// gatedDenial is an assignment the gate denied and the policies that did.
type gatedDenial struct {
	a  *assignment
	by []string
}

// knows returns the policies known to deny a, which costs cost; nil when
// none is known to.
func (d *denials) knows(s *searcher, a *assignment, cost float64) []string {
	if d == nil {
		return nil
	}
	if i := slices.IndexFunc(d.gated, func(g gatedDenial) bool { return same(a, g.a) }); i >= 0 {
		return d.gated[i].by
	}
	if cost >= d.costFrom {
		return d.costBy
	}
	if !math.IsInf(d.cashFrom, 1) && s.m.cash(s, a) >= d.cashFrom {
		return d.cashBy
	}
	return nil
}

func (m *model) newSearcher() *searcher {
	mid, _ := scenarios(m.axes(true, true))
	s := &searcher{m: m, mid: mid, include: m.s.Quality.IncludeInDecision, groups: map[string]*group{}, maxExact: MaxExactWorkloads, maxSkipped: maxSkipped, maxGated: MaxGated, floor: map[string]float64{}, stats: &Search{Exact: true, Rejected: []Candidate{}}, denied: map[architecture.Name]*denials{}}
	if m.sized == nil {
		m.sized = map[sizeKey]sizedFleet{}
	}
	monthly := mid.developers * mid.tokens
	s.mcost = make([][]float64, len(m.s.Workloads))
	s.mcash = make([][]float64, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		s.mcost[i] = make([]float64, len(m.choices[i]))
		s.mcash[i] = make([]float64, len(m.choices[i]))
		for k := range m.choices[i] {
			c := &m.choices[i][k]
			v := monthly * w.Share * c.rates.PerM(mid.inputShare, mid.cachedShare, mid.cacheWriteShare) / 1e6
			s.mcash[i][k] = v
			if s.include {
				q, ok := c.quality(w.Complexity)
				v += m.workloadGap(i, q, ok, monthly, mid)
			}
			s.mcost[i][k] = v
		}
		if w.Route == spec.RouteAuto {
			s.stats.AutoWorkloads++
		}
	}
	s.models, s.gpus = m.fleetModels(), m.fleetGPUs()
	s.fleetFit = make([][]bool, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		s.fleetFit[i] = make([]bool, len(s.models))
		for k, sh := range s.models {
			s.fleetFit[i][k] = m.unfitFleet(sh, w) == ""
		}
	}
	return s
}

// stream yields one option's assignments in order of expected cost.
type stream struct {
	s       *searcher
	arch    architecture.Name
	relaxed bool
	// order[i] lists workload i's allowed managed choices, cheapest first.
	order [][]int
	// fixed[i] is 1 when workload i must be on the fleet, -1 when it must
	// be managed, 0 when the search decides.
	fixed []int
	queue nodeQueue
	seq   int
	// probe, when set, lists the fleets the heuristic sizes while it
	// chooses splits (probeFleets).
	probe []bool
	// shun, when set, is a fleet model or GPU the stream leaves out (a
	// detour's: searcher.avoiding).
	shun *route
}

// uses says whether the stream may use fleet c of a split: one the
// per-route rules allow (any, relaxed) and not one it shuns.
func (st *stream) uses(c *fleetCfg) bool {
	if c.ruled && !st.relaxed {
		return false
	}
	return st.shun == nil || !st.shun.heldBy(c.sh, c.gpu)
}

// node is a queue entry, at a lower bound unless exact: a split whose
// fleets are not listed yet (fleet set, g nil), a fleet not yet sized (g
// set, idx nil), a vector of choices on a sized fleet (idx set), or an
// assignment at its exact cost.
type node struct {
	cents int64
	exact bool
	seq   int
	// split
	fleet []bool
	// fleet of a split, and vector of choices
	g    *group
	cfg  int
	idx  []int
	last int
	// exact assignment
	a        *assignment
	cost     float64
	backends int
	names    string
}

// stream starts the search of option arch. relaxed lifts the per-route
// rules (unfit choices and fleets), for an option no fit assignment can
// make: it only picks the denied assignment shown, so its splits (every
// workload free, the heuristic's above the limit) leave the search's
// exactness alone.
func (s *searcher) stream(arch architecture.Name, relaxed bool) *stream {
	st := s.newStream(arch, relaxed)
	if exact := st.start(); !exact && !relaxed {
		s.stats.Exact = false
	}
	return st
}

// start queues the stream's splits (splits) given its workloads' fixed
// sides and choices; exact is the splits'.
func (st *stream) start() (exact bool) {
	splits, exact := st.splits()
	for _, fleet := range splits {
		st.pushSplit(fleet)
	}
	return exact
}

// newStream prepares a stream of option arch with nothing queued: each
// workload's fixed side and its allowed choices, cheapest first. Unless
// relaxed, a workload only one side may serve under the per-route rules is
// fixed to it, so that neither the exact search nor the heuristic spends a
// split on a route a rule denies.
func (s *searcher) newStream(arch architecture.Name, relaxed bool) *stream {
	m := s.m
	n := len(m.s.Workloads)
	st := &stream{s: s, arch: arch, relaxed: relaxed, order: make([][]int, n)}
	fixed := make([]int, n) // 1: must be on the fleet, -1: must be managed, 0: free
	for i, w := range m.s.Workloads {
		switch {
		case arch == architecture.Managed || !mayBeOnFleet(w):
			fixed[i] = -1
		case arch == architecture.SelfHosted || !mayBeManaged(w):
			fixed[i] = 1
		}
		for k := range m.choices[i] {
			if relaxed || m.choices[i][k].unfit == "" {
				st.order[i] = append(st.order[i], k)
			}
		}
		sort.SliceStable(st.order[i], func(a, b int) bool { return s.mcost[i][st.order[i][a]] < s.mcost[i][st.order[i][b]] })
		if !relaxed && fixed[i] == 0 {
			// The per-route rules, before any costing: a workload no
			// managed choice may serve goes to the fleet, one no fleet
			// model may serve stays managed.
			switch {
			case len(st.order[i]) == 0:
				fixed[i] = 1
			case !slices.Contains(s.fleetFit[i], true):
				fixed[i] = -1
			}
		}
	}
	st.fixed = fixed
	return st
}

// splits lists the fleet sets of the stream's option given each
// workload's fixed side: every split of the free workloads up to
// maxExact, the heuristic's splits above (heuristic.go); exact is false
// then.
func (st *stream) splits() (out [][]bool, exact bool) {
	free := st.freeWorkloads()
	base := make([]bool, len(st.fixed))
	for i, f := range st.fixed {
		base[i] = f == 1
	}
	if len(free) > st.s.maxExact {
		return st.heuristicSplits(base, free), false
	}
	for mask := 0; mask < 1<<len(free); mask++ {
		fleet := slices.Clone(base)
		for j, i := range free {
			fleet[i] = mask&(1<<j) != 0
		}
		if st.admits(fleet) {
			out = append(out, fleet)
		}
	}
	return out, true
}

// freeWorkloads lists the workloads the stream's search places.
func (st *stream) freeWorkloads() []int {
	var free []int
	for i, f := range st.fixed {
		if f == 0 {
			free = append(free, i)
		}
	}
	return free
}

// free counts the workloads the stream's search places.
func (st *stream) free() int { return len(st.freeWorkloads()) }

// admits says whether a split belongs to the stream's option: hybrid has
// workloads on the fleet and off it, managed none on it, self_hosted all.
func (st *stream) admits(fleet []bool) bool {
	on := slices.Contains(fleet, true)
	off := slices.Contains(fleet, false)
	switch st.arch {
	case architecture.Hybrid:
		return on && off
	case architecture.Managed:
		return !on
	}
	return !off
}

// managedBound is the managed part of a split at each workload's cheapest
// allowed choice; ok is false when some workload off the fleet has none.
func (st *stream) managedBound(fleet []bool) (float64, bool) {
	sum := 0.0
	for i, on := range fleet {
		if on {
			continue
		}
		if len(st.order[i]) == 0 {
			return 0, false
		}
		sum += st.s.mcost[i][st.order[i][0]]
	}
	return sum, true
}

// pushSplit queues a split at the least bound of its fleets plus its
// managed workloads' cheapest choices; a split no fleet or no choice can
// serve is left out.
func (st *stream) pushSplit(fleet []bool) {
	b, ok := st.managedBound(fleet)
	if !ok {
		return
	}
	if slices.Contains(fleet, true) {
		g := st.s.group(fleet)
		if len(g.cfgs) == 0 {
			return
		}
		least := math.Inf(1)
		for k := range g.cfgs {
			if c := &g.cfgs[k]; st.uses(c) {
				least = math.Min(least, c.bound)
			}
		}
		if math.IsInf(least, 1) {
			return
		}
		b += least
	}
	st.push(&node{cents: floorCents(b), fleet: fleet})
}

func (st *stream) push(n *node) {
	st.seq++
	n.seq = st.seq
	heap.Push(&st.queue, n)
}

// next returns the next cheapest assignment and its expected cost; ok is
// false when none is left.
func (st *stream) next() (a *assignment, cost float64, ok bool) {
	for st.queue.Len() > 0 {
		n := heap.Pop(&st.queue).(*node)
		switch {
		case n.exact:
			return n.a, n.cost, true
		case n.g == nil:
			st.expandSplit(n.fleet)
		case n.idx == nil:
			if !st.requeue(n) {
				st.expandFleet(n.g, n.cfg)
			}
		default:
			st.expandVector(n)
		}
	}
	return nil, 0, false
}

// expandSplit queues a split's fleets at their bounds.
func (st *stream) expandSplit(fleet []bool) {
	g := st.s.group(fleet)
	b, _ := st.managedBound(fleet)
	for k := range g.cfgs {
		c := &g.cfgs[k]
		if !st.uses(c) {
			continue
		}
		if c.sized {
			st.expandFleet(g, k)
			continue
		}
		st.push(&node{cents: floorCents(c.bound + b), g: g, cfg: k})
	}
}

// requeue puts an unsized fleet's node n back in the queue at the load's
// bound (searcher.refine) where that is above the key it came out at,
// whichever stream raised the bound; false when the fleet is to be sized
// now.
func (st *stream) requeue(n *node) bool {
	c := &n.g.cfgs[n.cfg]
	if c.sized {
		return false
	}
	st.s.refine(n.g, n.cfg)
	b, ok := st.managedBound(n.g.fleet)
	if key := floorCents(c.bound + b); ok && key > n.cents {
		st.push(&node{cents: key, g: n.g, cfg: n.cfg})
		return true
	}
	return false
}

// expandFleet sizes one fleet of a split and, when the stream may use it,
// queues its cheapest vector of choices.
func (st *stream) expandFleet(g *group, k int) {
	c := st.s.size(g, k)
	if !c.ok || (c.unfit != "" && !st.relaxed) {
		return
	}
	st.pushVector(g, k, make([]int, len(g.fleet)), 0)
}

// pushVector queues one vector of choices on a sized fleet at its lower
// bound.
func (st *stream) pushVector(g *group, cfg int, idx []int, last int) {
	b := g.cfgs[cfg].cost
	for i, on := range g.fleet {
		if !on {
			b += st.s.mcost[i][st.order[i][idx[i]]]
		}
	}
	st.push(&node{cents: floorCents(b), g: g, cfg: cfg, idx: idx, last: last})
}

// expandVector prices a vector exactly, queues it at that cost, and
// queues its successors: each raises one workload's choice, at or after
// the one the vector last raised, so that every vector is queued once.
func (st *stream) expandVector(n *node) {
	m, g := st.s.m, n.g
	a := &assignment{fleet: g.fleet, pick: make([]int, len(g.fleet)), sh: g.cfgs[n.cfg].sh, gpu: g.cfgs[n.cfg].gpu}
	for i, on := range g.fleet {
		if on {
			a.pick[i] = -1
		} else {
			a.pick[i] = st.order[i][n.idx[i]]
		}
	}
	st.s.stats.Evaluated++
	if ev, err := m.evaluate(a, st.s.mid, false); err == nil {
		cost := ev.total(st.s.include)
		st.push(&node{cents: cents(math.Round(cost * 100)), exact: true, a: a.clone(), cost: cost, backends: m.backends(a), names: m.names(a)})
	}
	for i, on := range g.fleet {
		if on || i < n.last || n.idx[i]+1 >= len(st.order[i]) {
			continue
		}
		idx := slices.Clone(n.idx)
		idx[i]++
		st.pushVector(g, n.cfg, idx, i)
	}
}

// backends counts the distinct backends of a: the fleet and each managed
// model.
func (m *model) backends(a *assignment) int {
	var seen []string
	for i := range m.s.Workloads {
		b := string(architecture.SelfHosted)
		if !a.fleet[i] {
			b = m.choice(a, i).model.ID
		}
		if !slices.Contains(seen, b) {
			seen = append(seen, b)
		}
	}
	return len(seen)
}

// names lists a's backends in workload order, for ties.
func (m *model) names(a *assignment) string {
	parts := make([]string, len(m.s.Workloads))
	for i := range m.s.Workloads {
		parts[i] = string(architecture.SelfHosted)
		if !a.fleet[i] {
			parts[i] = m.choice(a, i).model.ID
		}
	}
	return strings.Join(parts, "\x00")
}

// short lists what serves each workload under a.
func (m *model) short(a *assignment) []RouteShort {
	out := make([]RouteShort, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		out[i] = RouteShort{Workload: w.Name, ServedBy: architecture.SelfHosted}
		if a.fleet[i] {
			out[i].Model = a.sh.ID
		} else {
			out[i].ServedBy, out[i].Model = architecture.Managed, m.choice(a, i).model.ID
		}
	}
	return out
}

// floorCents is a lower bound in whole cents, a hair below so that float
// noise never lifts a bound above the exact cost it bounds.
func floorCents(v float64) int64 { return cents(math.Floor(v*100 - 1e-6)) }

// maxCents bounds the queue's keys: about 4.6e16 USD.
const maxCents = 1 << 62

// cents converts a whole number of cents to the queue's key, saturating at
// ±maxCents. At the spec's limits (1e7 developers of 1e12 tokens, rework
// hours and hourly costs at theirs) a quality gap reaches 1e23 USD, past
// what an int64 of cents holds, and a bare conversion would wrap. Every
// bound at the saturated key pops before an exact cost there (nodeQueue),
// and exact costs there are ordered by their value, so the order stays
// exact.
func cents(c float64) int64 {
	switch {
	case math.IsNaN(c) || c >= maxCents:
		return maxCents
	case c <= -maxCents:
		return -maxCents
	}
	return int64(c)
}

// nodeQueue orders nodes by cents; at equal cents a bound before an exact
// cost (something behind it may tie), then fewer backends, then names,
// then arrival.
type nodeQueue []*node

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if a.cents != b.cents {
		return a.cents < b.cents
	}
	if a.exact != b.exact {
		return !a.exact
	}
	if a.exact {
		if a.cents == maxCents && a.cost != b.cost {
			// Past the keys' range, the costs themselves order.
			return a.cost < b.cost
		}
		if a.backends != b.backends {
			return a.backends < b.backends
		}
		if a.names != b.names {
			return a.names < b.names
		}
	}
	return a.seq < b.seq
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}
