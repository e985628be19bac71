package costmodel

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
)

// The search past MaxGated denials. A policy folder may deny a route
// (a workload on the fleet, or on one managed model) or a fleet's model
// or GPU in every assignment that holds it; where the cheapest assignments all hold it, the search
// in cost order spends its MaxGated gates on them and the option is
// denied though an allowed one lies just past them. Above the exact
// limit this is the rule, not the exception: the heuristic's splits near
// a fixed fleet's edge are near-copies of one another.

// route is one workload's side in an assignment: on the fleet (pick -1)
// or on managed choice pick; or, with model or gpu set (workload -1), the
// fleet's model or GPU, whichever workloads it serves.
type route struct {
	workload, pick int
	model          *modelcatalog.OpenModel
	gpu            string
}

// fleetPart says whether r is the fleet's model or GPU.
func (r route) fleetPart() bool { return r.model != nil || r.gpu != "" }

// heldBy says whether a fleet of model sh on gpu holds r, a fleet's
// model or GPU.
func (r route) heldBy(sh *modelcatalog.OpenModel, gpu string) bool {
	return r.model != nil && sh == r.model || r.gpu != "" && gpu == r.gpu
}

// maxDetours bounds the routes a detour avoids, one stream each.
const maxDetours = 32

// sharedRoutes lists the routes every assignment the gate denied holds,
// of those the option's search chose (not fixed by the per-route rules):
// the fleet's model and GPU where the search had others to choose, then
// the workloads' routes in workload order.
func sharedRoutes(st *stream, denied []gatedDenial) []route {
	if len(denied) == 0 {
		return nil
	}
	var out []route
	a := denied[0].a
	if a.onFleet() {
		for _, r := range []route{{workload: -1, model: a.sh}, {workload: -1, gpu: a.gpu}} {
			if r.model != nil && otherModelServes(st, r.model) || r.gpu != "" && len(st.s.gpus) > 1 {
				if !slices.ContainsFunc(denied[1:], func(g gatedDenial) bool { return !holds(g.a, r) }) {
					out = append(out, r)
				}
			}
		}
	}
	for i := range a.fleet {
		r := route{workload: i, pick: a.pick[i]}
		if a.fleet[i] {
			r.pick = -1
		}
		if r.pick == -1 && st.fixed[i] == 1 {
			continue // the fleet must serve it
		}
		if r.pick >= 0 && st.fixed[i] == -1 && len(st.order[i]) == 1 {
			continue // its one allowed managed choice
		}
		if !slices.ContainsFunc(denied[1:], func(g gatedDenial) bool { return !holds(g.a, r) }) {
			out = append(out, r)
		}
	}
	return out
}

// otherModelServes says whether a fleet model other than sh may serve
// every workload the stream fixes on the fleet: else a detour without sh
// yields nothing, and would only spend a gate.
func otherModelServes(st *stream, sh *modelcatalog.OpenModel) bool {
	for k, other := range st.s.models {
		if other == sh {
			continue
		}
		serves := true
		for i, f := range st.fixed {
			if f == 1 && !st.relaxed && !st.s.fleetFit[i][k] {
				serves = false
				break
			}
		}
		if serves {
			return true
		}
	}
	return false
}

// holds says whether a serves r's workload as r does, or runs r's fleet
// model or GPU.
func holds(a *assignment, r route) bool {
	if r.fleetPart() {
		return a.onFleet() && r.heldBy(a.sh, a.gpu)
	}
	if r.pick == -1 {
		return a.fleet[r.workload]
	}
	return !a.fleet[r.workload] && a.pick[r.workload] == r.pick
}

