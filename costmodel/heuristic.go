package costmodel

// The search above MaxExactWorkloads free workloads: the splits it tries
// instead of all of them, and the lower bound of the true optimum that
// makes its reported gap a bound (docs/PRICING.md, "The search above the
// exact limit", gives the argument).

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/costgate/costgate/architecture"
)

// heuristicSplits lists the splits the search tries when more than
// maxExact workloads are free: for each order of the free workloads
// (heuristicOrders), every prefix of it on the fleet and the rest off it,
// each split once. The per-route rules have already fixed the workloads
// only one side may serve (newStream), so every split is made of routes
// the rules allow, and each fleet model's order holds only the workloads
// that model may serve.
func (st *stream) heuristicSplits(base []bool, free []int) [][]bool {
	seen := map[string]bool{}
	var out [][]bool
	add := func(fleet []bool) {
		key := fleetMask(fleet)
		if seen[key] || !st.admits(fleet) {
			return
		}
		seen[key] = true
		out = append(out, slices.Clone(fleet))
	}
	st.probe = st.probeFleets(base, free)
	orders := st.heuristicOrders(free)
	for _, order := range orders {
		fleet := slices.Clone(base)
		add(fleet)
		for _, i := range order {
			fleet[i] = true
			add(fleet)
		}
	}
	// Each workload alone on the fleet, and each order again with a
	// workload that would overload the fleet passed over rather than
	// ending the order's fit prefixes: where the most valuable workload
	// alone runs a fixed fleet over its capacity, every prefix held it,
	// none fit, and the descent had nowhere to start.
	for _, i := range free {
		fleet := slices.Clone(base)
		fleet[i] = true
		add(fleet)
	}
	for _, order := range orders {
		fleet := slices.Clone(base)
		for _, i := range order {
			fleet[i] = true
			if !st.admits(fleet) || math.IsInf(st.splitCost(fleet, false, math.Inf(1)), 1) {
				fleet[i] = false
				continue
			}
			add(fleet)
		}
	}
	st.knapsackSplits(base, free, add)
	st.improve(slices.Clone(out), free, add, false)
	if st.s.include {
		// The spend thresholds judge cash, which the quality gap the
		// order follows is not part of: the splits cheapest in cash too.
		st.improve(slices.Clone(out), free, add, true)
	}
	return out
}

// knapsackSplits adds, for each fleet model, the splits a 0/1 knapsack
// picks: each free workload the model may serve is worth the managed cost
// it saves (its cheapest allowed choice, less its quality gap on the
// model) and weighs its share of the tokens, a fleet's load; the most
// valuable set within a total share goes to the fleet, at the shares
// knapsackSearch tries. A fixed fleet's best split can need several
// workloads moved at once (the most valuable workload off so that two
// others fit: a team of 13 was decided 12 % above a pinned split), which
// neither an order's prefixes nor a one-move descent reach; the set of
// the most saving within the fleet's load is one of these. A workload with
// no allowed managed choice is on the fleet in every set. The workloads
// are taken in byDesc's order of value, so that ties go alike whatever
// the spec's order of blocks.
func (st *stream) knapsackSplits(base []bool, free []int, add func([]bool)) {
	s := st.s
	saving := st.savings(free)
	for k := range s.models {
		forced := slices.Clone(base)
		vals := make([]float64, len(saving))
		for _, i := range free {
			vals[i] = saving[i] - s.gapOn(i, k)
		}
		value := func(i int) float64 { return vals[i] }
		var items []knapsackItem
		for _, i := range s.byDesc(free, value) {
			switch {
			case !st.relaxed && !s.fleetFit[i][k]:
			case math.IsInf(saving[i], 1):
				forced[i] = true
			case value(i) > 0:
				items = append(items, knapsackItem{i: i, v: value(i), w: max(1, int(math.Round(s.m.s.Workloads[i].Share*knapsackScale)))})
			}
		}
		ks := solveKnapsack(items)
		var tried []start
		cost := func(r int) float64 {
			fleet := slices.Clone(forced)
			for _, i := range ks.set(ks.rises[r]) {
				fleet[i] = true
			}
			if !st.admits(fleet) {
				return math.Inf(1)
			}
			c := st.splitCost(fleet, false, math.Inf(1))
			if !math.IsInf(c, 1) {
				tried = append(tried, start{fleet, c})
			}
			return c
		}
		knapsackSearch(len(ks.rises), cost)
		// Only the cheapest sets join the family (the descents start
		// from them): every set tried near a fixed fleet's edge holds
		// much the same workloads, and a policy denying one of those
		// denied them all, up to the search's MaxGated, before an allowed
		// split without it was reached (the search's detour past that
		// limit now reaches it too, at more gates).
		slices.SortStableFunc(tried, func(x, y start) int { return cmp.Compare(x.cost, y.cost) })
		for _, t := range tried[:min(len(tried), knapsackKeep)] {
			add(t.fleet)
		}
	}
}

