package costmodel

// The cost–quality frontier: the assignments no other beats on both
// monthly cost and token-weighted quality.

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// MaxFrontier bounds the points kept per split while the frontier is
// built; a frontier of cost against one quality score rarely holds more
// than a few dozen.
const MaxFrontier = 4096

// ParetoPoint is one assignment on the frontier.
type ParetoPoint struct {
	Option architecture.Name
	Routes []RouteShort
	// Fleet is the fleet's model on its GPU ("" without a fleet).
	Fleet string
	// MonthlyUSD is the expected monthly cost, quality gap included when
	// the spec includes it in the decision.
	MonthlyUSD float64
	// Quality is the token-weighted quality score: each workload's share
	// times its model's score for its complexity (unknown counts 0).
	Quality float64
	// DeniedBy are the policies that deny the assignment (ParetoWith's
	// gate); none: allowed, or not gated.
	DeniedBy []string
	a        *assignment
}

// MaxParetoGates bounds the policy evaluations of a gated frontier: each
// assignment that would extend the allowed frontier is gated, cheapest
// first, and a frontier that needs more is refused rather than cut short.
const MaxParetoGates = 10000

// Pareto lists the non-dominated fit assignments of the spec (each
// workload on a backend its per-route rules allow), cheapest first, with
// no policy applied (ParetoWith without a gate).
func Pareto(s *spec.Spec, cat *modelcatalog.Catalog, date string) ([]ParetoPoint, error) {
	return ParetoWith(s, cat, date, nil)
}

// ParetoWith lists the frontier of the spec's fit assignments the gate
// allows: cheapest first, each one no other allowed assignment beats on
// both cost and quality, and, marked with DeniedBy, the denied ones that
// would have beaten them (each beating the points listed before it). It
// prices every split of the fleet's workloads (the heuristic's splits
// above MaxExactWorkloads auto workloads) and, per split and fleet, merges
// the workloads' managed choices frontier by frontier; then it gates, as
// the search does, only the assignments that would extend the allowed
// frontier. Without a gate every point is allowed.
func ParetoWith(s *spec.Spec, cat *modelcatalog.Catalog, date string, gate Gate) ([]ParetoPoint, error) {
	m, err := newModel(s, cat, date)
	if err != nil {
		return nil, err
	}
	sr := m.newSearcher()
	var cands []paretoCand
	for _, arch := range m.classes() {
		st := sr.newStream(arch, false)
		fleets, _ := st.splits()
		for _, fleet := range fleets {
			if _, ok := st.managedBound(fleet); !ok {
				continue
			}
			cands = append(cands, m.splitFrontier(sr, st, fleet)...)
		}
	}
	// Exact costs (the secrets the parts leave out), then the frontier.
	var out []ParetoPoint
	for _, c := range cands {
		ev, err := m.evaluate(c.a, sr.mid, false)
		if err != nil {
			continue
		}
		p := ParetoPoint{Option: c.a.arch(), Routes: m.short(c.a), MonthlyUSD: ev.total(sr.include), Quality: c.quality, a: c.a}
		if c.a.onFleet() {
			p.Fleet = c.a.sh.ID + " on " + c.a.gpu
		}
		out = append(out, p)
	}
	if gate == nil {
		return frontier(out), nil
	}
	return m.gatedFrontier(out, gate)
}

