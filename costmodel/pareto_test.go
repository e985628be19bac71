package costmodel

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFrontierKeepsNonDominated(t *testing.T) {
	pt := func(usd, q float64) ParetoPoint { return ParetoPoint{MonthlyUSD: usd, Quality: q} }
	tests := []struct {
		name string
		in   []ParetoPoint
		want []ParetoPoint
	}{
		{"empty", nil, []ParetoPoint{}},
		{"dominated dropped", []ParetoPoint{pt(10, 0.5), pt(12, 0.4), pt(8, 0.3)}, []ParetoPoint{pt(8, 0.3), pt(10, 0.5)}},
		{"equal cost keeps the better", []ParetoPoint{pt(10, 0.5), pt(10, 0.7)}, []ParetoPoint{pt(10, 0.7)}},
		{"same point once", []ParetoPoint{pt(10, 0.5), pt(10, 0.5)}, []ParetoPoint{pt(10, 0.5)}},
		{"cents decide cost ties", []ParetoPoint{pt(10.001, 0.6), pt(10.004, 0.5)}, []ParetoPoint{pt(10.001, 0.6)}},
		{"a staircase", []ParetoPoint{pt(30, 0.9), pt(20, 0.8), pt(10, 0.7), pt(25, 0.75)}, []ParetoPoint{pt(10, 0.7), pt(20, 0.8), pt(30, 0.9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, frontier(tt.in), cmpopts.IgnoreUnexported(ParetoPoint{})); diff != "" {
				t.Errorf("frontier (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParetoHoldsTheOptimum: the frontier's cheapest point is the search's
// cheapest fit assignment, and no point dominates another.
func TestParetoHoldsTheOptimum(t *testing.T) {
	s := parseFile(t, filepath.Join("..", "examples", "routed-team.hcl"))
	pts, err := Pareto(s, modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) == 0 {
		t.Fatal("empty frontier")
	}
	res, err := Evaluate(s, modelcatalog.Default(), date)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range pts {
		for j, b := range pts {
			if i != j && a.MonthlyUSD <= b.MonthlyUSD && a.Quality >= b.Quality {
				t.Errorf("point %d ($%.2f, %.3f) dominates point %d ($%.2f, %.3f)", i, a.MonthlyUSD, a.Quality, j, b.MonthlyUSD, b.Quality)
			}
		}
	}
	// In this spec only the hybrid option has fit routes (autocomplete's
	// TTFT target rules out every managed model, agent's min_quality every
	// open one), so the frontier starts at its cost.
	hybrid := res.Option("hybrid").MonthlyUSD.Expected
	if got := pts[0].MonthlyUSD; math.Round(got*100) != math.Round(hybrid*100) {
		t.Errorf("frontier's cheapest costs $%.2f, the hybrid option $%.2f", got, hybrid)
	}
}

// TestParetoWithGate: under a gate the frontier is the allowed one. Every
// point the gate denies says by what, and is listed only where it beats
// every point listed before it; the allowed points dominate no allowed
// point; no allowed point is cheaper than the gated search's cheapest;
// and a denial of every costlier assignment (a cost threshold) is carried
// to them without gating each.
func TestParetoWithGate(t *testing.T) {
	// One of the package's slowest: run beside the others (CI time).
	t.Parallel()
	for _, name := range []string{"routed-team.hcl", "enterprise-hybrid.hcl", "company-50.hcl"} {
		s := parseFile(t, filepath.Join("..", "examples", name))
		cat := modelcatalog.Default()
		ungated, err := Pareto(s, cat, date)
		if err != nil {
			t.Fatal(err)
		}
		for _, deny := range []architecture.Name{architecture.Hybrid, architecture.Managed, architecture.SelfHosted} {
			t.Run(name+"/deny "+string(deny), func(t *testing.T) {
				var calls int
				gate := func(o Option) (Verdict, error) {
					calls++
					if o.Architecture == deny {
						return Verdict{Denied: []string{"test.deny"}}, nil
					}
					return Verdict{}, nil
				}
				pts, err := ParetoWith(s, cat, date, gate)
				if err != nil {
					t.Fatal(err)
				}
				var allowed []ParetoPoint
				best, bestAllowed := math.Inf(-1), math.Inf(-1)
				for _, p := range pts {
					denied := len(p.DeniedBy) > 0
					if denied != (p.Option == deny) {
						t.Errorf("%s point ($%.2f) denied by %v", p.Option, p.MonthlyUSD, p.DeniedBy)
					}
					switch {
					case denied && p.Quality <= best:
						t.Errorf("denied point ($%.2f, %.3f) does not beat the points before it", p.MonthlyUSD, p.Quality)
					case !denied && p.Quality <= bestAllowed:
						t.Errorf("allowed point ($%.2f, %.3f) does not beat the allowed points before it", p.MonthlyUSD, p.Quality)
					}
					best = math.Max(best, p.Quality)
					if !denied {
						bestAllowed = p.Quality
						allowed = append(allowed, p)
					}
				}
				for i, a := range allowed {
					for j, b := range allowed {
						if i != j && a.MonthlyUSD <= b.MonthlyUSD && a.Quality >= b.Quality {
							t.Errorf("allowed point %d ($%.2f, %.3f) dominates allowed point %d ($%.2f, %.3f)", i, a.MonthlyUSD, a.Quality, j, b.MonthlyUSD, b.Quality)
						}
					}
				}
				res, err := EvaluateWith(s, cat, date, Config{Gate: gate})
				if err != nil {
					t.Fatal(err)
				}
				cheapest := math.Inf(1)
				for _, o := range res.Options {
					if o.Architecture != deny {
						cheapest = math.Min(cheapest, o.MonthlyUSD.Expected)
					}
				}
				// The search also prices assignments a per-route rule
				// rules out (the policies deny them), the frontier only
				// fit ones: it is never cheaper than the search.
				if len(allowed) > 0 && math.Round(allowed[0].MonthlyUSD*100) < math.Round(cheapest*100) {
					t.Errorf("cheapest allowed point $%.2f, under the gated search's cheapest option $%.2f", allowed[0].MonthlyUSD, cheapest)
				}
				if calls == 0 && len(ungated) > 0 {
					t.Error("the gate was never asked")
				}
			})
		}
	}
	// A threshold on the cost: every assignment above the cheapest point
	// is denied, with every costlier one of its option; each option is
	// gated at most twice (its first point under and over the threshold).
	s := parseFile(t, filepath.Join("..", "examples", "routed-team.hcl"))
	ungated, err := Pareto(s, modelcatalog.Default(), date)
	if err != nil || len(ungated) < 2 {
		t.Fatalf("ungated frontier %d points, %v", len(ungated), err)
	}
	limit := ungated[0].MonthlyUSD + 0.01
	calls := map[architecture.Name]int{}
	pts, err := ParetoWith(s, modelcatalog.Default(), date, func(o Option) (Verdict, error) {
		calls[o.Architecture]++
		if o.MonthlyUSD.Expected > limit {
			return Verdict{Denied: []string{"spend.limit"}, CostlierDenied: true, CashDenied: true}, nil
		}
		return Verdict{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for a, n := range calls {
		if n > 2 {
			t.Errorf("%s gated %d times under a cost threshold", a, n)
		}
	}
	if len(pts) < 2 || len(pts[0].DeniedBy) > 0 || len(pts[1].DeniedBy) == 0 {
		t.Errorf("frontier %+v: want the cheapest allowed, then denied ones", pts)
	}
}
