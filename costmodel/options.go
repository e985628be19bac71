package costmodel

// Each option priced: the managed and self-hosted candidates, the fleet chosen among GPUs, and the latency targets.

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// evaluation is an option's cost at one scenario.
type evaluation struct {
	items      []LineItem // USD in Expected
	qualityGap float64
	fleet      inference.Fleet
	sized      bool // fleet is set
	gpuHourUSD float64
}

func (e evaluation) total(includeQuality bool) float64 {
	sum := 0.0
	for _, it := range e.items {
		sum += it.MonthlyUSD.Expected
	}
	if includeQuality {
		sum += e.qualityGap
	}
	return sum
}

// option prices one assignment at the expected inputs and every corner of
// its ranges.
func (m *model) option(a *assignment) (Option, error) {
	arch := a.arch()
	if a.onFleet() {
		m.useGPU(a.gpu)
	}
	mid, corners := scenarios(m.axes(a.onFleet(), m.hasGap(a)))
	exp, err := m.evaluate(a, mid, true)
	if err != nil {
		return Option{}, err
	}
	include := m.s.Quality.IncludeInDecision
	o := Option{Architecture: arch, QualityIncluded: include, assign: a.clone()}
	o.LineItems = slices.Clone(exp.items)
	for i := range o.LineItems {
		v := o.LineItems[i].MonthlyUSD.Expected
		o.LineItems[i].MonthlyUSD = Money{Low: v, Expected: v, High: v}
	}
	expTotal := exp.total(include)
	o.MonthlyUSD = Money{Low: expTotal, Expected: expTotal, High: expTotal}
	o.QualityGapUSD = Money{Low: exp.qualityGap, Expected: exp.qualityGap, High: exp.qualityGap}
	cash := exp.total(false)
	o.CashUSD = Money{Low: cash, Expected: cash, High: cash}
	cornerInstances, cornerUtil, rangeNote, err := m.widen(&o, a, exp, corners)
	if err != nil {
		return Option{}, err
	}
	if include && (o.QualityGapUSD.High > 0) {
		o.LineItems = append(o.LineItems, LineItem{Name: "quality gap (rework)", MonthlyUSD: o.QualityGapUSD, Note: "developer time lost to weaker models' failed attempts"})
	}
	var fleet *inference.Fleet
	if exp.sized {
		fleet = &exp.fleet
	}
	o.Routes = m.routes(a, fleet)
	o.Notes = m.choiceNotes(a)
	if exp.sized {
		o.Sizing, o.Sized = m.fleetOf(a.sh, exp.fleet), &exp.fleet
		m.withRequired(&o, a, exp.fleet)
		m.fleetNotes(&o, a, exp.fleet, cornerInstances, cornerUtil)
		if rangeNote != nil {
			o.Notes = append(o.Notes, *rangeNote)
		}
	}
	return o, nil
}

// widen prices assignment a at every corner of its ranges into o's low
// and high, and returns the corners' most instances and highest peak
// utilization, and the warning that the launched fleet could not carry a
// corner (rangeNote). A sized fleet is launched for the expected inputs
// (exp), and the group keeps its instances whatever the load: a corner
// whose load needs fewer GPUs, and that the launched fleet carries (no
// more loaded than its target or the expected load: carries), is priced on those the stack launches (a smaller
// fleet is no bill AWS sends it); any other on the fleet that carries it,
// and the launched fleet is judged there (rangeNote).
func (m *model) widen(o *Option, a *assignment, exp evaluation, corners []params) (cornerInstances int, cornerUtil float64, note *Note, err error) {
	include := o.QualityIncluded
	m.corner = true
	defer func() { m.corner = false }()
	sized := exp.sized && m.fixedGPUs() == 0
	var heavier []params // corners whose load the launched fleet does not carry
	var need inference.Fleet
	needUSD := math.Inf(-1)
	fixed := exp.sized && m.fixedGPUs() > 0
	for _, p := range corners {
		ev, err := m.cornerOf(a, exp, p, fixed)
		if err != nil {
			return 0, 0, nil, err
		}
		more := sized && ev.sized && ev.fleet.BilledGPUs > exp.fleet.BilledGPUs
		if sized && ev.sized && ev.fleet.BilledGPUs < exp.fleet.BilledGPUs {
			// Fewer GPUs can still be a heavier load, on a larger
			// instance type (5 × g5.48xlarge carry what 12 ×
			// g5.12xlarge, 48 GPUs, carry only above the target): only
			// where the launched fleet carries it is it priced there.
			// evaluate reuses one buffer: the corner's own line items
			// are kept apart from the launched fleet's.
			own := ev
			own.items = slices.Clone(ev.items)
			l, err := m.onLaunched(a, exp.fleet, p)
			if err != nil {
				return 0, 0, nil, err
			}
			ev = l
			if !carries(l.fleet, exp.fleet, m.s.SelfHosted.TargetUtilization) {
				ev, more = own, true
			}
		}
		if more {
			heavier = append(heavier, p)
			// The note names the fleet of the dearest such corner, the
			// one the range's high end prices.
			if t := ev.total(include); t > needUSD {
				need, needUSD = ev.fleet, t
			}
		}
		if ev.sized {
			cornerInstances = max(cornerInstances, ev.fleet.Instances)
			cornerUtil = max(cornerUtil, ev.fleet.PeakUtilization)
		}
		o.widenTo(ev, include)
	}
	if len(heavier) > 0 {
		note = m.rangeNote(a, exp.fleet, heavier, need)
	}
	return cornerInstances, cornerUtil, note, nil
}