// avoiding is option arch's stream without route r: its workload kept off
// the fleet, or off that managed choice, or no fleet of r's model or on
// r's GPU; nil when the per-route rules leave the workload no other side.
func (s *searcher) avoiding(arch architecture.Name, r route) *stream {
	st := s.newStream(arch, false)
	i := r.workload
	switch {
	case r.fleetPart():
		st.shun = &r
	case r.pick == -1:
		if len(st.order[i]) == 0 {
			return nil
		}
		st.fixed[i] = -1
	default:
		st.order[i] = slices.DeleteFunc(slices.Clone(st.order[i]), func(k int) bool { return k == r.pick })
		if len(st.order[i]) == 0 {
			if st.fixed[i] == -1 || !slices.Contains(s.fleetFit[i], true) {
				return nil
			}
			st.fixed[i] = 1
		}
	}
	st.start()
	return st
}

// detour goes on past the MaxGated denials of option arch's search in
// cost order: for each route every denied assignment held (up to
// maxDetours), the option's stream without it, the streams merged in
// cost order. A denial teaches which routes are not the cause: each
// stream whose route the denied assignment lacks is dropped (so at most
// one gate a route is spent on a wrong guess), and the stream avoiding
// the route a policy denies is never dropped. The detour has as many
// gates again as the search had, and one a route, and looks at no more
// assignments than the search passes over for the cash thresholds. An
// allowed assignment found is not proven the cheapest allowed (those
// that held every route were passed over ungated): the search is marked
// not exact, and the option says so. found is false when none is
// allowed.
func (q *optionSearch) detour() (o Option, found bool, err error) {
	m, s := q.m, q.s
	routes := sharedRoutes(s.newStream(q.arch, false), q.dn.gated)
	routes = routes[:min(len(routes), maxDetours)]
	type head struct {
		r    route
		st   *stream
		a    *assignment
		cost float64
		ok   bool
	}
	var heads []*head
	for _, r := range routes {
		if st := s.avoiding(q.arch, r); st != nil {
			h := &head{r: r, st: st}
			h.a, h.cost, h.ok = st.next()
			heads = append(heads, h)
		}
	}
	if len(heads) == 0 {
		return Option{}, false, nil
	}
	s.stats.Exact, s.shortOf = false, true
	var seen []*assignment
	for limit := q.gated + s.maxGated + len(heads); q.gated < limit && len(seen) < s.maxSkipped; {
		var h *head
		for _, c := range heads {
			if c.ok && (h == nil || c.cost < h.cost) {
				h = c
			}
		}
		if h == nil {
			break
		}
		a, cost := h.a, h.cost
		h.a, h.cost, h.ok = h.st.next()
		if slices.ContainsFunc(seen, func(b *assignment) bool { return same(a, b) }) {
			continue
		}
		seen = append(seen, a)
		if !math.IsInf(q.cashLimit, 1) && m.cash(s, a) >= q.cashLimit {
			continue // denied by the cash thresholds a cheaper one met
		}
		o, v, err := q.try(a, cost)
		if err != nil {
			return Option{}, false, err
		}
		if len(v.Denied) == 0 {
			o.Notes = append(o.Notes, Note{ID: "search.detour", Message: fmt.Sprintf(
				"the policies denied the %d cheapest %s assignments, each of which had %s; this is the cheapest allowed one the search found without one of those, and a cheaper allowed one may remain: the search is not exact",
				s.maxGated, q.arch, m.describeRoutes(routes))})
			return o, true, nil
		}
		if v.CostlierDenied {
			break
		}
		heads = slices.DeleteFunc(heads, func(c *head) bool { return !holds(a, c.r) })
	}
	return Option{}, false, nil
}

// describeRoutes names routes in words: "c on the fleet, d on gpt-5".
func (m *model) describeRoutes(routes []route) string {
	parts := make([]string, len(routes))
	for j, r := range routes {
		switch {
		case r.model != nil:
			parts[j] = "the fleet's model " + r.model.ID
		case r.gpu != "":
			parts[j] = "the fleet's GPU " + r.gpu
		case r.pick == -1:
			parts[j] = m.s.Workloads[r.workload].Name + " on the fleet"
		default:
			parts[j] = m.s.Workloads[r.workload].Name + " on " + m.choices[r.workload][r.pick].model.ID
		}
	}
	return strings.Join(parts, ", ")
}
