package costmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// cashBudgetGate denies an option whose expected cash is above budget, as
// spend.limit does: a threshold on cash, which with the quality gap in the
// total says nothing of the costlier assignments.
func cashBudgetGate(budget float64) Gate {
	return func(o Option) (Verdict, error) {
		if o.CashUSD.Expected > budget {
			return Verdict{Denied: []string{"spend.limit"}, CashDenied: true, CostlierDenied: !o.QualityIncluded}, nil
		}
		return Verdict{}, nil
	}
}

// TestUnderCashAgainstBruteForce: with the search's skip limit lowered to
// 3, every spec below sends its options through underCash, the list in the
// order of cash and the one-workload moves; brute force over every fit
// assignment (six workloads, the fleet or three managed models each)
// gives the cheapest one the budget allows in cash. An exact search must
// decide it to the cent, allowed exactly when one exists; one that says it
// is not exact may decide costlier, never cheaper, and its gap bound must
// reach the optimum; and the moves are to reach the optimum on most.
func TestUnderCashAgainstBruteForce(t *testing.T) {
	specs := 12
	if testing.Short() {
		specs = 3
	}
	r := rand.New(rand.NewPCG(20261206, 9))
	inexact, optimal := 0, 0
	for k := range specs {
		var b strings.Builder
		fmt.Fprintf(&b, "team \"u\" {\n  developers = %d\n  tokens_per_developer = %g\n  cost_center = \"x\"\n}\n", 50+r.IntN(950), float64(4+r.IntN(12))*1e6)
		b.WriteString("managed {\n  candidates = [\"claude-sonnet-5.5\", \"gpt-6-luna\", \"claude-haiku-5.5\"]\n}\n")
		fmt.Fprintf(&b, "self_hosted {\n  model = %q\n  gpu = \"h100\"\n}\n", []string{"qwen3-coder-30b-a3b", "gpt-oss-120b"}[r.IntN(2)])
		for i := range 6 {
			fmt.Fprintf(&b, "workload \"w%d\" {\n  share = %g\n  complexity = %q\n  context_tokens = %d\n}\n", i, 1.0/6, []string{"simple", "complex"}[r.IntN(2)], 2048*(1+r.IntN(8)))
		}
		src := b.String()
		t.Run(fmt.Sprintf("spec%02d", k), func(t *testing.T) {
			m, err := newModel(parse(t, "u.hcl", src), modelcatalog.Default(), date)
			if err != nil {
				t.Fatal(err)
			}
			sr := m.newSearcher()
			// The least and the most cash of the fit assignments, and the
			// cheapest total under each budget.
			type fit struct{ total, cash float64 }
			var all []fit
			n := len(m.s.Workloads)
			var walk func(i int, a *assignment)
			walk = func(i int, a *assignment) {
				if i == n {
					c := a.clone()
					if c.onFleet() {
						c.sh, c.gpu = sr.models[0], sr.gpus[0]
					}
					ev, err := m.evaluate(c, sr.mid, false)
					if err != nil || (c.onFleet() && m.unfitSized(c, ev) != "") {
						return
					}
					all = append(all, fit{ev.total(sr.include), ev.total(false)})
					return
				}
				if sr.fleetFit[i][0] {
					a.fleet[i], a.pick[i] = true, -1
					walk(i+1, a)
				}
				for c := range m.choices[i] {
					if m.choices[i][c].unfit == "" {
						a.fleet[i], a.pick[i] = false, c
						walk(i+1, a)
					}
				}
			}
			walk(0, &assignment{fleet: make([]bool, n), pick: make([]int, n)})
			least, most := math.Inf(1), 0.0
			for _, f := range all {
				least, most = math.Min(least, f.cash), math.Max(most, f.cash)
			}
			budget := least + r.Float64()*(most-least)*0.6
			best := math.Inf(1)
			for _, f := range all {
				if f.cash <= budget {
					best = math.Min(best, f.total)
				}
			}
			s := m.newSearcher()
			s.maxSkipped = 3
			opts, _, _, err := m.optionsOn(s, cashBudgetGate(budget))
			if err != nil {
				t.Fatal(err)
			}
			st := m.explain(s, opts)
			cost, allowed := math.Inf(1), false
			for _, o := range opts {
				if !o.denied && o.MonthlyUSD.Expected < cost {
					cost, allowed = o.MonthlyUSD.Expected, true
				}
			}
			switch {
			case st.Exact && allowed != !math.IsInf(best, 1):
				t.Errorf("exact search: allowed %v, brute force's optimum %v (budget $%.2f)", allowed, best, budget)
			case st.Exact && allowed && math.Abs(cost-best) > 0.01:
				t.Errorf("exact search decided $%.2f, the optimum under $%.2f of cash is $%.2f", cost, budget, best)
			case !st.Exact && allowed && cost < best-0.01:
				t.Errorf("decided $%.2f, under the optimum $%.2f", cost, best)
			case !st.Exact && allowed && (st.GapBoundUSD == nil || cost-*st.GapBoundUSD > best+0.01):
				t.Errorf("decided $%.2f less its gap bound %v is above the optimum $%.2f", cost, st.GapBoundUSD, best)
			}
			if !st.Exact {
				inexact++
			}
			if allowed && math.Abs(cost-best) <= 0.01 {
				optimal++
			}
			t.Logf("budget $%.2f: optimum $%.2f, decided $%.2f (allowed %v, exact %v)", budget, best, cost, allowed, st.Exact)
		})
	}
	t.Logf("%d of %d searches not exact; %d decided the optimum", inexact, specs, optimal)
	// The moves from the assignment of the least cash reach the optimum
	// on every one of these specs (measured on 2026-12-06); the first
	// allowed assignment of the list alone reached it on 6 of the 12.
	if optimal < specs*3/4 {
		t.Errorf("the search decided the optimum on %d of %d specs", optimal, specs)
	}
}