// knapsackKeep is how many of a fleet model's knapsack sets, the
// cheapest, join the heuristic's family.
const knapsackKeep = 2

// start is a split and its cost (splitCost).
type start struct {
	fleet []bool
	cost  float64
}

// knapsackSearch tries up to knapsackPoints of n shares (indices, lighter
// first) spread evenly, the heaviest always, then again between the
// neighbours of the cheapest tried, until the shares left between them
// are that few, and tries them all; where none it tried has a cost, it
// goes on below the lightest. A fixed fleet's cost falls as its set
// grows up to the share it can carry and is +Inf past it, so the search
// closes in on that edge; a sized fleet's where the fleet's next step
// costs more than the managed cost it saves.
func knapsackSearch(n int, cost func(int) float64) {
	lo, hi := 0, n-1
	tried := map[int]float64{}
	try := func(r int) float64 {
		if c, ok := tried[r]; ok {
			return c
		}
		c := cost(r)
		tried[r] = c
		return c
	}
	for lo <= hi {
		span := hi - lo + 1
		step := max(1, span/knapsackPoints)
		var at []int
		for r := hi; r >= lo; r -= step {
			at = append(at, r)
		}
		best, bestCost := -1, math.Inf(1)
		for j, r := range at {
			if c := try(r); c < bestCost {
				best, bestCost = j, c
			}
		}
		switch {
		case step == 1:
			return
		case best < 0:
			// Nothing tried serves: only shares lighter than all of them
			// may (a fixed fleet that carries little).
			hi = at[len(at)-1] - 1
			continue
		}
		// at runs heaviest first: the neighbours of at[best] bound it.
		lo, hi = at[min(best+1, len(at)-1)], at[max(best-1, 0)]
		if best == len(at)-1 {
			lo = max(0, at[best]-step)
		}
	}
}

// knapsackItem is a workload as knapsackSplits weighs it: its index, its
// value and its weight in thousandths of the tokens.
type knapsackItem struct {
	i, w int
	v    float64
}

// knapsackScale is the weights' unit: a thousandth of the tokens.
const knapsackScale = 1000

// knapsackPoints is how many shares knapsackSearch tries at a time.
const knapsackPoints = 16

// knapsackTable is a 0/1 knapsack solved at every total weight: took[n][c]
// says whether the best set of items[:n+1] within weight c holds item n,
// and rises lists the weights where the best value rises (each a set of
// its own, lighter first).
type knapsackTable struct {
	items []knapsackItem
	took  [][]bool
	rises []int
}

func solveKnapsack(items []knapsackItem) knapsackTable {
	total := 0
	for _, it := range items {
		total += it.w
	}
	best := make([]float64, total+1)
	t := knapsackTable{items: items, took: make([][]bool, len(items))}
	for n, it := range items {
		t.took[n] = make([]bool, total+1)
		for c := total; c >= it.w; c-- {
			if v := best[c-it.w] + it.v; v > best[c] {
				best[c], t.took[n][c] = v, true
			}
		}
	}
	for c := 1; c <= total; c++ {
		if best[c] > best[c-1] {
			t.rises = append(t.rises, c)
		}
	}
	return t
}

// set is the most valuable set within weight c: its workloads' indices.
func (t knapsackTable) set(c int) []int {
	var out []int
	for n := len(t.items) - 1; n >= 0; n-- {
		if t.took[n][c] {
			out = append(out, t.items[n].i)
			c -= t.items[n].w
		}
	}
	return out
}

