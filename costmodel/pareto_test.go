package costmodel

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
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
			if diff := cmp.Diff(tt.want, frontier(tt.in)); diff != "" {
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
