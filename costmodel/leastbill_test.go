package costmodel

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// TestLeastBillBoundsEveryGPU: the bounds the cheaper-GPU note prunes by
// hold: the least bill is never above what an option on that GPU costs,
// nor the load's (loadFloor) above its fleet's bill,
// and what the option costs beyond its fleet's bill does not depend on
// the GPU — for every bundled
// example, every GPU the catalog sells in its region, every pricing
// model and schedule — so pruning by it drops no cheaper GPU.
func TestLeastBillBoundsEveryGPU(t *testing.T) {
	// One of the package's slowest: run beside the others (CI time).
	t.Parallel()
	files := exampleFiles(t)
	cat := modelcatalog.Default()
	checked, floors := 0, 0
	for _, f := range files {
		for _, pricing := range []string{spec.OnDemand, spec.Reserved, spec.Spot, spec.CapacityBlock} {
			for _, schedule := range []string{spec.AlwaysOn, spec.BusinessHours} {
				s := parseFile(t, f)
				s.SelfHosted.Pricing, s.SelfHosted.Schedule = pricing, schedule
				m, err := newModel(s, cat, date)
				if err != nil {
					t.Fatal(err)
				}
				opts, _, _, err := m.options(nil)
				if err != nil {
					continue // a pricing the catalog cannot price here
				}
				for _, o := range opts {
					if o.assign == nil || !o.assign.onFleet() {
						continue
					}
					m.useGPU(o.assign.gpu)
					rest := m.unbilled(o.assign)
					for _, g := range cat.GPUIDs() {
						try := o.assign.clone()
						try.gpu = g
						m.useGPU(g)
						mid, _ := scenarios(m.axes(true, true))
						least := m.leastBill(try, mid)
						ev, err := m.evaluate(try, mid, false)
						if err != nil || !ev.sized {
							continue
						}
						checked++
						for _, include := range []bool{false, true} {
							if total := ev.total(include); total < least-1e-6 {
								t.Errorf("%s, %s %s, %s on %s: total %.2f below the least bill %.2f", filepath.Base(f), pricing, schedule, o.Architecture, g, total, least)
							}
						}
						// What the option costs beyond its fleet's bill is
						// the same on every GPU: the note's budget for g's
						// bill is the chosen total less it.
						bill := m.biller(try, mid)(packingOf(ev))
						if floor, ok := m.loadFloor(try, mid); ok {
							floors++
							if bill < floor-1e-6 {
								t.Errorf("%s, %s %s, %s on %s: bill %.2f below the load's least bill %.2f", filepath.Base(f), pricing, schedule, o.Architecture, g, bill, floor)
							}
						}
						if got := ev.total(m.s.Quality.IncludeInDecision) - bill; math.Abs(got-rest) > 1e-6 {
							t.Errorf("%s, %s %s, %s on %s: %.4f beyond the bill, %.4f on %s", filepath.Base(f), pricing, schedule, o.Architecture, g, got, rest, o.assign.gpu)
						}
					}
				}
			}
		}
	}
	t.Logf("%d fleets checked, %d against the load's least bill", checked, floors)
	if checked < 100 || floors < checked/2 {
		t.Errorf("only %d fleets checked, %d against the load's least bill", checked, floors)
	}
}