// improve descends from the cheapest of the splits found so far: while
// moving one free workload to the other side makes a cheaper split
// (splitCost: the fleets sized; in cash, without the quality gap, when
// cash is set), it takes the best such move. Every split it prices is
// added (add), so the stream orders them all by their exact costs and the
// policies see them cheapest first.
func (st *stream) improve(out [][]bool, free []int, add func([]bool), cash bool) {
	// The cheapest improveStarts, the earlier of equal ones first: a split
	// that cannot cost less than the improveStarts-th cheapest found
	// before it is not sized (none after it displaces one before).
	var starts []start
	limit := func() float64 {
		if len(starts) < improveStarts {
			return math.Inf(1)
		}
		return starts[improveStarts-1].cost
	}
	for _, fleet := range out {
		if c := st.splitCost(fleet, cash, limit()); !math.IsInf(c, 1) {
			at := sort.Search(len(starts), func(j int) bool { return starts[j].cost > c })
			starts = slices.Insert(starts, at, start{fleet, c})
			starts = starts[:min(len(starts), improveStarts)]
		}
	}
	// From the cheapest few: one descent ends where no single move saves,
	// and a knapsack's best split ({b, c} where {a} and the small ones
	// fill the fleet) is often another descent's end.
	for _, s := range starts[:min(len(starts), improveStarts)] {
		st.descend(s.fleet, s.cost, free, add, cash)
	}
}

// improveStarts is how many of the cheapest splits improve descends from.
const improveStarts = 16

// descend takes the best one-workload move from best while it lowers the
// split's cost, adding every split it prices.
func (st *stream) descend(best []bool, bestCost float64, free []int, add func([]bool), cash bool) {
	for range free {
		var next []bool
		for _, i := range free {
			fleet := slices.Clone(best)
			fleet[i] = !fleet[i]
			if !st.admits(fleet) {
				continue
			}
			add(fleet)
			if c := st.splitCost(fleet, cash, bestCost); c < bestCost {
				next, bestCost = fleet, c
			}
		}
		if next == nil {
			break
		}
		best = next
	}
}

// splitCost is the least expected cost of a split's assignments the
// stream may use, but for the managed routes' secrets: its cheapest fit
// fleet, sized, and each managed workload's cheapest allowed choice; in
// cash, both without the quality gap, when cash is set; +Inf when nothing
// can serve it.
//
// Where the split cannot cost less than limit (its managed part and its
// cheapest fleet's floor reach it), no fleet is sized and the answer is
// +Inf: a descent asks only whether a move beats its best.
func (st *stream) splitCost(fleet []bool, cash bool, limit float64) float64 {
	s := st.s
	b, ok := st.managedBound(fleet)
	if !ok || !slices.Contains(fleet, true) {
		return math.Inf(1)
	}
	gaps := make([]float64, len(s.models))
	if cash {
		gaps = s.fleetGaps(fleet)
		b = 0
		for i, on := range fleet {
			if !on {
				b += slices.Min(st.cashOf(i))
			}
		}
	}
	g := s.group(fleet)
	ks := make([]int, 0, len(g.cfgs))
	for k := range g.cfgs {
		if st.uses(&g.cfgs[k]) && (st.probe == nil || st.probe[k]) {
			ks = append(ks, k)
		}
	}
	// Cheapest bound first: a fleet whose bound is above the least cost
	// found is not sized.
	floor := func(k int) float64 { return g.cfgs[k].bound - gaps[k%len(s.models)] }
	sort.SliceStable(ks, func(a, b int) bool { return floor(ks[a]) < floor(ks[b]) })
	least := math.Inf(1)
	for _, k := range ks {
		if floor(k) >= least || b+floor(k) >= limit {
			break
		}
		if s.refine(g, k) && (floor(k) >= least || b+floor(k) >= limit) {
			continue // the load's bound loses (searcher.refine)
		}
		if c := s.size(g, k); c.ok && (st.relaxed || c.unfit == "") {
			least = math.Min(least, c.cost-gaps[k%len(s.models)])
		}
	}
	return b + least
}

