package costmodel

// A commitment on a part-time schedule: it bills every hour, and the
// plan says what the same fleet would cost on demand.

import (
	"fmt"

	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// idleCommitment warns (pricing.idle_commitment) when the spec commits to
// GPUs (reserved, a Savings Plan, a Capacity Block) that its schedule runs
// only in working hours: the commitment bills all of the month's hours,
// and the warning gives the option's expected cost on demand for the
// scheduled hours. nil when it does not apply or on-demand has no price.
func (m *model) idleCommitment(a *assignment, o *Option) *Note {
	sh := m.s.SelfHosted
	if sh.Schedule != spec.BusinessHours || !spec.Commitment(sh.Pricing) || o.Sizing == nil {
		return nil
	}
	m.onDemand = true
	defer func() { m.onDemand = false }()
	mid, _ := scenarios(m.axes(true, m.hasGap(a)))
	ev, err := m.evaluate(a, mid, false)
	if err != nil {
		return nil
	}
	alt := ev.total(m.s.Quality.IncludeInDecision)
	return &Note{ID: "pricing.idle_commitment", Message: fmt.Sprintf(
		"%s pricing bills all %g hours of the month, but the %s schedule runs the fleet %g hours: the %s option is priced at %s a month expected for hours it leaves idle; on demand for the scheduled hours it would cost %s a month expected (the catalog's on-demand price)",
		sh.Pricing, float64(units.HoursPerMonth), sh.Schedule, m.dayHours(o.Sizing.WeightsGB), o.Architecture, units.USD(o.MonthlyUSD.Expected).Whole(), units.USD(alt).Whole())}
}
