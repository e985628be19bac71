package costmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
)

// TestDetourAroundADeniedRoute: a gate that denies one route (the
// decided hybrid's largest workload on the fleet), as a policy folder
// may, is met by the search as the same team with that workload pinned
// managed: where the gate denied the MaxGated cheapest hybrid assignments
// (all holding the route), the search went on without it and decided no
// dearer than the pinned team; it never allows the route; and where it
// went on, it says the search is not exact. Before, the option was denied
// after MaxGated gates and the team decided managed (or blocked) though
// the pinned split was allowed.
func TestDetourAroundADeniedRoute(t *testing.T) {
	t.Parallel()
	teams := 12
	if testing.Short() || raceBuild {
		teams = 4
	}
	r := rand.New(rand.NewPCG(20261207, 1))
	var detoured atomic.Int32
	t.Run("teams", func(t *testing.T) {
		for k := range teams {
			// Two teams of three above the exact limit; one under the
			// race detector, where the heuristic's streams are slow.
			n := 6 + k%5
			if k%3 != 2 && (!raceBuild || k == 0) {
				n = MaxExactWorkloads + 1 + k%4
			}
			src, _ := heuristicSpec(r, n)
			t.Run(fmt.Sprintf("team%02d_%dw", k, n), func(t *testing.T) {
				t.Parallel()
				if detourAgainstPinned(t, src) {
					detoured.Add(1)
				}
			})
		}
	})
	if detoured.Load() == 0 {
		t.Errorf("no team's search went on past the gate's limit: the test checks nothing")
	}
}

// detourGates is the test's gate limit: the cheapest hybrid assignments
// all hold the largest workload on the fleet, and few other routes are
// held by all of them.
const detourGates = 1

// detourAgainstPinned plans src under a gate that denies its hybrid's
// largest free workload on the fleet, the search stopping in cost order
// after detourGates denials, and checks it against src with that workload pinned
// managed; false when src has no such workload or the search did not go
// on.
func detourAgainstPinned(t *testing.T, src string) bool {
	name, ok := largestOnFleet(t, src)
	if !ok {
		return false
	}
	gated := plannedWith(t, src, func(o Option) (Verdict, error) {
		if slices.ContainsFunc(o.Routes, func(x Route) bool { return x.Workload == name && x.ServedBy == architecture.SelfHosted }) {
			return Verdict{Denied: []string{"org.stays_managed"}}, nil
		}
		return Verdict{}, nil
	}, func(s *searcher) { s.maxGated = detourGates })
	pinned := plannedWith(t, pinManaged(src, name), nil, nil)
	for _, o := range gated.opts {
		if !o.denied && slices.ContainsFunc(o.Routes, func(x Route) bool { return x.Workload == name && x.ServedBy == architecture.SelfHosted }) {
			t.Errorf("%s allowed with %s on the fleet", o.Architecture, name)
		}
	}
	h := optionOf(gated.opts, architecture.Hybrid)
	if h == nil || !slices.ContainsFunc(h.Notes, func(n Note) bool { return n.ID == "search.detour" }) {
		// The cheapest hybrid holds the route, so the gate denied it.
		if pinned.hybrid().allowed {
			t.Errorf("the pinned team's hybrid is allowed at $%.2f; with the gate the search did not go on past its limit\n%s", pinned.hybrid().cost, src)
		}
		return false
	}
	if gated.search.Exact {
		t.Errorf("the search went on past the gate's limit and claims to be exact")
	}
	g, p := gated.hybrid(), pinned.hybrid()
	switch {
	case p.allowed && !g.allowed:
		t.Errorf("the pinned team's hybrid is allowed at $%.2f; with the gate it is denied\n%s", p.cost, src)
	case p.allowed && g.cost > p.cost+0.005:
		t.Errorf("with the gate the hybrid costs $%.2f, above the pinned team's at $%.2f\n%s", g.cost, p.cost, src)
	}
	t.Logf("%s kept off the fleet: gated hybrid $%.2f, pinned $%.2f", name, g.cost, p.cost)
	return true
}

// planned is a plan's options and search.
type planned struct {
	opts   []Option
	search *Search
}