// probeFleets picks the fleets (a model on a GPU, by their index in a
// split's fleets) the heuristic sizes while it chooses splits: each model
// sized on the split of every free workload it may serve, the four
// cheapest of those and each model's cheapest GPU. A model that may serve
// no workload on the fleet (a quality floor above it) has no fleet to
// size, nor has a fleet the stream may not use (stream.uses: its model
// ruled out for a workload fixed on the fleet, or a detour's to avoid).
// The stream itself still considers every fleet it may use of the
// splits chosen.
func (st *stream) probeFleets(base []bool, free []int) []bool {
	s := st.s
	nm := len(s.models)
	if nm == 0 {
		return nil
	}
	probe := make([]bool, nm*len(s.gpus))
	cost := make([]float64, len(probe))
	for j := range cost {
		cost[j] = math.Inf(1)
	}
	for k := range s.models {
		fleet := slices.Clone(base)
		for _, i := range free {
			fleet[i] = fleet[i] || st.relaxed || s.fleetFit[i][k]
		}
		if !slices.Contains(fleet, true) {
			continue
		}
		g := s.group(fleet)
		best := -1
		for j := k; j < len(g.cfgs); j += nm {
			if !st.uses(&g.cfgs[j]) {
				continue // ruled out for a workload fixed on the fleet, or a detour's to avoid
			}
			if c := s.size(g, j); c.ok {
				cost[j] = c.cost
			}
			if best < 0 || cost[j] < cost[best] {
				best = j
			}
		}
		if best >= 0 {
			probe[best] = true
		}
	}
	idx := make([]int, len(cost))
	for j := range idx {
		idx[j] = j
	}
	sort.SliceStable(idx, func(a, b int) bool { return cost[idx[a]] < cost[idx[b]] })
	for _, j := range idx[:min(4, len(idx))] {
		probe[j] = true
	}
	return probe
}

// cashOf lists workload i's allowed managed choices' cash parts.
func (st *stream) cashOf(i int) []float64 {
	out := make([]float64, len(st.order[i]))
	for j, k := range st.order[i] {
		out[j] = st.s.mcash[i][k]
	}
	return out
}

// heuristicOrders are the orders in which the heuristic moves free
// workloads to the fleet, the ones that gain most first: by the managed
// cost a move saves (each workload's cheapest allowed choice), by that
// saving per token (a fleet's cost grows with the tokens it serves), the
// same two in cash when the decision includes the quality gap, and, for
// each fleet model, by the saving less the quality gap the model adds, per
// token, over the workloads that model may serve.
func (st *stream) heuristicOrders(free []int) [][]int {
	s := st.s
	saving := st.savings(free)
	share := s.share
	byDesc := s.byDesc
	orders := [][]int{
		byDesc(free, func(i int) float64 { return saving[i] }),
		byDesc(free, func(i int) float64 { return saving[i] / share(i) }),
	}
	if s.include {
		// In cash, for the spend thresholds: the quality gap left out.
		cash := make([]float64, len(st.order))
		for _, i := range free {
			cash[i] = math.Inf(1)
			if len(st.order[i]) > 0 {
				cash[i] = slices.Min(st.cashOf(i))
			}
		}
		orders = append(orders, byDesc(free, func(i int) float64 { return cash[i] }), byDesc(free, func(i int) float64 { return cash[i] / share(i) }))
	}
	for k := range s.models {
		var fit []int
		for _, i := range free {
			if st.relaxed || s.fleetFit[i][k] {
				fit = append(fit, i)
			}
		}
		orders = append(orders, byDesc(fit, func(i int) float64 { return (saving[i] - s.gapOn(i, k)) / share(i) }))
	}
	return orders
}

// share is workload i's share of the tokens, at least a billionth.
func (s *searcher) share(i int) float64 { return math.Max(s.m.s.Workloads[i].Share, 1e-9) }

// byDesc orders workloads ids by key, highest first. Ties go to the
// workload that takes less of the fleet (the smaller share), then by
// name: kept in the spec's order, the same team written with its blocks
// in another order was decided 41 % dearer, or blocked under a budget the
// other order met.
func (s *searcher) byDesc(ids []int, key func(int) float64) []int {
	name := func(i int) string { return s.m.s.Workloads[i].Name }
	ids = slices.Clone(ids)
	sort.SliceStable(ids, func(a, b int) bool {
		ka, kb := key(ids[a]), key(ids[b])
		switch {
		case ka != kb && (math.IsInf(ka, 0) || math.IsInf(kb, 0) || math.Abs(ka-kb) > 1e-9*math.Max(math.Abs(ka), math.Abs(kb))):
			// A tie within rounding is a tie: two kinds' savings a
			// token differed in their last bits at one team size and
			// not at the next, and the decision jumped 23 %.
			return ka > kb
		case s.share(ids[a]) != s.share(ids[b]):
			return s.share(ids[a]) < s.share(ids[b])
		}
		return name(ids[a]) < name(ids[b])
	})
	return ids
}

