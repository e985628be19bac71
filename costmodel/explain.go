package costmodel

// Why the search chose what it chose: the runner-ups, the rejected
// assignments' costs, and per workload why each other backend does not
// serve it.

import (
	"math"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
)

// explain completes the search's statistics once the options are found
// and adds its explanations: the runner-ups, what the rejected
// assignments cost over the cheapest allowed one, and why each other
// backend does not serve each workload. Its own work does not count in
// the statistics.
func (m *model) explain(s *searcher, opts []Option) *Search {
	s.stats.Pruned = max(0, s.fleetCandidates()-s.stats.Sized)
	best := &opts[0]
	for i := range opts {
		o := &opts[i]
		if o.denied != best.denied {
			if !o.denied {
				best = o
			}
			continue
		}
		if o.MonthlyUSD.Expected < best.MonthlyUSD.Expected {
			best = o
		}
	}
	stats := *s.stats
	bestCost := best.MonthlyUSD.Expected
	stats.Assignments = 1
	for i, w := range m.s.Workloads {
		n := 0
		if mayBeOnFleet(w) {
			n++
		}
		if mayBeManaged(w) {
			n += len(m.choices[i])
		}
		stats.Assignments *= float64(n)
	}
	for i := range stats.Rejected {
		stats.Rejected[i].MoreUSD = stats.Rejected[i].MonthlyUSD - bestCost
	}
	if !stats.Exact {
		// The decision's cost less a lower bound of the optimum's: of the
		// fit hybrid assignments when one exists or an option is allowed,
		// of all otherwise (docs/PRICING.md).
		h := optionOf(opts, architecture.Hybrid)
		fit := (h != nil && !h.relaxed) || (!best.denied && s.stats.Gated > 0)
		floor := s.hybridFloor(fit)
		if s.shortOf {
			// A managed or self_hosted search stopped short too: the
			// optimum may be of any option.
			floor = min(floor, s.anyFloor())
		}
		gap := math.Max(0, bestCost-floor)
		stats.GapBoundUSD = &gap
		if best.denied {
			// Every option is denied: a bound on a denied option's cost
			// says nothing of whether an allowed split exists, and read
			// 0 ("provably exact") on blocked teams that had one.
			stats.GapBoundUSD = nil
			if h != nil {
				h.Notes = append(h.Notes, Note{ID: "search.unproven_block", Message: "above the exact search's limit the heuristic found no allowed hybrid split, which does not prove there is none: one may lie outside the splits it tries (a fleet's capacity or TTFT, a budget); pin workloads with route = \"managed\" or \"self_hosted\" to try a split, or plan the team as specs of at most 12 auto workloads, which are searched exactly"})
			}
		}
	}
	stats.RunnerUps = m.runnerUps(s, best, bestCost)
	stats.Alternatives = m.alternatives(s, best)
	return &stats
}

