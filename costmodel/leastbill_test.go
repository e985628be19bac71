package costmodel

import (
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// TestLeastBillBoundsEveryGPU: the bound the cheaper-GPU note prunes by
// is never above what an option on that GPU costs — for every bundled
// example, every GPU the catalog sells in its region, every pricing
// model and schedule — so pruning by it drops no cheaper GPU.
func TestLeastBillBoundsEveryGPU(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "*.hcl"))
	seeds, _ := filepath.Glob(filepath.Join("..", "examples", "seed", "*.hcl"))
	files = append(files, seeds...)
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	cat := modelcatalog.Default()
	checked := 0
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
					mid, _ := scenarios(m.axes(true, true))
					for _, g := range cat.GPUIDs() {
						try := o.assign.clone()
						try.gpu = g
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
					}
				}
			}
		}
	}
	t.Logf("%d fleets checked", checked)
	if checked < 100 {
		t.Errorf("only %d fleets checked", checked)
	}
}