// savings is, for each free workload, the managed cost its move to the
// fleet saves: its cheapest allowed managed choice's, +Inf where it has
// none (the fleet first).
func (st *stream) savings(free []int) []float64 {
	saving := make([]float64, len(st.order))
	for _, i := range free {
		saving[i] = math.Inf(1)
		if len(st.order[i]) > 0 {
			saving[i] = st.s.mcost[i][st.order[i][0]]
		}
	}
	return saving
}

// gapOn is workload i's quality gap on fleet model models[k] when the
// decision includes the gap, zero otherwise.
func (s *searcher) gapOn(i, k int) float64 {
	if !s.include {
		return 0
	}
	m := s.m
	q, ok := s.models[k].Quality[m.s.Workloads[i].Complexity]
	return m.workloadGap(i, q.Value, ok, s.mid.developers*s.mid.tokens, s.mid)
}

// hybridFloor is a lower bound of the expected cost of every hybrid
// assignment, or with fit of every one the per-route rules allow: the
// least over fleet models of the fleet's floor (fleetFloor, at the
// cheapest GPU) plus, per workload, the cheaper of its side's least part
// (its cheapest managed choice off the fleet; its quality gap on the
// model on it), with one workload on each side. It relaxes the sized
// fleet to its floor, shared by every split, and each workload's side to
// its own best; +Inf when no hybrid assignment (fit) exists.
func (s *searcher) hybridFloor(fit bool) float64 {
	m := s.m
	least := math.Inf(1)
	for k := range s.models {
		sum, toFleet, toManaged := 0.0, math.Inf(1), math.Inf(1)
		on, off := 0, 0
		for i, w := range m.s.Workloads {
			managed, fleet := math.Inf(1), math.Inf(1)
			if mayBeManaged(w) {
				for c := range m.choices[i] {
					if !fit || m.choices[i][c].unfit == "" {
						managed = math.Min(managed, s.mcost[i][c])
					}
				}
			}
			if mayBeOnFleet(w) && (!fit || s.fleetFit[i][k]) {
				fleet = s.gapOn(i, k)
			}
			if math.IsInf(managed, 1) && math.IsInf(fleet, 1) {
				sum = math.Inf(1) // nothing serves workload i
				break
			}
			if fleet <= managed {
				sum, on = sum+fleet, on+1
				toManaged = math.Min(toManaged, managed-fleet)
			} else {
				sum, off = sum+managed, off+1
				toFleet = math.Min(toFleet, fleet-managed)
			}
		}
		switch {
		case off == 0:
			sum += toManaged
		case on == 0:
			sum += toFleet
		}
		least = math.Min(least, sum)
	}
	return least + s.leastFleetFloor(architecture.Hybrid)
}

// anyFloor is a lower bound of the expected cost of every assignment the
// per-route rules allow, of any option: the least of hybridFloor, the
// managed floor (each workload's cheapest allowed managed part) and the
// self-hosted floor (the fleet's floor and each workload's quality gap on
// the model, for the model with the least). The gap bound uses it once a
// search of managed or self_hosted stopped short (underCash), when the
// decided option may not be that option's cheapest allowed assignment.
func (s *searcher) anyFloor() float64 {
	m := s.m
	managed := 0.0
	for i, w := range m.s.Workloads {
		least := math.Inf(1)
		if mayBeManaged(w) {
			for c := range m.choices[i] {
				if m.choices[i][c].unfit == "" {
					least = math.Min(least, s.mcost[i][c])
				}
			}
		}
		managed += least
	}
	selfHosted := math.Inf(1)
	for k := range s.models {
		sum := 0.0
		for i, w := range m.s.Workloads {
			if !mayBeOnFleet(w) || !s.fleetFit[i][k] {
				sum = math.Inf(1)
				break
			}
			sum += s.gapOn(i, k)
		}
		selfHosted = math.Min(selfHosted, sum)
	}
	selfHosted += s.leastFleetFloor(architecture.SelfHosted)
	return min(managed, selfHosted, s.hybridFloor(true))
}
