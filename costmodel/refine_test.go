package costmodel

import (
	"path/filepath"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// TestRefinedBoundHolds: the bound the search raises a fleet to before
// sizing it (searcher.refine: the load's floor) is never above the fleet
// part the sizing then prices, for every split of every bundled example's
// workloads, every model and GPU the search lists, under every pricing
// model and schedule, with the example's fleet sized rather than fixed,
// a spot fleet's on-demand base, minimum replicas past a capacity block's
// cap, a list of GPUs, the quality gap in the decision or out; and it
// rises for some, or it spares no sizing.
func TestRefinedBoundHolds(t *testing.T) {
	t.Parallel()
	files := exampleFiles(t)
	cat := modelcatalog.Default()
	checked, rose := 0, 0
	for _, f := range files {
		for _, v := range []struct {
			pricing, schedule string
			edit              func(*spec.SelfHosted)
		}{
			{spec.OnDemand, spec.AlwaysOn, func(*spec.SelfHosted) {}},
			{spec.Reserved, spec.BusinessHours, func(h *spec.SelfHosted) { h.GPUs = 0 }},
			{spec.Spot, spec.AlwaysOn, func(h *spec.SelfHosted) { h.GPUs, h.OnDemandBase, h.MinReplicas = 0, 2, 3 }},
			{spec.CapacityBlock, spec.BusinessHours, func(h *spec.SelfHosted) { h.GPUs, h.MinReplicas = 0, 600 }},
			// A load past the block's cap as well: the fleet stands one
			// past the cap, below its minimum replicas.
			{spec.CapacityBlock, spec.AlwaysOn, func(h *spec.SelfHosted) { h.GPUs, h.MinReplicas = 0, 600 }},
			{spec.OnDemand, spec.AlwaysOn, func(h *spec.SelfHosted) { h.GPUs, h.GPUChoices = 0, []string{"h100", "l40s", "a10g"} }},
		} {
			s := parseFile(t, f)
			s.SelfHosted.Pricing, s.SelfHosted.Schedule = v.pricing, v.schedule
			v.edit(&s.SelfHosted)
			if v.pricing == spec.CapacityBlock && v.schedule == spec.AlwaysOn {
				s.Team.Developers = spec.Range{Low: 1000 * s.Team.Developers.Low, High: 1000 * s.Team.Developers.High}
			}
			if v.pricing == spec.Spot {
				s.Quality.IncludeInDecision = !s.Quality.IncludeInDecision
			}
			m, err := newModel(s, cat, date)
			if err != nil {
				t.Fatal(err)
			}
			sr := m.newSearcher()
			n := len(s.Workloads)
			for mask := 1; mask < 1<<n; mask++ {
				fleet := make([]bool, n)
				for i := range fleet {
					fleet[i] = mask&(1<<i) != 0
				}
				g := sr.group(fleet)
				for k := range g.cfgs {
					before := g.cfgs[k].bound
					up := sr.refine(g, k)
					c := sr.size(g, k)
					if c.bound < before || up != (c.bound > before) {
						t.Errorf("%s %s %s, split %b, %s on %s: bound %.2f → %.2f (rose: %v)", filepath.Base(f), v.pricing, v.schedule, mask, c.sh.ID, c.gpu, before, c.bound, up)
					}
					if !c.ok {
						continue
					}
					checked++
					if up {
						rose++
					}
					if c.bound > c.cost+1e-6 {
						t.Errorf("%s %s %s, split %b, %s on %s: refined bound %.2f above the sized fleet part %.2f (was %.2f)", filepath.Base(f), v.pricing, v.schedule, mask, c.sh.ID, c.gpu, c.bound, c.cost, before)
					}
				}
			}
		}
	}
	t.Logf("%d fleets checked, %d bounds raised", checked, rose)
	if checked < 100 || rose < checked/4 {
		t.Errorf("%d fleets checked, %d bounds raised: too few to test the refinement", checked, rose)
	}
}