// cornerOf evaluates a at corner p: a fixed fleet on what the stack
// launches for the expected inputs (exp), whatever the load — its
// instance type and tensor-parallel size as well as its GPUs (8 L4s
// launched as one g6.48xlarge were priced at the range's low GPU-hour end
// as two g6.12xlarge, 31 % under what AWS bills the launched instance) —
// and any other sized afresh at the corner.
func (m *model) cornerOf(a *assignment, exp evaluation, p params, fixed bool) (evaluation, error) {
	if fixed {
		return m.onLaunched(a, exp.fleet, p)
	}
	return m.evaluate(a, p, false)
}

// carries reports whether the launched fleet, evaluated at a corner (g),
// serves it as it serves the expected load (launched): loaded no more
// than the target utilization or than at the expected load, and meeting
// the TTFT targets where it meets them there.
func carries(g, launched inference.Fleet, target float64) bool {
	return g.PeakUtilization <= max(target, launched.PeakUtilization)+1e-9 && (g.MeetsTTFT || !launched.MeetsTTFT)
}

// onLaunched evaluates a at corner p on the fleet f the stack launches:
// its GPUs, on its instance type, at its tensor-parallel size (re-chosen
// at the corner, a fixed fleet's layout answering sooner at TP 8 ran a
// range's lightest corner at 73 % where the launched TP 2 ran below the
// 70 % target).
func (m *model) onLaunched(a *assignment, f inference.Fleet, p params) (evaluation, error) {
	m.launched, m.launchedType, m.launchedTP = f.BilledGPUs, f.InstanceType, f.TensorParallel
	defer func() { m.launched, m.launchedType, m.launchedTP = 0, "", 0 }()
	return m.evaluate(a, p, false)
}

// widenTo widens o's low and high, and each line item's, to a corner's
// evaluation.
func (o *Option) widenTo(ev evaluation, include bool) {
	t := ev.total(include)
	o.MonthlyUSD.Low, o.MonthlyUSD.High = math.Min(o.MonthlyUSD.Low, t), math.Max(o.MonthlyUSD.High, t)
	o.QualityGapUSD.Low, o.QualityGapUSD.High = math.Min(o.QualityGapUSD.Low, ev.qualityGap), math.Max(o.QualityGapUSD.High, ev.qualityGap)
	c := ev.total(false)
	o.CashUSD.Low, o.CashUSD.High = math.Min(o.CashUSD.Low, c), math.Max(o.CashUSD.High, c)
	for _, it := range ev.items {
		for i := range o.LineItems {
			if o.LineItems[i].Name == it.Name {
				o.LineItems[i].MonthlyUSD.Low = math.Min(o.LineItems[i].MonthlyUSD.Low, it.MonthlyUSD.Expected)
				o.LineItems[i].MonthlyUSD.High = math.Max(o.LineItems[i].MonthlyUSD.High, it.MonthlyUSD.Expected)
			}
		}
	}
}