// runnerUps are the three cheapest fit assignments after best, over every
// option, that the search does not know the policies deny (denials); the
// others are not gated.
func (m *model) runnerUps(s *searcher, best *Option, bestCost float64) []Candidate {
	var streams []*stream
	for _, arch := range m.classes() {
		streams = append(streams, s.stream(arch, false))
	}
	type head struct {
		a    *assignment
		cost float64
		ok   bool
	}
	heads := make([]head, len(streams))
	for i, st := range streams {
		heads[i].a, heads[i].cost, heads[i].ok = st.next()
	}
	skipped := make([]int, len(streams))
	out := []Candidate{}
	for len(out) < 3 {
		k := -1
		for i, h := range heads {
			if h.ok && (k < 0 || h.cost < heads[k].cost) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		a, cost := heads[k].a, heads[k].cost
		heads[k].a, heads[k].cost, heads[k].ok = streams[k].next()
		if same(a, best.assign) {
			continue
		}
		if dn := s.denied[streams[k].arch]; dn.knows(s, a, cost) != nil {
			// Listed in rejected, or denied by the threshold that
			// denied a cheaper one: not an alternative. The stream
			// ends where every costlier assignment is denied, or
			// after as many skips as the option's search allows.
			if skipped[k]++; cost >= dn.costFrom || skipped[k] >= maxSkipped {
				heads[k].ok = false
			}
			continue
		}
		out = append(out, Candidate{Option: a.arch(), Routes: m.short(a), MonthlyUSD: cost, MoreUSD: cost - bestCost})
	}
	return out
}

// same says whether two assignments route and size alike.
func same(a, b *assignment) bool {
	return slices.Equal(a.fleet, b.fleet) && slices.Equal(a.pick, b.pick) && a.sh == b.sh && a.gpu == b.gpu
}

// alternatives says, for each workload, why each backend that does not
// serve it under best does not: the rule it breaks, or what moving that
// one workload there would cost more, every other route kept and the
// fleet re-sized for what it then serves (on the option's fleet model and
// GPU, or the cheapest fit fleet when best has none).
func (m *model) alternatives(s *searcher, best *Option) []Alternative {
	out := []Alternative{}
	chosen := best.assign
	base, err := m.evaluate(chosen, s.mid, false)
	if err != nil {
		return out
	}
	baseCost := base.total(s.include)
	for i, w := range m.s.Workloads {
		if !chosen.fleet[i] {
			alt := Alternative{Workload: w.Name, ServedBy: architecture.SelfHosted}
			if !mayBeOnFleet(w) {
				alt.Reason = "route = \"managed\""
			} else {
				move := chosen.clone()
				move.fleet[i], move.pick[i] = true, -1
				alt.Model, alt.Reason, alt.MoreUSD = m.moveCost(s, move, baseCost)
				alt.DeniedBy = s.deniedMove(move, alt, baseCost)
			}
			out = append(out, alt)
		}
		for k := range m.choices[i] {
			c := &m.choices[i][k]
			if !chosen.fleet[i] && chosen.pick[i] == k {
				continue
			}
			alt := Alternative{Workload: w.Name, ServedBy: architecture.Managed, Model: c.model.ID}
			switch {
			case !mayBeManaged(w):
				alt.Reason = "route = \"self_hosted\""
			case c.unfit != "":
				alt.Reason = c.unfit
			default:
				move := chosen.clone()
				move.fleet[i], move.pick[i] = false, k
				if !move.onFleet() {
					move.sh, move.gpu = nil, ""
				}
				_, alt.Reason, alt.MoreUSD = m.moveCost(s, move, baseCost)
				alt.DeniedBy = s.deniedMove(move, alt, baseCost)
			}
			out = append(out, alt)
		}
	}
	return out
}

// deniedMove is the policies the search learned deny a priced move (alt
// without a rule it breaks), whose total is baseCost plus what it costs
// more; nil when none is known to.
func (s *searcher) deniedMove(move *assignment, alt Alternative, baseCost float64) []string {
	if alt.Reason != "" || alt.MoreUSD == nil {
		return nil
	}
	return slices.Clone(s.denied[move.arch()].knows(s, move, baseCost+*alt.MoreUSD))
}

// noFleetReason says why no fleet of a split serves its workloads: the
// one rule every sized fleet breaks, or what kept every fleet from being
// sized (no price, no instance), else the rules in general.
func noFleetReason(g *group) string {
	var unfit, errs []string
	for _, c := range g.cfgs {
		switch {
		case c.ok && c.unfit != "" && !slices.Contains(unfit, c.unfit):
			unfit = append(unfit, c.unfit)
		case c.sized && !c.ok && c.err != "" && !slices.Contains(errs, c.err):
			errs = append(errs, c.err)
		}
	}
	switch {
	case len(unfit) == 0 && len(errs) > 0:
		return "no fleet can be sized: " + strings.Join(errs, "; ")
	case len(unfit) == 1 && len(errs) == 0:
		return "no fleet serves it: " + unfit[0]
	}
	return "no fleet serves it within its capacity, the TTFT targets, the load balancer's idle timeout and the min_quality of the workloads it would serve"
}

// moveCost prices a one-workload move from the chosen assignment: the
// fleet's model, the rule the moved assignment breaks (its fleet's TTFT
// or quality), or what it costs more.
func (m *model) moveCost(s *searcher, move *assignment, baseCost float64) (fleetModel, reason string, more *float64) {
	if move.onFleet() && move.sh == nil {
		g := s.group(move.fleet)
		s.sizeAll(g)
		best := -1
		for k, c := range g.cfgs {
			if c.ok && c.unfit == "" && (best < 0 || c.cost < g.cfgs[best].cost) {
				best = k
			}
		}
		if best < 0 {
			return "", noFleetReason(g), nil
		}
		move.sh, move.gpu = g.cfgs[best].sh, g.cfgs[best].gpu
	}
	if move.onFleet() {
		fleetModel = move.sh.ID
	}
	ev, err := m.evaluate(move, s.mid, false)
	if err != nil {
		return fleetModel, "the fleet cannot be sized: " + err.Error(), nil
	}
	if move.onFleet() {
		if r := m.unfitSized(move, ev); r != "" {
			return fleetModel, r, nil
		}
	}
	d := ev.total(s.include) - baseCost
	return fleetModel, "", &d
}