// gatedFrontier walks the points cheapest first (of equal cost the better
// first) and gates each that beats the allowed frontier so far: allowed,
// it extends the frontier; denied, it is listed when it also beats every
// denied point listed. A denial of every costlier assignment of an option
// (a cost threshold, Verdict.CostlierDenied) is carried to them ungated.
func (m *model) gatedFrontier(pts []ParetoPoint, gate Gate) ([]ParetoPoint, error) {
	sortPoints(pts)
	out := []ParetoPoint{}
	allowed, listed := math.Inf(-1), math.Inf(-1)
	costlier := map[architecture.Name]Verdict{}
	gates := 0
	for _, p := range pts {
		if p.Quality <= allowed+1e-12 {
			continue
		}
		v, known := costlier[p.Option]
		if !known {
			if gates++; gates > MaxParetoGates {
				return nil, fmt.Errorf("the frontier needs more than %d policy evaluations: narrow managed.candidates or the workloads' routes", MaxParetoGates)
			}
			o, err := m.option(p.a)
			if err != nil {
				return nil, err
			}
			if v, err = gate(o); err != nil {
				return nil, err
			}
			if v.CostlierDenied {
				costlier[p.Option] = v
			}
		}
		switch {
		case len(v.Denied) == 0:
			out = append(out, p)
			allowed, listed = p.Quality, math.Max(listed, p.Quality)
		case p.Quality > listed+1e-12:
			p.DeniedBy = slices.Clone(v.Denied)
			out = append(out, p)
			listed = p.Quality
		}
	}
	return out, nil
}

// sortPoints orders points cheapest first (to the cent), of equal cost
// the better first, stably.
func sortPoints(pts []ParetoPoint) {
	sort.SliceStable(pts, func(i, j int) bool {
		a, b := pts[i], pts[j]
		if ca, cb := math.Round(a.MonthlyUSD*100), math.Round(b.MonthlyUSD*100); ca != cb {
			return ca < cb
		}
		return a.Quality > b.Quality
	})
}

// paretoCand is an assignment and its quality.
type paretoCand struct {
	a       *assignment
	cost    float64
	quality float64
}

// splitFrontier is the frontier of one split: for each fit fleet, the
// managed workloads' choices merged one workload at a time, each merge
// pruned to its own frontier (cost and quality add up, so a dominated
// partial assignment stays dominated).
func (m *model) splitFrontier(sr *searcher, st *stream, fleet []bool) []paretoCand {
	type partial struct {
		cost, quality float64
		pick          []int
	}
	acc := []partial{{pick: make([]int, len(fleet))}}
	for i, on := range fleet {
		if on {
			for k := range acc {
				acc[k].pick[i] = -1
			}
			continue
		}
		w := m.s.Workloads[i]
		var next []partial
		for _, p := range acc {
			for _, k := range st.order[i] {
				q, _ := m.choices[i][k].quality(w.Complexity)
				pick := slices.Clone(p.pick)
				pick[i] = k
				next = append(next, partial{p.cost + sr.mcost[i][k], p.quality + w.Share*q, pick})
			}
		}
		sort.SliceStable(next, func(a, b int) bool {
			if next[a].cost != next[b].cost {
				return next[a].cost < next[b].cost
			}
			return next[a].quality > next[b].quality
		})
		acc = acc[:0]
		best := math.Inf(-1)
		for _, p := range next {
			if p.quality > best && len(acc) < MaxFrontier {
				acc = append(acc, p)
				best = p.quality
			}
		}
	}
	var out []paretoCand
	if !slices.Contains(fleet, true) {
		for _, p := range acc {
			out = append(out, paretoCand{a: &assignment{fleet: slices.Clone(fleet), pick: p.pick}, cost: p.cost, quality: p.quality})
		}
		return out
	}
	g := sr.group(fleet)
	sr.sizeAll(g)
	for _, c := range g.cfgs {
		if !c.ok || c.unfit != "" {
			continue
		}
		fq := 0.0
		for i, on := range fleet {
			if on {
				fq += m.s.Workloads[i].Share * c.sh.Quality[m.s.Workloads[i].Complexity].Value
			}
		}
		for _, p := range acc {
			out = append(out, paretoCand{a: &assignment{fleet: slices.Clone(fleet), pick: p.pick, sh: c.sh, gpu: c.gpu}, cost: c.cost + p.cost, quality: fq + p.quality})
		}
	}
	return out
}

// frontier keeps the points no other point beats on cost and quality,
// cheapest first; of equal points the first in the order given.
func frontier(pts []ParetoPoint) []ParetoPoint {
	sortPoints(pts)
	out := []ParetoPoint{}
	best := math.Inf(-1)
	for _, p := range pts {
		if p.Quality > best+1e-12 {
			out = append(out, p)
			best = p.Quality
		}
	}
	return out
}
