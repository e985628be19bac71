package costmodel

// The breakeven search and the article's checklist.

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// breakeven returns the smallest team in [1, MaxDevelopers] at which the
// self-hosted option's expected cost is no more than the managed option's,
// each keeping its routes, the fleet re-sized at each count, or nil. It
// stops at the first team whose every fleet is above the cap on one
// fleet's GPUs (modelcatalog.MaxFleetGPUs): fleets only grow with the team.
// A fixed fleet counts as the fleet that would carry the load where it
// cannot (carryingCost).
//
// With model "auto", gpu "auto" or a list, each team size gets the
// cheapest candidate model on the cheapest candidate GPU: a minimum of
// costs that never fall as the team grows never falls either, so the
// search's jumps stay exact. Kept on the GPU chosen at the spec's own
// team, a spec of 3 developers read "none up to 100,000" where its own
// table showed self-hosting cheaper from 20 (on another GPU).
func (m *model) breakeven(mgd, sh *assignment) *int {
	m.sized = nil // every team size is sized afresh (cost.go, size)
	models := []*modelcatalog.OpenModel{sh.sh}
	if m.s.SelfHosted.Model == "auto" {
		if c := m.fleetModels(); len(c) > 0 {
			models = c
		}
	}
	own := m.gpu
	defer m.useGPU(own)
	gpus := m.fleetGPUs()
	if len(gpus) < 2 {
		gpus = []string{sh.gpu}
	}
	mgdMid, _ := scenarios(m.axes(false, m.hasGap(mgd)))
	shMids := make([]params, len(gpus))
	for k, g := range gpus {
		m.useGPU(g)
		shMids[k], _ = scenarios(m.axes(true, true))
	}
	include := m.s.Quality.IncludeInDecision
	managed := func(d int) float64 {
		mgdMid.developers = float64(d)
		ev, err := m.evaluate(mgd, mgdMid, false)
		if err != nil {
			return math.NaN()
		}
		return ev.total(include)
	}
	try := sh.clone()
	floors := m.candidateFloors(sh, models, gpus, shMids, include)
	// selfHosted is the cheapest fleet's cost at d developers; over is set
	// when every model's fleet is above the cap on one fleet's GPUs, which
	// no larger team brings back under. Candidates are sized in the order
	// of their floors at d, and none whose floor reaches the cheapest found
	// (it costs no less: breakevenFrom's bound); over then matters not,
	// a fleet having been found.
	selfHosted := func(d int) (cost float64, ok, over bool) {
		best := math.Inf(1)
		slices.SortStableFunc(floors, func(x, y candidateFloor) int { return cmp.Compare(x.at(d), y.at(d)) })
		for _, f := range floors {
			if shortcuts && f.at(d) >= best {
				break
			}
			m.useGPU(gpus[f.gpu])
			try.gpu, try.sh = gpus[f.gpu], f.model
			shMids[f.gpu].developers = float64(d)
			c, beyond, err := m.carryingCost(try, shMids[f.gpu], include)
			switch {
			case err != nil:
			case beyond:
				over = true
			default:
				best, ok = math.Min(best, c), true
			}
		}
		return best, ok, over && !ok
	}
	a := managed(0)
	b := managed(1) - a
	from := 1
	if shortcuts {
		var never bool
		if from, never = breakevenFrom(floors, a, b); never {
			return nil
		}
	}
	return firstBreakeven(from, a, b, selfHosted)
}

// breakevenFrom is the smallest team that can break even by the
// candidates' floors (candidateFloors), a bound that needs no fleet sized; never is set when none can. At d developers
// no fleet of a candidate (a model on a GPU) costs less than the least
// it is billed (leastBill: one instance of the GPU's cheapest type; the
// total holds the bill and other costs, never negative) plus its quality
// gap when the decision includes it (qualityGap: linear in the team, as
// the tokens are), which gap·d is at d; managed costs a + b·d. So a
// candidate breaks even at no team below where a + b·d reaches
// least + gap·d, and never when its gap grows at least as fast as
// managed's cost and it costs more at one developer. That holds at every
// team size, whatever firstBreakeven's jumps: where no candidate can
// break even it finds none either. Starting higher than one developer
// (only where managed grows, as the jumps do) also reasons, as the jumps
// do, that a fleet over the cap at a smaller team would be over it here.
// least and gap are lowered by a cent and a billionth against rounding.
func breakevenFrom(floors []candidateFloor, a, b float64) (from int, never bool) {
	first := math.Inf(1)
	for _, f := range floors {
		switch least, gap := f.least, f.gap; {
		case math.IsInf(least, 1) || math.IsNaN(least+gap):
			first = 1 // no bound
		case b-gap > 0:
			first = min(first, max(1, math.Ceil((least-a)/(b-gap)-1e-9)))
		case least+gap <= a+b:
			first = 1
		}
	}
	switch {
	case first > MaxDevelopers:
		return 0, true
	case b <= 0:
		return 1, false
	}
	return int(first), false
}

// candidateFloor is a breakeven candidate (models' model on gpus' GPU)
// and the least it can cost at d developers: at its least bill, lowered
// by a cent, plus its quality gap a developer times d (breakevenFrom).
type candidateFloor struct {
	gpu        int
	model      *modelcatalog.OpenModel
	least, gap float64
}

