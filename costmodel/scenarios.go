package costmodel

// The range inputs an option depends on and the scenarios (midpoint and corners) it is priced at.

import (
	"github.com/costgate/costgate/spec"
)

// axes lists the (range) inputs that bear on an option with a fleet or
// not, and with a quality gap or not.
func (m *model) axes(selfHosted, gap bool) []axis {
	t := m.s.Team
	a := []axis{
		{t.Developers, func(p *params, v float64) { p.developers = v }},
		{t.TokensPerDeveloper, func(p *params, v float64) { p.tokens = v }},
		{t.InputShare, func(p *params, v float64) { p.inputShare = v }},
		{t.CachedInputShare, func(p *params, v float64) { p.cachedShare = v }},
		{t.CacheWriteShare, func(p *params, v float64) { p.cacheWriteShare = v }},
	}
	if selfHosted {
		a = append(a,
			axis{t.PeakToAverage, func(p *params, v float64) { p.peakToAverage = v }},
			axis{m.s.SelfHosted.OpsUSDPerMonth, func(p *params, v float64) { p.opsUSD = v }},
			axis{m.gpuPriceAxis(), func(p *params, v float64) { p.gpuPricePos = v }},
		)
	}
	if gap {
		// The quality gap is reported even when the decision leaves it out.
		a = append(a,
			axis{t.DeveloperHourlyUSD, func(p *params, v float64) { p.hourlyUSD = v }},
			axis{m.reworkAxis(), func(p *params, v float64) { p.reworkPos = v }},
		)
	}
	return a
}

// gpuPriceAxis is the range of the GPU-price position: [0, 1] when the
// price is a range, a single point otherwise (no corners to spend).
func (m *model) gpuPriceAxis() spec.Range {
	sh := m.s.SelfHosted
	if r := m.gpuHourOverride(); r != nil {
		if r.IsScalar() {
			return spec.Range{}
		}
		return spec.Range{Low: 0, High: 1}
	}
	for _, in := range m.cat.InstancesFor(m.gpu, sh.Region) {
		if pr, ok := in.GPUHourUSD[sh.Pricing]; ok && pr.Low != pr.High {
			return spec.Range{Low: 0, High: 1}
		}
	}
	return spec.Range{}
}

// reworkAxis is the range of the rework position: [0, 1] when any
// rework_hours is a range, a single point otherwise.
func (m *model) reworkAxis() spec.Range {
	ranged := !m.s.Quality.ReworkHours.IsScalar()
	for _, w := range m.s.Workloads {
		ranged = ranged || (w.ReworkHours != nil && !w.ReworkHours.IsScalar())
	}
	if ranged {
		return spec.Range{Low: 0, High: 1}
	}
	return spec.Range{}
}

// scenarios returns the expected scenario (every range at its midpoint)
// and every corner of the ranges.
func scenarios(axes []axis) (params, []params) {
	var mid params
	for _, a := range axes {
		a.set(&mid, a.r.Mid())
	}
	var varying []axis
	for _, a := range axes {
		if !a.r.IsScalar() {
			varying = append(varying, a)
		}
	}
	corners := make([]params, 0, 1<<len(varying))
	for mask := 0; mask < 1<<len(varying); mask++ {
		p := mid
		for i, a := range varying {
			if mask&(1<<i) != 0 {
				a.set(&p, a.r.High)
			} else {
				a.set(&p, a.r.Low)
			}
		}
		corners = append(corners, p)
	}
	return mid, corners
}
