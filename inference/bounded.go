package inference

// The sizer's search with its layouts placed lazily, the cheapest floors
// first.

import (
	"cmp"
	"math"
	"slices"
)

// bounded is search for a sized fleet, placing its layouts lazily: those
// whose floor (the fewest instances that could carry the load) is billed
// least first, until the best of those placed is within the cap, carries
// the peak and meets every target (settled) and every layout left has a
// floor billed more. It returns what placing every layout would.
//
// Why: pick walks the options sorted by the cap, then cost, and stops at
// the first past a settled best that is billed more or over the cap. A
// layout left is billed, once placed, at least its floor, more than the
// best's cost: it sorts after the best, and after every option that could
// change the best (only an option walked after it becomes the best, and
// one billed more than a settled best does not), so the walk over every
// layout meets it only where it stops. The options picked from are placed
// as they would be among all, and walked in the same order (placing order
// breaks pick's ties), so the walk up to there is the same. The floor is a
// lower bound: place settles on the fewest instances that carry the load
// at the target at the prefix cache's hit rate of their count, which is
// never above the spec's cached share the floor takes (a higher hit rate
// never serves less), and check only adds instances; a layout over the
// cap sorts after every one within it, where a settled best stops the
// walk whatever its cost.
func (r *Request) bounded(e *sizingEnv) (option, string, bool) {
	cands := r.layouts(e)
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cands[a].floor, cands[b].floor) })
	placed := make([]*option, len(cands))
	reasons := make([]string, len(cands))
	next, bound := 0, math.Inf(-1)
	for {
		// Place every layout whose floor is within the bound, and at least
		// one more.
		for first := true; next < len(order) && (first || cands[order[next]].floor <= bound); first = false {
			i := order[next]
			placed[i], reasons[i] = r.placeLayout(cands[i], e)
			next++
		}
		var opts []*option
		for _, o := range placed {
			if o != nil {
				opts = append(opts, o)
			}
		}
		best, found := r.pick(opts, e)
		if next == len(order) {
			return best, lastReason(reasons), found
		}
		if found && best.settled() {
			if cands[order[next]].floor > best.cost+1e-9 {
				return best, "", true
			}
			bound = best.cost + 1e-9
		} else {
			bound = cands[order[next]].floor
		}
	}
}

// lastReason is the last of the layouts' reasons that is set, as
// placements says why.
func lastReason(reasons []string) string {
	why := ""
	for _, w := range reasons {
		if w != "" {
			why = w
		}
	}
	return why
}

// Floor is a lower bound of the bill (Request.Bill) of any fleet Size
// returns for r, found without sizing one: of every layout Size places,
// the fewest instances that could carry the load at the target
// utilization (Request.floor: a placed count is never fewer, and the
// TTFT targets only add instances), billed; a layout the load or its
// minimum replicas put over the instance cap is billed where place stands
// it: one past the cap, or at the minimum replicas' instances where they
// are more.
// A caller weighing many fleets (the cost model's search) sizes only
// those whose floor does not already lose. ok is false where Size errs,
// places no layout or sizes a fixed fleet (its few layouts are all
// placed): Size then says what it returns. The bill must not fall as
// instances are added.
func Floor(r Request) (usd float64, ok bool) {
	if r.FixedGPUs > 0 {
		return 0, false
	}
	e, _, err := r.begin()
	if err != nil {
		return 0, false
	}
	least := math.Inf(1)
	for _, c := range r.layouts(&e) {
		bill := c.floor
		if limit := r.instanceCap(c.in); c.n > limit {
			bill = r.cost(option{inst: c.in, n: max(r.fewest(c.tp, c.in.GPUs/c.tp, &e), limit+1)}, &e)
		}
		least = math.Min(least, bill)
	}
	return least, !math.IsInf(least, 1)
}
