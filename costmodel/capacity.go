package costmodel

// Capacity: a fixed fleet that cannot carry the peak load, and the fleet
// that would.

import (
	"math"

	"github.com/costgate/costgate/inference"
)

// overCapacity reports whether a sized fleet runs above 100 % of its
// capacity at peak, at the precision the plan shows (capacity.exceeded
// reads that figure, and the search skips what it denies).
func overCapacity(f inference.Fleet) bool { return shownPeak(f.PeakUtilization) > 1 }

// shownPeak is a fleet's peak utilization as the plan shows it: to the
// thousandth, rounded up, so that a fleet is never shown less loaded than
// it is, except around 100 %: below it a fleet shows at most 0.999 (the
// plan's TTFT is a number below 100 % and null from it) and above it at
// least 1.001, so that capacity.exceeded (above 1) reads every fleet above
// 100 % as above it. Rounded to the nearest, a fleet at 100.04 % read
// 1.000, passed capacity.exceeded with its queue unbounded and no TTFT;
// rounded up alone, eight L4s at 99.9 % read 1.000 beside a TTFT of 5.8
// hours, and the rounding's own slack let a fleet a hair above 100 %
// (1 + 1e-12) read 1.000 and pass.
func shownPeak(u float64) float64 {
	shown := math.Ceil(u*1000-1e-9) / 1000
	switch {
	case u < 1:
		return math.Min(shown, 0.999)
	case u > 1:
		return math.Max(shown, 1.001)
	}
	return shown
}

// fixedGPUs is the spec's fixed fleet size, or 0 while the model sizes
// the fleet that would carry the load.
func (m *model) fixedGPUs() int {
	switch {
	case m.unfixed:
		return 0
	case m.launched > 0:
		return m.launched
	}
	return m.s.SelfHosted.GPUs
}

// required prices assignment a with its fleet sized for the load at the
// target utilization, as without self_hosted.gpus: the expected cost and
// its range, and the fleet at the expected inputs.
func (m *model) required(a *assignment) (Money, inference.Fleet, error) {
	m.unfixed = true
	defer func() { m.unfixed = false }()
	include := m.s.Quality.IncludeInDecision
	mid, corners := scenarios(m.axes(true, m.hasGap(a)))
	ev, err := m.evaluate(a, mid, false)
	if err != nil {
		return Money{}, inference.Fleet{}, err
	}
	t := ev.total(include)
	out, fleet := Money{Low: t, Expected: t, High: t}, ev.fleet
	// The corners price the fleet that carries their load, as an
	// option's do (model.corner).
	m.corner = true
	defer func() { m.corner = false }()
	for _, p := range corners {
		ev, err := m.evaluate(a, p, false)
		if err != nil {
			return Money{}, inference.Fleet{}, err
		}
		t := ev.total(include)
		out.Low, out.High = math.Min(out.Low, t), math.Max(out.High, t)
	}
	return out, fleet, nil
}

// withRequired names, on a fixed fleet above its target utilization at
// peak, the fleet that would carry the load; above its capacity the
// option is compared at that fleet's cost (Required).
func (m *model) withRequired(o *Option, a *assignment, f inference.Fleet) {
	if m.s.SelfHosted.GPUs <= 0 || o.Sizing == nil || f.PeakUtilization <= o.Sizing.TargetUtilization+1e-9 {
		return
	}
	req, fleet, err := m.required(a)
	if err != nil || fleet.OverLimit {
		return
	}
	gpus, usd := fleet.BilledGPUs, round(req.Expected, 2)
	o.Sizing.RequiredGPUs, o.Sizing.RequiredMonthlyUSD = &gpus, &usd
	if overCapacity(f) {
		o.Required = &req
	}
}

// carrying is the option's cost as the verdict compares it: the fleet
// that carries the load.
func (o *Option) carrying() Money {
	if o.Required != nil {
		return *o.Required
	}
	return o.MonthlyUSD
}

// carryingCost is the expected cost at scenario p of assignment a with a
// fleet that carries the load: the fixed fleet while it can, then the
// fleet sized for the load (never less than the fixed one, so the cost
// does not fall as the load grows). over is set, with no cost, when the
// fleet is above the cap on one fleet's GPUs (modelcatalog.MaxFleetGPUs).
func (m *model) carryingCost(a *assignment, p params, include bool) (cost float64, over bool, err error) {
	ev, err := m.evaluate(a, p, false)
	if err != nil {
		return 0, false, err
	}
	if ev.sized && ev.fleet.OverLimit {
		return 0, true, nil
	}
	cost = ev.total(include)
	if m.s.SelfHosted.GPUs <= 0 || !ev.sized || !overCapacity(ev.fleet) {
		return cost, false, nil
	}
	m.unfixed = true
	defer func() { m.unfixed = false }()
	ev, err = m.evaluate(a, p, false)
	if err != nil {
		return 0, false, err
	}
	if ev.sized && ev.fleet.OverLimit {
		return 0, true, nil
	}
	return math.Max(cost, ev.total(include)), false, nil
}
