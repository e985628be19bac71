package plan_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/internal/fixture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/units"
)

// TestBusinessHoursBillTheSchedule: a business_hours fleet on demand is
// billed the hours the stack's MON-FRI 09:00-17:00 actions run it, plus
// each day's early start, whatever team.working_hours_per_month says (it
// places the month's tokens; the schedule does not follow it). Working
// hours beyond the schedule by more than a day deny the option
// (schedule.uncovered): those hours' tokens find the fleet at zero. They
// only warned, and a pull request that moved a 600-hour team's fleet to
// business_hours passed its spend limit on 179 billed hours.
func TestBusinessHoursBillTheSchedule(t *testing.T) {
	src := fixture.Example(t, "regulated.hcl")
	for _, tt := range []struct {
		work float64
		deny bool
	}{{120, false}, {176, false}, {181, false}, {183, true}, {220, true}, {600, true}} {
		t.Run(fmt.Sprint(tt.work), func(t *testing.T) {
			s := fixture.Parse(t, "regulated.hcl", fixture.Edit(t, src,
				`pricing  = "reserved"`, `pricing  = "on_demand"`,
				`cost_center          = "payments"`, fmt.Sprintf("cost_center          = \"payments\"\n  working_hours_per_month = %g", tt.work)))
			p, err := plan.Build(context.Background(), s, fixture.Options())
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Options {
				if o.Sizing == nil {
					continue
				}
				lead := float64(inference.ScaleUpLeadMinutes(o.Sizing.WeightsGB)) / 60
				want := math.Round(units.WeekdaysPerMonth*(units.BusinessDayHours+lead)*100) / 100
				if math.Abs(o.Sizing.BilledHours-want) > 0.01 {
					t.Errorf("%s: billed %g hours, want the schedule's %g", o.Architecture, o.Sizing.BilledHours, want)
				}
				denied := false
				for _, v := range o.Violations {
					denied = denied || v.Policy == "schedule.uncovered"
				}
				if denied != tt.deny || (denied && o.Allowed) {
					t.Errorf("%s at %g working hours: schedule.uncovered %v (allowed %v), want %v", o.Architecture, tt.work, denied, o.Allowed, tt.deny)
				}
				if want := math.Max(0, tt.work-units.WeekdaysPerMonth*units.BusinessDayHours); tt.deny && math.Abs(o.Sizing.UncoveredHours-want) > 0.05 {
					t.Errorf("%s: uncovered_hours %g, want %g", o.Architecture, o.Sizing.UncoveredHours, want)
				}
			}
		})
	}
}