// at is f's floor at d developers, -Inf where it has none (no price, or
// a gap that is not a number): such a candidate is sized whatever the
// cheapest found.
func (f candidateFloor) at(d int) float64 {
	v := f.least + f.gap*float64(d)
	if math.IsNaN(v) || math.IsInf(v, 1) {
		return math.Inf(-1)
	}
	return v
}

// candidateFloors lists the breakeven's candidates, GPU by GPU and model
// by model, with what they are billed at least and their gap a developer.
func (m *model) candidateFloors(sh *assignment, models []*modelcatalog.OpenModel, gpus []string, shMids []params, include bool) []candidateFloor {
	var out []candidateFloor
	for k, g := range gpus {
		for _, om := range models {
			try := sh.clone()
			try.gpu, try.sh = g, om
			least := m.leastBill(try, shMids[k]) - 0.01
			gap := 0.0
			if include {
				p := shMids[k]
				p.developers = 1
				gap = m.qualityGap(try, p.developers*p.tokens, p) * (1 - 1e-9)
			}
			out = append(out, candidateFloor{gpu: k, model: om, least: least, gap: gap})
		}
	}
	return out
}

// firstBreakeven is the smallest team from from, up to MaxDevelopers,
// whose cheapest carrying fleet (selfHosted) costs no more than managed's
// a + b·d; nil when none does or every fleet is over the cap.
//
// Managed cost is linear in developers, a + b·d, and self-hosted cost
// never falls as the team grows. So when the fleet for d developers
// costs more than managed, no team below the one whose managed cost
// reaches that fleet's cost can break even: jump straight to it. Where
// self-hosting grows faster than managed the jumps grow geometrically,
// so a search that finds nothing still takes few steps.
func firstBreakeven(from int, a, b float64, selfHosted func(d int) (cost float64, ok, over bool)) *int {
	for d := from; d <= MaxDevelopers; {
		cost, ok, over := selfHosted(d)
		if over {
			break
		}
		if ok && cost <= a+b*float64(d) {
			return &d
		}
		next := d + 1
		if ok && b > 0 {
			if j := math.Ceil((cost-a)/b - 1e-9); j > float64(next) {
				if j > MaxDevelopers {
					break
				}
				next = int(j)
			}
		}
		d = next
	}
	return nil
}

// managedSpend is the managed API spend the checklist reads: what the
// providers bill, the managed option's expected cash (a quality gap is
// rework, not API spend), or, when the routes leave that option out, the
// cheapest all-managed assignment's.
func (m *model) managedSpend(res *Result) float64 {
	for _, o := range res.Options {
		if o.Architecture == architecture.Managed {
			return o.CashUSD.Expected
		}
	}
	s := m.newSearcher()
	if a, _, ok := s.stream(architecture.Managed, true).next(); ok {
		return max(m.cash(s, a), 0)
	}
	return 0
}

// checklist evaluates the article's five items.
func (m *model) checklist(managedExpected float64) []ChecklistItem {
	s := m.s
	simpleShare, fastest := 0.0, 0.0
	for _, w := range s.Workloads {
		if w.Complexity == spec.Simple {
			simpleShare += w.Share
		}
		if w.MaxTTFTMs > 0 && (fastest == 0 || w.MaxTTFTMs < fastest) {
			fastest = w.MaxTTFTMs
		}
	}
	latency := s.Organization.LatencyOverQuality || (fastest > 0 && fastest <= 200)
	latencyDetail := "latency_over_quality is false and no workload targets a TTFT of 200 ms or less"
	switch {
	case s.Organization.LatencyOverQuality:
		latencyDetail = "organization.latency_over_quality is true"
	case latency:
		latencyDetail = fmt.Sprintf("a workload targets a TTFT of %g ms", fastest)
	}
	return []ChecklistItem{
		{ID: "managed_spend", Text: "Monthly managed API spend exceeds " + units.USD(ManagedSpendThreshold).Whole(), Met: managedExpected > ManagedSpendThreshold,
			Detail: fmt.Sprintf("managed API spend %s/month expected, the quality gap left out", units.USD(managedExpected).Whole())},
		{ID: "gpu_expertise", Text: "GPU infrastructure expertise in-house (MLOps/SRE team)", Met: s.Organization.GPUExpertise,
			Detail: fmt.Sprintf("organization.gpu_expertise is %t", s.Organization.GPUExpertise)},
		{ID: "compliance", Text: "Compliance prohibits sending code to external APIs", Met: !s.Compliance.CodeMayLeaveNetwork,
			Detail: fmt.Sprintf("compliance.code_may_leave_network is %t", s.Compliance.CodeMayLeaveNetwork)},
		{ID: "latency", Text: "Latency consistency matters more than peak model quality", Met: latency, Detail: latencyDetail},
		{ID: "simple_majority", Text: "Most usage is high-volume, lower-complexity tasks", Met: simpleShare > 0.5,
			Detail: fmt.Sprintf("simple workloads carry %.0f%% of tokens", simpleShare*100)},
	}
}