// rangeNote warns (sizing.range) that the high end of a sized fleet's
// range prices a fleet (need) where the stack launches f for
// the expected inputs, and f could not serve the heaviest of those
// corners: above its capacity, or past a workload's TTFT target or the
// load balancer's idle timeout; nil where f would serve them all. Each
// corner is judged on f (the first corner needing the most GPUs was not
// always the one f ran hottest at: one H100 at 123 % went unwarned).
func (m *model) rangeNote(a *assignment, f inference.Fleet, corners []params, need inference.Fleet) *Note {
	// A fleet over its capacity is worse than one missing a target,
	// which is worse than one serving; then the hotter.
	badness := func(g inference.Fleet) int {
		switch {
		case overCapacity(g):
			return 2
		case !g.MeetsTTFT && f.MeetsTTFT:
			// A target the launched fleet misses at the expected load
			// too is no news of the range's.
			return 1
		}
		return 0
	}
	var worst *inference.Fleet
	for _, p := range corners {
		ev, err := m.onLaunched(a, f, p)
		if err != nil || !ev.sized {
			continue
		}
		g := ev.fleet
		if worst == nil || badness(g) > badness(*worst) || badness(g) == badness(*worst) && g.PeakUtilization > worst.PeakUtilization {
			worst = &g
		}
	}
	if worst == nil {
		return &Note{ID: "sizing.range", Message: fmt.Sprintf(
			"at the high end of the spec's ranges (tokens, developers, peak) the load needs %d × %s (%d GPUs), which the range's high end prices; the stack launches the expected fleet of %d × %s (%d GPUs), which the performance model cannot predict there: re-plan and deploy if the load reaches it",
			need.Instances, need.InstanceType, need.BilledGPUs, f.Instances, f.InstanceType, f.BilledGPUs)}
	}
	var why string
	switch {
	case overCapacity(*worst):
		why = fmt.Sprintf("would run there at %.0f%% of its capacity at peak", 100*worst.PeakUtilization)
	case badness(*worst) == 1:
		why = fmt.Sprintf("would run there at %.0f%% of its capacity at peak and miss a workload's TTFT target or the load balancer's idle timeout", 100*worst.PeakUtilization)
	default:
		return nil
	}
	return &Note{ID: "sizing.range", Message: fmt.Sprintf(
		"at the high end of the spec's ranges (tokens, developers, peak) the load needs %d × %s (%d GPUs), which the range's high end prices; the stack launches the expected fleet of %d × %s (%d GPUs), which %s: re-plan and deploy if the load reaches it",
		need.Instances, need.InstanceType, need.BilledGPUs, f.Instances, f.InstanceType, f.BilledGPUs, why)}
}

// fleetNotes adds the warnings about option o's fleet f: the fixed
// fleet's packing, a capacity block's range, a commitment on a part-time
// schedule, and the weights a given
// VPC would carry through its NAT; cornerInstances is the most instances
// a corner of the range needs, cornerUtil the highest peak utilization
// of the corners' fleets.
func (m *model) fleetNotes(o *Option, a *assignment, f inference.Fleet, cornerInstances int, cornerUtil float64) {
	if m.s.SelfHosted.GPUs > 0 && f.PeakUtilization <= 1 && cornerUtil > 1 {
		o.Notes = append(o.Notes, Note{ID: "capacity.range", Message: fmt.Sprintf(
			"at the high end of the spec's ranges (tokens, developers, peak) the fixed fleet of %d GPUs would run at %.0f%% of its capacity at peak: it could not serve that load, though the range's high cost is this fleet's; set gpus for the high end, or leave the fleet to be sized",
			f.GPUs, 100*cornerUtil)})
	}
	if m.s.SelfHosted.GPUs > 0 && f.GPUs != m.s.SelfHosted.GPUs {
		o.Notes = append(o.Notes, Note{ID: "sizing.packing", Message: fmt.Sprintf(
			"the fixed fleet of %d GPUs runs at tensor-parallel size %d on %d × %s: AWS bills every one of its %d GPUs (replicas of tensor-parallel size %d fit no whole instances of exactly %d %s for less), so all %d are priced and serve as %d replica(s)",
			m.s.SelfHosted.GPUs, f.TensorParallel, f.Instances, f.InstanceType, f.GPUs, f.TensorParallel, m.s.SelfHosted.GPUs, m.gpu, f.GPUs, f.Replicas)})
	}
	if n := m.maxInstances(); n > 0 && f.Instances <= n && cornerInstances > n {
		o.Notes = append(o.Notes, Note{ID: "sizing.capacity_block_range", Message: fmt.Sprintf(
			"at the high end of its range the fleet needs %d × %s, more than one capacity block's %d: the stack reserves one block and launches the expected fleet of %d; the range's high end prices the load as if a second block were bought for it, which pulumi up does not do",
			cornerInstances, f.InstanceType, n, f.Instances)})
	}
	for _, n := range []*Note{m.idleCommitment(a, o), m.dearSpot(a, o, f), m.vpcWeightsNote(o.Architecture, f), m.crossRegionImageNote(o.Architecture, f)} {
		if n != nil {
			o.Notes = append(o.Notes, *n)
		}
	}
}