// decided is the cheapest allowed option, or the cheapest when none is
// (a relaxed one breaks a per-route rule: denied, gated or not).
func (p planned) decided() decided {
	d := decided{cost: math.Inf(1)}
	for _, o := range p.opts {
		allowed := !o.denied && !o.relaxed
		if (allowed && !d.allowed) || (allowed == d.allowed && o.MonthlyUSD.Expected < d.cost) {
			d = decided{cost: o.MonthlyUSD.Expected, allowed: allowed, arch: o.Architecture}
		}
	}
	return d
}

// hybrid is the plan's hybrid option as decided reads it.
func (p planned) hybrid() decided {
	h := optionOf(p.opts, architecture.Hybrid)
	if h == nil {
		return decided{cost: math.Inf(1)}
	}
	return decided{cost: h.MonthlyUSD.Expected, allowed: !h.denied && !h.relaxed, arch: h.Architecture}
}

// plannedWith plans src under gate, its searcher's limits set by tune
// (nil: the product's).
func plannedWith(t *testing.T, src string, gate Gate, tune func(*searcher)) planned {
	t.Helper()
	m, err := newModel(parse(t, "h.hcl", src), modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	sr := m.newSearcher()
	if tune != nil {
		tune(sr)
	}
	opts, _, _, err := m.optionsOn(sr, gate)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return planned{opts: opts, search: m.explain(sr, opts)}
}

// largestOnFleet names the workload of the largest share on the fleet of
// src's hybrid option that the per-route rules leave free; false when it
// has none allowed.
func largestOnFleet(t *testing.T, src string) (string, bool) {
	p := plannedWith(t, src, nil, nil)
	h := optionOf(p.opts, architecture.Hybrid)
	if h == nil || h.denied || h.relaxed {
		return "", false
	}
	m, err := newModel(parse(t, "d.hcl", src), modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	fixed := m.newSearcher().newStream(architecture.Hybrid, false).fixed
	best, share := "", 0.0
	for i, w := range m.s.Workloads {
		if h.assign.fleet[i] && fixed[i] == 0 && w.Share > share {
			best, share = w.Name, w.Share
		}
	}
	return best, best != ""
}

// pinManaged is src with workload name's route pinned managed.
func pinManaged(src, name string) string {
	open := fmt.Sprintf("workload %q {\n", name)
	return strings.Replace(src, open, open+"  route = \"managed\"\n", 1)
}

// TestDetourAroundADeniedFleetPart: a gate that denies every fleet of
// one model, or on one GPU (the cheapest fleet's, as a licence or
// procurement policy may), is met as the search in cost order without a
// gate limit meets it: where the MaxGated cheapest assignments all ran
// that model or GPU, the search went on without it (search.detour names
// it) to an option no dearer than the one the unlimited search allows,
// allowed wherever that one is, and never on the denied model or GPU.
func TestDetourAroundADeniedFleetPart(t *testing.T) {
	t.Parallel()
	teams := 6
	if testing.Short() || raceBuild {
		teams = 2
	}
	r := rand.New(rand.NewPCG(20261207, 2))
	self := regexp.MustCompile(`(?s)self_hosted \{.*?\n\}\n`)
	var detoured [2]atomic.Int32
	for k := range teams {
		src, _ := heuristicSpec(r, 5+k%4)
		src = self.ReplaceAllString(src, "self_hosted {\n  model = \"auto\"\n  gpu = \"auto\"\n}\n")
		for part, what := range []string{"model", "GPU"} {
			t.Run(fmt.Sprintf("team%02d/%s", k, what), func(t *testing.T) {
				t.Parallel()
				if detourAgainstUnlimited(t, src, part == 0) {
					detoured[part].Add(1)
				}
			})
		}
	}
	t.Cleanup(func() {
		if detoured[0].Load() == 0 || detoured[1].Load() == 0 {
			t.Errorf("searches gone on past the gate's limit: %d by a model, %d by a GPU; the test checks nothing where 0", detoured[0].Load(), detoured[1].Load())
		}
	})
}

// detourAgainstUnlimited plans src under a gate denying the fleet model
// (byModel) or GPU of its cheapest option on a fleet, with a gate limit
// of detourGates and without one, and compares them; false when src has
// no such option or the search did not go on.
func detourAgainstUnlimited(t *testing.T, src string, byModel bool) bool {
	part, least := "", math.Inf(1)
	for _, o := range plannedWith(t, src, nil, nil).opts {
		if o.assign != nil && o.assign.onFleet() && !o.denied && !o.relaxed && o.MonthlyUSD.Expected < least {
			part, least = o.assign.gpu, o.MonthlyUSD.Expected
			if byModel {
				part = o.assign.sh.ID
			}
		}
	}
	if part == "" {
		return false
	}
	runs := func(o *Option) bool {
		if o.assign == nil || !o.assign.onFleet() {
			return false
		}
		if byModel {
			return o.assign.sh.ID == part
		}
		return o.assign.gpu == part
	}
	gate := func(o Option) (Verdict, error) {
		if runs(&o) {
			return Verdict{Denied: []string{"org.fleet_part"}}, nil
		}
		return Verdict{}, nil
	}
	limited := plannedWith(t, src, gate, func(s *searcher) { s.maxGated = detourGates })
	unlimited := plannedWith(t, src, gate, func(s *searcher) { s.maxGated, s.maxSkipped = 1<<20, 1<<20 })
	went := false
	for _, arch := range []architecture.Name{architecture.SelfHosted, architecture.Hybrid} {
		l, u := optionOf(limited.opts, arch), optionOf(unlimited.opts, arch)
		if l == nil || u == nil {
			continue
		}
		if !l.denied && runs(l) {
			t.Errorf("%s allowed on the denied %s", arch, part)
		}
		if slices.ContainsFunc(l.Notes, func(n Note) bool { return n.ID == "search.detour" && strings.Contains(n.Message, part) }) {
			went = true
		}
		la, ua := !l.denied && !l.relaxed, !u.denied && !u.relaxed
		switch {
		case ua && !la:
			t.Errorf("%s: allowed at $%.2f without a gate limit, denied with one\n%s", arch, u.MonthlyUSD.Expected, src)
		case ua && l.MonthlyUSD.Expected > u.MonthlyUSD.Expected+0.005:
			t.Errorf("%s: $%.2f with the gate limit, above the $%.2f found without one\n%s", arch, l.MonthlyUSD.Expected, u.MonthlyUSD.Expected, src)
		}
	}
	if went {
		t.Logf("the search went on without %s", part)
	}
	return went
}

// TestModelSuspectOnlyWithAnotherModel: the fleet's model is a suspect
// (a detour without it) only where another fleet model may serve every
// workload the stream fixes on the fleet; else the detour's stream
// yields nothing and would only spend a gate. A relaxed stream applies
// no per-route rule, and a workload left free needs no other model.
func TestModelSuspectOnlyWithAnotherModel(t *testing.T) {
	a, b := &modelcatalog.OpenModel{ID: "a"}, &modelcatalog.OpenModel{ID: "b"}
	denied := []gatedDenial{{a: &assignment{fleet: []bool{true, true}, pick: []int{0, 0}, sh: a, gpu: "h100"}}}
	tests := []struct {
		name     string
		fleetFit [][]bool // [workload][model a, b]
		fixed    []int
		relaxed  bool
		suspect  bool
	}{
		{"b serves both fixed workloads", [][]bool{{true, true}, {true, true}}, []int{1, 1}, false, true},
		{"b is ruled out for a fixed workload", [][]bool{{true, true}, {true, false}}, []int{1, 1}, false, false},
		{"b is ruled out for a free workload", [][]bool{{true, true}, {true, false}}, []int{1, 0}, false, true},
		{"relaxed, the rules do not apply", [][]bool{{true, false}, {true, false}}, []int{1, 1}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &searcher{models: []*modelcatalog.OpenModel{a, b}, gpus: []string{"h100"}, fleetFit: tt.fleetFit}
			st := &stream{s: s, fixed: tt.fixed, relaxed: tt.relaxed, order: [][]int{{0, 1}, {0, 1}}}
			got := slices.ContainsFunc(sharedRoutes(st, denied), func(r route) bool { return r.model == a })
			if got != tt.suspect {
				t.Errorf("model a a suspect: %v, want %v", got, tt.suspect)
			}
		})
	}
}