// choiceNotes gathers the warnings about how the managed models of a were
// priced, the simple workloads' first.
func (m *model) choiceNotes(a *assignment) []Note {
	var out []Note
	for _, c := range []string{spec.Simple, spec.Complex} {
		for i, w := range m.s.Workloads {
			if a.fleet[i] || w.Complexity != c {
				continue
			}
			for _, n := range m.choice(a, i).notes {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// hasGap says whether a can have a quality gap: a fleet, or a managed
// workload on a model below its reference.
func (m *model) hasGap(a *assignment) bool {
	if a.onFleet() {
		return true
	}
	for i, w := range m.s.Workloads {
		if q, ok := m.choice(a, i).quality(w.Complexity); ok && q < m.ref[i] {
			return true
		}
	}
	return false
}

// searchOption finds option arch: its cheapest assignment the gate
// allows. It stops early when the gate says every costlier assignment is
// denied too (a spend threshold), skips without gating those whose cash
// is at least that of one the cash thresholds alone denied (the order is
// by the total, which the quality gap may hold), and after maxSkipped
// skips looks under those thresholds in the order of cash (underCash).
// After MaxGated denials it goes on without the routes every denied
// assignment held (detour); none allowed there, the option is its
// cheapest assignment, denied (deniedOption).
func (m *model) searchOption(s *searcher, arch architecture.Name, gate Gate) (Option, error) {
	var first *assignment
	stopped, skipped := false, 0
	q := &optionSearch{m: m, s: s, arch: arch, gate: gate, dn: &denials{cashFrom: math.Inf(1), costFrom: math.Inf(1)}, cashLimit: math.Inf(1)}
	s.denied[arch] = q.dn
	defer func() { q.dn.cashFrom, q.dn.cashBy = q.cashLimit, q.cashBy }()
	st := s.stream(arch, false)
	for q.gated < s.maxGated && !stopped && skipped < s.maxSkipped {
		a, cost, ok := st.next()
		if !ok {
			break
		}
		if first == nil {
			first = a
		}
		if gate == nil {
			return m.finish(s, a)
		}
		if !math.IsInf(q.cashLimit, 1) && m.cash(s, a) >= q.cashLimit {
			// Denied by the same cash thresholds: not gated, and listed
			// as the gated denials are, up to as many.
			skipped++
			if skipped <= s.maxGated {
				s.stats.Rejected = append(s.stats.Rejected, Candidate{Option: arch, Routes: m.short(a), MonthlyUSD: cost, DeniedBy: q.cashBy})
			}
			continue
		}
		o, v, err := q.try(a, cost)
		if err != nil || len(v.Denied) == 0 {
			return o, err
		}
		if stopped = v.CostlierDenied; stopped {
			q.dn.costFrom, q.dn.costBy = cost, v.Denied
		}
	}
	why := "" // why an allowed assignment may remain unseen
	if gate != nil && !stopped && q.gated < s.maxGated && skipped >= s.maxSkipped {
		// The cash thresholds deny every assignment this far in the order
		// of the total: look for one under them in the order of cash.
		o, found, whole, err := q.underCash()
		if err != nil || found {
			return o, err
		}
		if !whole {
			why = fmt.Sprintf("the spend thresholds deny the %s cheapest %s assignments by expected cost, and none of the %s with the least cash that the search listed is allowed",
				units.Count(float64(s.maxSkipped)), arch, units.Count(float64(s.maxSkipped)))
		}
	}
	if gate != nil && q.gated == s.maxGated && !stopped {
		s.stats.Exact, s.shortOf = false, true
		if o, found, err := q.detour(); err != nil || found {
			return o, err
		}
		why = fmt.Sprintf("the policies denied the %d cheapest %s assignments", s.maxGated, arch)
	}
	return m.deniedOption(s, arch, first, gate != nil, why)
}

// optionSearch is one option's search under the gate, shared by
// searchOption, underCash and descend: the gates sent and what they
// taught (denials), the cash from which the cash thresholds deny.
type optionSearch struct {
	m         *model
	s         *searcher
	arch      architecture.Name
	gate      Gate
	dn        *denials
	gated     int
	cashLimit float64
	cashBy    []string
}

// try gates assignment a, which costs cost: allowed, it returns its
// option; denied, it learns the denial — kept in dn, listed as rejected,
// and its cash taken as the limit when the cash thresholds alone deny it.
func (q *optionSearch) try(a *assignment, cost float64) (Option, Verdict, error) {
	o, err := q.m.finish(q.s, a)
	if err != nil {
		return Option{}, Verdict{}, err
	}
	v, err := q.gate(o)
	q.gated++
	q.s.stats.Gated++
	if err != nil {
		return Option{}, Verdict{}, &gateError{err}
	}
	if len(v.Denied) > 0 {
		q.dn.gated = append(q.dn.gated, gatedDenial{a: a, by: v.Denied})
		if v.CashDenied && o.CashUSD.Expected < q.cashLimit {
			q.cashLimit, q.cashBy = o.CashUSD.Expected, v.Denied
		}
		q.s.stats.Rejected = append(q.s.stats.Rejected, Candidate{Option: q.arch, Routes: q.m.short(a), MonthlyUSD: cost, DeniedBy: v.Denied})
	}
	return o, v, nil
}

// deniedOption is option arch when its search found no allowed
// assignment: the first it met, denied when gated, or without a fit
// assignment (every one breaks a per-route rule, which are the sealed
// per-route policies) the cheapest of all, which the policies deny and
// explain. why, when set, says why an allowed one may remain unseen (a
// note; the search is then not exact).
func (m *model) deniedOption(s *searcher, arch architecture.Name, first *assignment, gated bool, why string) (Option, error) {
	relaxed := first == nil
	if relaxed {
		a, _, ok := s.stream(arch, true).next()
		if !ok {
			errs := slices.Clone(s.errs)
			sort.Strings(errs)
			if len(errs) == 0 {
				return Option{}, fmt.Errorf("no assignment of the workloads can make it")
			}
			return Option{}, fmt.Errorf("%s", errs[0])
		}
		first = a
	}
	o, err := m.finish(s, first)
	o.denied, o.relaxed = gated, relaxed
	if err == nil && why != "" {
		o.Notes = append(o.Notes, Note{ID: "search.gate_limit", Message: why + "; the cheapest is shown, denied, and an allowed one may remain: the search is not exact"})
	}
	return o, err
}

// descend improves an allowed assignment a of option arch (its total
// total) found under the cash thresholds' limit (underCash): while moving
// one workload to another of its allowed managed choices, or a hybrid's
// workload between the fleet and the managed side, lowers the total and
// keeps the cash under the limit and the fleet fit, it gates the best such
// move and takes it when allowed (a denied one is not tried again). It
// shares underCash's MaxGated gates. ok is false when no move was taken.
func (q *optionSearch) descend(a *assignment, total float64) (best Option, ok bool, err error) {
	m, s, arch := q.m, q.s, q.arch
	st := s.newStream(arch, false)
	model := slices.Index(s.models, a.sh)
	var tried []*assignment
	for q.gated < s.maxGated {
		var next *assignment
		nextTotal := total - 0.005
		try := func(b *assignment) {
			if b.arch() != arch || slices.ContainsFunc(tried, func(t *assignment) bool { return same(t, b) }) {
				return
			}
			ev, err := m.evaluate(b, s.mid, false)
			if err != nil || ev.total(false) >= q.cashLimit {
				return
			}
			if t := ev.total(s.include); t < nextTotal && (!b.onFleet() || m.unfitSized(b, ev) == "") {
				next, nextTotal = b.clone(), t
			}
		}
		for i := range a.fleet {
			if !a.fleet[i] {
				for _, k := range st.order[i] {
					if k != a.pick[i] {
						b := a.clone()
						b.pick[i] = k
						try(b)
					}
				}
				if arch == architecture.Hybrid && st.fixed[i] != -1 && model >= 0 && s.fleetFit[i][model] {
					b := a.clone()
					b.fleet[i], b.pick[i] = true, -1
					try(b)
				}
				continue
			}
			if arch == architecture.Hybrid && st.fixed[i] != 1 {
				for _, k := range st.order[i] {
					b := a.clone()
					b.fleet[i], b.pick[i] = false, k
					try(b)
				}
			}
		}
		if next == nil {
			return best, ok, nil
		}
		o, v, err := q.try(next, nextTotal)
		if err != nil {
			return Option{}, false, err
		}
		if len(v.Denied) > 0 {
			tried = append(tried, next)
			continue
		}
		a, total, best, ok = next, nextTotal, o, true
	}
	return best, ok, nil
}

// maxSkipped bounds the assignments an option's search passes over
// without gating because the cash thresholds deny them, and those it then
// lists in the order of cash (underCash).
const maxSkipped = 64 * MaxGated

// underCash looks for an allowed assignment of option arch among those
// whose cash is under the cash thresholds' limit, once the search in the
// order of the total has passed over maxSkipped assignments those
// thresholds deny: a quality gap in the total puts assignments of much cash
// and a small gap first, and one of little cash and a large gap may come
// after millions. It lists the assignments in the order of cash up to the
// limit, at most maxSkipped of them, and gates them in the order of the
// total. When the list is whole (every assignment not on it is at the
// limit or above, which the same thresholds deny, and the cash order was
// exact) the first allowed is the option's cheapest allowed assignment,
// and none allowed is an exact answer; otherwise the search is marked not
// exact, and an allowed one found says so in a note. found is false when
// none on the list is allowed.
func (q *optionSearch) underCash() (o Option, found, whole bool, err error) {
	m, s, arch := q.m, q.s, q.arch
	c := m.newSearcher()
	c.maxExact, c.maxSkipped = s.maxExact, s.maxSkipped
	c.include, c.mcost = false, c.mcash
	st := c.stream(arch, false)
	type cand struct {
		a           *assignment
		cash, total float64
	}
	var cands []cand
	for len(cands) < s.maxSkipped {
		a, cash, ok := st.next()
		if !ok || cash >= q.cashLimit {
			whole = true
			break
		}
		ev, err := m.evaluate(a, s.mid, false)
		if err != nil {
			continue
		}
		cands = append(cands, cand{a: a, cash: cash, total: ev.total(s.include)})
	}
	s.stats.Evaluated += c.stats.Evaluated
	s.stats.Sized += c.stats.Sized
	s.stats.Pruned += c.stats.Pruned
	whole = whole && c.stats.Exact
	defer func() {
		if !whole {
			s.stats.Exact, s.shortOf = false, true
		}
	}()
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].total < cands[j].total })
	for _, k := range cands {
		if k.cash >= q.cashLimit {
			continue // denied by the thresholds a cheaper one met
		}
		if q.gated >= s.maxGated {
			whole = false
			break
		}
		o, v, err := q.try(k.a, k.total)
		if err != nil {
			return Option{}, false, whole, err
		}
		if len(v.Denied) == 0 {
			if !whole {
				if better, ok, err := q.descend(k.a, k.total); err != nil {
					return Option{}, false, whole, err
				} else if ok {
					o = better
				}
				o.Notes = append(o.Notes, Note{ID: "search.cash_order", Message: fmt.Sprintf(
					"the spend thresholds deny the %s cheapest %s assignments by expected cost (much cash, a small quality gap); this one was found from the %s with the least cash by one-workload moves that lower the cost under the thresholds, and a cheaper allowed one may remain: the search is not exact", units.Count(float64(s.maxSkipped)), arch, units.Count(float64(len(cands))))})
			}
			return o, true, whole, nil
		}
		if v.CostlierDenied {
			break
		}
	}
	return Option{}, false, whole, nil
}

// cash is a's expected cost without the quality gap: what the spend
// thresholds judge.
func (m *model) cash(s *searcher, a *assignment) float64 {
	ev, err := m.evaluate(a, s.mid, false)
	if err != nil {
		return math.Inf(-1)
	}
	return ev.total(false)
}

// gateError is a gate that failed: it stops the plan.
type gateError struct{ err error }

func (e *gateError) Error() string { return e.err.Error() }
func (e *gateError) Unwrap() error { return e.err }

// finish prices assignment a as its option, with the notes on its fleet's
// choice of model and GPU, and leaves the model sized on its GPU. An
// assignment the search finishes again (the first of a denied option, a
// gated one met again by underCash or descend) is not priced again
// (finishKey).
func (m *model) finish(s *searcher, a *assignment) (Option, error) {
	if !shortcuts {
		return m.finishAfresh(s, a)
	}
	key := finishKeyOf(s, a)
	if r, ok := m.finished[key]; ok {
		if a.onFleet() {
			m.useGPU(a.gpu)
		}
		return r.o, r.err
	}
	o, err := m.finishAfresh(s, a)
	// Clipped, the copies handed out share no room to append in: a note
	// one caller appends (deniedOption, underCash) reaches no other.
	o.LineItems, o.Routes, o.Notes = slices.Clip(o.LineItems), slices.Clip(o.Routes), slices.Clip(o.Notes)
	if o.Sizing != nil {
		o.Sizing.Notes = slices.Clip(o.Sizing.Notes)
	}
	if m.finished == nil {
		m.finished = map[finishKey]finishedOption{}
	}
	m.finished[key] = finishedOption{o, err}
	return o, err
}

// finishKey identifies what finish reads: the assignment (its fleet, its
// managed picks, its fleet's model and GPU) and the searcher whose
// candidate models and GPUs the notes compare (s.models, s.gpus,
// s.group). Nothing else varies between its calls: the spec, the catalog
// and the date are the model's; corner, unfixed, launched (its type and
// tensor-parallel size), onDemand and budget are zero whenever a search finishes (each is set and reset
// within one pricing); the sizing memo only replays sizings; and m.gpu,
// the one other field it reads, is a.gpu wherever a has a fleet (option
// and evaluate set it) and unread where it has none.
type finishKey struct {
	s     *searcher
	fleet string
	pick  string
	model *modelcatalog.OpenModel
	gpu   string
}

type finishedOption struct {
	o   Option
	err error
}

func finishKeyOf(s *searcher, a *assignment) finishKey {
	pick := make([]byte, 0, 2*len(a.pick))
	for _, k := range a.pick {
		pick = binary.AppendVarint(pick, int64(k))
	}
	return finishKey{s: s, fleet: fleetMask(a.fleet), pick: string(pick), model: a.sh, gpu: a.gpu}
}

// finishAfresh is finish without its memo.
func (m *model) finishAfresh(s *searcher, a *assignment) (Option, error) {
	o, err := m.option(a)
	if err != nil || o.Sizing == nil {
		return o, err
	}
	var lead []string
	if m.s.SelfHosted.Model == "auto" {
		lead = append(lead, fmt.Sprintf("model \"auto\": %s is the cheapest of %d open models meeting the min_quality of the workloads it serves (self_hosted.min_quality %.2f)", a.sh.ID, len(s.models), m.s.SelfHosted.MinQuality))
	}
	if len(s.gpus) > 1 {
		lead = append(lead, m.gpuChoice(s, a, o))
	}
	o.Sizing.Notes = append(lead, o.Sizing.Notes...)
	if len(s.gpus) == 1 && m.s.SelfHosted.GPUs == 0 {
		if n := m.cheaperGPU(a, o); n != nil {
			o.Notes = append(o.Notes, *n)
		}
	}
	m.useGPU(a.gpu)
	return o, nil
}

// gpuChoice says which GPU the option's fleet runs on and what the
// cheapest fleet on each other GPU would cost the same split.
func (m *model) gpuChoice(s *searcher, a *assignment, o Option) string {
	g := s.group(a.fleet)
	s.sizeAll(g)
	own := -1
	for k, c := range g.cfgs {
		if c.sh == a.sh && c.gpu == a.gpu {
			own = k
		}
	}
	if own < 0 {
		return fmt.Sprintf("gpu choice: %s", a.gpu)
	}
	return gpuChoiceNote(a.gpu, o, g.cfgs[own].unfit, func(yield func(string, float64, string) bool) {
		for _, c := range g.cfgs {
			if c.ok && c.gpu != a.gpu && !yield(c.gpu, o.MonthlyUSD.Expected-g.cfgs[own].cost+c.cost, c.unfit) {
				return
			}
		}
	}, len(s.gpus))
}

// gpuChoiceNote says which GPU won and what the runner-ups (the cheapest
// option on each other GPU) would cost, each unfit one with its reason
// (unfitSized's, "" when fit); unfit is the winner's own.
func gpuChoiceNote(gpu string, o Option, unfit string, others func(func(string, float64, string) bool), n int) string {
	cheapest := map[string]float64{}
	why := map[string]string{}
	others(func(g string, total float64, reason string) bool {
		if c, seen := cheapest[g]; !seen || total < c {
			cheapest[g], why[g] = total, reason
		}
		return true
	})
	keys := make([]string, 0, len(cheapest))
	for g := range cheapest {
		keys = append(keys, g)
	}
	sort.Slice(keys, func(i, j int) bool {
		if cheapest[keys[i]] != cheapest[keys[j]] {
			return cheapest[keys[i]] < cheapest[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var runners []string
	for _, g := range keys {
		r := fmt.Sprintf("%s %s", g, units.USD(cheapest[g]).Cents())
		if why[g] != "" {
			r += " (" + unfitLabel(why[g]) + ")"
		}
		runners = append(runners, r)
	}
	note := fmt.Sprintf("gpu choice: %s at %s a month expected is the cheapest of %d GPUs meeting the load and the TTFT targets", gpu, units.USD(o.MonthlyUSD.Expected).Cents(), n)
	switch {
	case unfit == "":
	case strings.HasPrefix(unfit, "latency:"):
		note = fmt.Sprintf("gpu choice: none of %d GPUs meets every TTFT target; %s at %s a month expected is the cheapest", n, gpu, units.USD(o.MonthlyUSD.Expected).Cents())
	default:
		note = fmt.Sprintf("gpu choice: none of %d GPUs is fit; %s at %s a month expected is the cheapest (%s)", n, gpu, units.USD(o.MonthlyUSD.Expected).Cents(), unfitLabel(unfit))
	}
	if len(runners) > 0 {
		note += "; runner-ups: " + strings.Join(runners, ", ")
	}
	return note
}

// unfitLabel names, in a few words, the reason unfitSized gave for a fleet
// the search may not pick.
func unfitLabel(unfit string) string {
	switch {
	case strings.HasPrefix(unfit, "latency:"):
		return "misses a TTFT target"
	case strings.HasPrefix(unfit, "quality:"):
		return "below min_quality"
	case strings.HasPrefix(unfit, "fleet limit:") && strings.Contains(unfit, "Capacity Block"):
		return fmt.Sprintf("over one capacity block's %d instances", modelcatalog.MaxCapacityBlockInstances)
	case strings.HasPrefix(unfit, "fleet limit:"):
		return fmt.Sprintf("over the %d-GPU fleet limit", modelcatalog.MaxFleetGPUs)
	case strings.HasPrefix(unfit, "capacity:"):
		return "over its capacity at peak"
	}
	return unfit
}

// cheaperGPU warns when another GPU the catalog sells in the region would
// serve the same load within the TTFT targets for less, at the expected
// inputs; nil when none would. The spec's gpu_hour_usd prices only its own
// GPU: the others are priced from the catalog for the same pricing model,
// and a GPU without such a price is not compared. Of those at least $0.50
// cheaper, the note names the cheapest, as gpu = "auto" would choose.
func (m *model) cheaperGPU(a *assignment, chosen Option) *Note {
	own := m.gpu
	defer m.useGPU(own)
	include := m.s.Quality.IncludeInDecision
	rest := m.unbilled(a)
	bestGPU, bestUSD := "", chosen.MonthlyUSD.Expected-0.5
	// Under the shortcuts a GPU is dropped where its bill reaches the cost
	// to beat less what the option costs beyond its bill (rest), the same
	// on every GPU (TestLeastBillBoundsEveryGPU); without them (the exact
	// reference) only where its bill alone reaches it, nothing assumed.
	bound := bestUSD
	if shortcuts {
		bound -= rest
	}
	for _, c := range m.otherGPUs(a, bound) {
		// A fleet billed that much is no cheaper whatever else it costs:
		// the sizer need not predict it, and under the shortcuts no GPU
		// after this one, whose least bills are no lower, need be sized.
		budget := bestUSD - rest
		if shortcuts && c.least >= budget {
			break
		}
		if c.least >= bestUSD {
			continue
		}
		m.useGPU(c.try.gpu)
		m.budget = budget
		ev, err := m.evaluate(c.try, c.mid, false)
		m.budget = 0
		if err != nil || !ev.sized || m.unfitSized(c.try, ev) != "" {
			continue
		}
		if t := ev.total(include); t < bestUSD {
			bestGPU, bestUSD = c.try.gpu, t
		}
	}
	if bestGPU == "" {
		return nil
	}
	return &Note{ID: "sizing.gpu", Message: fmt.Sprintf(
		"%s on %s would cost %s a month expected instead of %s on %s, %s less, for the same load within the workloads' TTFT targets (%s pricing from the catalog; throughput from the catalog or the performance model); self_hosted.gpu = \"auto\" would choose it",
		a.sh.ID, bestGPU, units.USD(bestUSD).Cents(), units.USD(chosen.MonthlyUSD.Expected).Cents(), own, units.USD(chosen.MonthlyUSD.Expected-bestUSD).Cents(), m.s.SelfHosted.Pricing)}
}

// gpuTry is a's fleet on another GPU at that GPU's expected inputs, with
// a lower bound of its fleet's bill there.
type gpuTry struct {
	try   *assignment
	mid   params
	least float64
}

// otherGPUs lists a's fleet on every other GPU the catalog sells in the
// region whose fleet's bill could fall below budget: a fleet billed at
// least that is no cheaper, and one billed +Inf cannot be priced (the
// catalog has no price for the GPU under the spec's pricing model: its
// evaluation would fail). Each bound is the bill of one instance
// (leastBill), and under the shortcuts the load's (loadFloor), higher;
// they are then sorted by it, the lowest first, so that the cheapest is
// sized early and its cost prunes the rest.
func (m *model) otherGPUs(a *assignment, budget float64) []gpuTry {
	own := m.gpu
	defer m.useGPU(own)
	var out []gpuTry
	for _, g := range m.cat.GPUIDs() {
		if g == own || len(m.cat.InstancesFor(g, m.s.SelfHosted.Region)) == 0 {
			continue
		}
		try := a.clone()
		try.gpu = g
		// The expected inputs on g: its GPU-hour price's midpoint where
		// the catalog gives g a range. Taken on the chosen GPU, whose spot
		// price is one figure, it put g at its low spot rate, and a note
		// named a GPU that was not the cheapest.
		m.useGPU(g)
		mid, _ := scenarios(m.axes(true, true))
		least := m.leastBill(try, mid)
		if least < budget && shortcuts {
			if f, ok := m.loadFloor(try, mid); ok {
				least = max(least, f)
			}
		}
		if least < budget {
			out = append(out, gpuTry{try, mid, least})
		}
	}
	if shortcuts {
		slices.SortStableFunc(out, func(x, y gpuTry) int { return cmp.Compare(x.least, y.least) })
	}
	return out
}

// unbilled is what a's option costs at the expected inputs beyond its
// fleet's bill (biller).
func (m *model) unbilled(a *assignment) float64 {
	mid, _ := scenarios(m.axes(true, true))
	ev, err := m.evaluate(a, mid, false)
	if err != nil || !ev.sized {
		return 0
	}
	return max(0, ev.total(m.s.Quality.IncludeInDecision)-m.biller(a, mid)(packingOf(ev)))
}

// packingOf is ev's fleet as the bill counts it.
func packingOf(ev evaluation) inference.Packing {
	n := max(ev.fleet.Instances, 1)
	return inference.Packing{Instance: inference.PricedInstance{Type: ev.fleet.InstanceType, GPUs: ev.fleet.BilledGPUs / n, GPUHourUSD: ev.gpuHourUSD}, Instances: ev.fleet.Instances}
}

// leastBill is the least any fleet of a's GPU is billed at scenario p:
// one instance of its cheapest type, as the sizer's bill counts it
// (biller). A sized fleet launches at least one instance, its bill only
// grows with more, and an option's total holds its fleet's bill and
// other costs that are never negative: no option on the GPU costs less.
// +Inf when no instance of the GPU can be priced.
func (m *model) leastBill(a *assignment, p params) float64 {
	m.useGPU(a.gpu)
	priced, err := m.pricedInstances(p.gpuPricePos)
	if err != nil {
		return math.Inf(1)
	}
	bill := m.biller(a, p)
	least := math.Inf(1)
	for _, in := range priced {
		least = min(least, bill(inference.Packing{Instance: in, Instances: 1}))
	}
	return least
}

func (m *model) openModel(id string) *modelcatalog.OpenModel {
	for i := range m.s.Models {
		if m.s.Models[i].ID == id {
			return &m.s.Models[i]
		}
	}
	om, _ := m.cat.OpenModel(id)
	return om
}
