package costmodel

// The fleets of a split (which workloads the fleet serves): each model on
// each GPU, its lower bound before sizing, its sized cost, and the rules it
// breaks.

import (
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/inference"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// group is one split: the workloads on the fleet and its possible fleets
// (every model on every GPU), each sized when the search first needs it.
type group struct {
	fleet []bool
	cfgs  []fleetCfg
}

// fleetCfg is one fleet for a split: its model and GPU, a lower bound of
// the fleet part of the cost before sizing, and once sized (sized) the
// fleet part itself, whether it could be sized (ok) and why it breaks a
// rule ("" when it does not). ruled says before sizing that its model
// may not serve a workload of the split (unfitFleet).
type fleetCfg struct {
	sh    *modelcatalog.OpenModel
	gpu   string
	ruled bool
	bound float64
	// refined is set once the bound was raised to the load's floor, or
	// found no higher (searcher.refine).
	refined bool
	sized   bool
	ok      bool
	cost    float64
	unfit   string
	// err is why it could not be sized (not ok): no price, no instance.
	err string
}

// fleetModels lists the open models the fleet may run: the spec's, or
// with "auto" every model whose quality is known at the complexities of
// the workloads that may be on the fleet (the floors, self_hosted's and
// the workloads', are checked per split: unfitFleet).
func (m *model) fleetModels() []*modelcatalog.OpenModel {
	if id := m.s.SelfHosted.Model; id != "auto" {
		if om := m.openModel(id); om != nil {
			return []*modelcatalog.OpenModel{om}
		}
		return nil
	}
	all := make([]*modelcatalog.OpenModel, 0, len(m.cat.OpenModels)+len(m.s.Models))
	for i := range m.cat.OpenModels {
		all = append(all, &m.cat.OpenModels[i])
	}
	for i := range m.s.Models {
		all = append(all, &m.s.Models[i])
	}
	var out []*modelcatalog.OpenModel
	for _, om := range all {
		ok := true
		for _, w := range m.s.Workloads {
			if !mayBeOnFleet(w) {
				continue
			}
			if _, has := om.Quality[w.Complexity]; !has {
				ok = false
			}
		}
		if ok {
			out = append(out, om)
		}
	}
	return out
}

// fleetGPUs lists the GPUs the fleet may run on.
func (m *model) fleetGPUs() []string {
	if g := m.s.SelfHosted.GPUChoices; len(g) > 0 {
		return g
	}
	return []string{m.s.SelfHosted.GPU}
}

// group returns a split, its fleets listed with their bounds and not yet
// sized; a split without a fleet is priced at once.
func (s *searcher) group(fleet []bool) *group {
	key := fleetMask(fleet)
	if g, ok := s.groups[key]; ok {
		return g
	}
	g := &group{fleet: slices.Clone(fleet)}
	s.groups[key] = g
	if !slices.Contains(fleet, true) {
		g.cfgs = []fleetCfg{{}}
		s.size(g, 0)
		return g
	}
	arch := (&assignment{fleet: fleet}).arch()
	gap := s.fleetGaps(fleet)
	ruled := make([]bool, len(s.models))
	for i, on := range fleet {
		for k := range ruled {
			ruled[k] = ruled[k] || (on && !s.fleetFit[i][k])
		}
	}
	for _, gpu := range s.gpus {
		for k, sh := range s.models {
			g.cfgs = append(g.cfgs, fleetCfg{sh: sh, gpu: gpu, ruled: ruled[k], bound: s.fleetFloor(arch, gpu) + gap[k]})
		}
	}
	return g
}

// size sizes fleet k of a split, once, and returns it.
func (s *searcher) size(g *group, k int) *fleetCfg {
	c := &g.cfgs[k]
	if c.sized {
		return c
	}
	c.sized = true
	m := s.m
	a := &assignment{fleet: g.fleet, pick: make([]int, len(g.fleet)), sh: c.sh, gpu: c.gpu}
	for i := range a.pick {
		if g.fleet[i] {
			a.pick[i] = -1
		}
	}
	if c.sh != nil {
		s.stats.Sized++
	}
	ev, err := m.evaluate(a, s.mid, false)
	if err != nil {
		msg := err.Error()
		if len(s.gpus) > 1 {
			msg = c.gpu + ": " + msg
		}
		c.err = msg
		if !slices.Contains(s.errs, msg) {
			s.errs = append(s.errs, msg)
		}
		return c
	}
	cost := ev.total(s.include)
	for i := range g.fleet {
		if !g.fleet[i] {
			cost -= s.mcost[i][0]
		}
	}
	c.ok, c.cost = true, cost-m.secretUSD(a.arch())*float64(m.providers(a))
	if c.sh != nil {
		c.unfit = m.unfitSized(a, ev)
	}
	return c
}

// sizeAll sizes every fleet of a split (for the GPU note and the
// frontier).
func (s *searcher) sizeAll(g *group) {
	for k := range g.cfgs {
		s.size(g, k)
	}
}

// unfitSized says why a sized fleet may not serve its workloads: more
// GPUs than one fleet may have (capacity.fleet_limit), a model below a
// workload's min_quality, a fleet above its capacity at peak
// (capacity.exceeded), or a TTFT above its target (latency.ttft) or the
// load balancer's idle timeout (latency.timeout). The first of these
// kinds is said, whatever the order of the workloads: the quality of one
// workload named before the latency of another, or a GPU's reason in the
// plan changed when only the spec's order did.
func (m *model) unfitSized(a *assignment, ev evaluation) string {
	if ev.sized && ev.fleet.OverLimit {
		if n := m.maxInstances(); n > 0 && ev.fleet.Instances > n {
			return fmt.Sprintf("fleet limit: the fleet has more than %d instances, the most one EC2 Capacity Block holds", n)
		}
		return fmt.Sprintf("fleet limit: the fleet needs more than %d GPUs", modelcatalog.MaxFleetGPUs)
	}
	onFleet := false
	for i, w := range m.s.Workloads {
		if !a.fleet[i] {
			continue
		}
		onFleet = true
		if r := m.unfitFleet(a.sh, w); r != "" {
			return r
		}
	}
	if onFleet && ev.sized && overCapacity(ev.fleet) {
		return fmt.Sprintf("capacity: the fixed fleet runs at %.0f%% of its capacity at peak", 100*ev.fleet.PeakUtilization)
	}
	for i, w := range m.s.Workloads {
		if !a.fleet[i] {
			continue
		}
		if rt, ok := ev.fleet.Route(w.Name); ev.sized && ok && !rt.Meets {
			switch {
			case rt.TTFTMs <= 0 && w.MaxTTFTMs > 0:
				return fmt.Sprintf("latency: the fleet has no TTFT at its peak load, %s's target is %g ms", w.Name, w.MaxTTFTMs)
			case rt.TTFTMs <= 0:
				return fmt.Sprintf("timeout: at %.0f%% of its capacity at peak the fleet's queue has no bound, past the load balancer's %d s idle timeout", 100*ev.fleet.PeakUtilization, inference.IdleTimeoutSeconds)
			case w.MaxTTFTMs > 0 && rt.TTFTMs > w.MaxTTFTMs:
				return fmt.Sprintf("latency: the fleet's TTFT %s is above %s's %g ms target", units.Millis(math.Round(rt.TTFTMs)), w.Name, w.MaxTTFTMs)
			}
			return fmt.Sprintf("timeout: the fleet's p99.9 TTFT %s for %s is above the load balancer's %d s idle timeout", units.Millis(math.Round(rt.TailMs)), w.Name, inference.IdleTimeoutSeconds)
		}
	}
	return ""
}

// providers counts the API-key secrets of a's managed routes: one per
// keyed provider they call; a provider called with the gateway role's IAM
// credentials (Bedrock) keeps no key.
func (m *model) providers(a *assignment) int {
	seen := make([]string, 0, 8) // on the stack: evaluate's hot path
	for i := range m.s.Workloads {
		if a.fleet[i] {
			continue
		}
		if c := m.choice(a, i); c.keyed && !slices.Contains(seen, c.provider) {
			seen = append(seen, c.provider)
		}
	}
	return len(seen)
}

// secretUSD is one secret's monthly cost under arch.
func (m *model) secretUSD(arch architecture.Name) float64 {
	sum := 0.0
	for _, li := range m.cat.FixedCosts {
		if li.Per == "secret" && slices.Contains(li.Applies, string(arch)) {
			sum += li.MonthlyUSD
		}
	}
	return sum
}

// fleetFloor is a lower bound of the fleet part of any assignment under
// arch with a fleet on gpu: operations, the fixed line items, one
// instance, the alarms, one secret and the fewest GPU-hours the fleet
// could bill at the GPU's cheapest instance price.
func (s *searcher) fleetFloor(arch architecture.Name, gpu string) float64 {
	key := string(arch) + "\x00" + gpu
	if v, ok := s.floor[key]; ok {
		return v
	}
	m := s.m
	v := s.fleetOverhead(arch) + s.mid.opsUSD
	for _, li := range m.cat.FixedCosts {
		if li.Per == "instance" && slices.Contains(li.Applies, string(arch)) {
			v += li.MonthlyUSD
		}
	}
	own := m.gpu
	m.useGPU(gpu)
	gpuHour := math.Inf(1)
	if priced, err := m.pricedInstances(s.mid.gpuPricePos); err == nil {
		for _, in := range priced {
			gpuHour = math.Min(gpuHour, in.GPUHourUSD)
		}
	}
	m.useGPU(own)
	if !math.IsInf(gpuHour, 1) {
		v += gpuHour * m.billedHours(0) * float64(max(1, m.s.SelfHosted.GPUs))
	}
	s.floor[key] = v
	return v
}

// fleetOverhead is the part of fleetFloor that no packing's bill
// (model.biller) holds: the fleet's own line items under arch, one
// secret and its alarms.
func (s *searcher) fleetOverhead(arch architecture.Name) float64 {
	v := 0.0
	for _, li := range s.m.cat.FixedCosts {
		if !slices.Contains(li.Applies, string(arch)) {
			continue
		}
		switch li.Per {
		case "", "secret":
			v += li.MonthlyUSD
		case "alarm":
			v += AlarmsPerFleet * li.MonthlyUSD
		}
	}
	return v
}

// refine raises fleet k's bound, once and before it is sized, to what
// the load itself bills (inference.Floor: the fewest instances of any
// layout that could carry the split's peak) with the overhead no bill
// holds and the fleet's quality gap, where that is more than the bound
// of one GPU-month it entered the queue at; it says whether the bound
// rose. A split whose fleet must carry most of a large team's load is
// then sized only when nothing cheaper is left: with 14 workloads and
// every model on every GPU, the search sized 148,020 fleets.
func (s *searcher) refine(g *group, k int) bool {
	c := &g.cfgs[k]
	if !shortcuts || c.sized || c.refined || c.sh == nil {
		return false
	}
	c.refined = true
	m := s.m
	a := &assignment{fleet: g.fleet, pick: make([]int, len(g.fleet)), sh: c.sh, gpu: c.gpu}
	arch := a.arch()
	defer m.useGPU(m.gpu)
	m.useGPU(c.gpu)
	bill, ok := m.loadFloor(a, s.mid)
	if !ok {
		return false
	}
	gap := c.bound - s.fleetFloor(arch, c.gpu)
	if b := s.fleetOverhead(arch) + bill + gap; b > c.bound+1e-9 {
		c.bound = b
		return true
	}
	return false
}

// loadFloor is a lower bound of the bill of the fleet a's sizing at p
// returns (inference.Floor): ok is false where the request errs or the
// bound is not known (a fixed fleet).
func (m *model) loadFloor(a *assignment, p params) (float64, bool) {
	r, err := m.request(a, p, p.developers*p.tokens, false)
	if err != nil {
		return 0, false
	}
	return inference.Floor(r)
}

// leastFleetFloor is the least fleetFloor over the fleet's GPUs.
func (s *searcher) leastFleetFloor(arch architecture.Name) float64 {
	least := math.Inf(1)
	for _, g := range s.gpus {
		least = math.Min(least, s.fleetFloor(arch, g))
	}
	return least
}

// fleetGaps is the quality gap each fleet model gives the workloads of a
// split, when the decision includes the gap (zero otherwise): the gap is a
// large part of a fleet's cost when its models are weaker.
func (s *searcher) fleetGaps(fleet []bool) []float64 {
	out := make([]float64, len(s.models))
	if !s.include {
		return out
	}
	m := s.m
	monthly := s.mid.developers * s.mid.tokens
	for k, sh := range s.models {
		for i, on := range fleet {
			if on {
				q, ok := sh.Quality[m.s.Workloads[i].Complexity]
				out[k] += m.workloadGap(i, q.Value, ok, monthly, s.mid)
			}
		}
	}
	return out
}

// fleetCandidates counts the fleets (a split, a model, a GPU) the options'
// searches could have sized: every split's above the exact limit, the
// splits the heuristic made.
func (s *searcher) fleetCandidates() int {
	n := 0
	for _, arch := range s.m.classes() {
		st := s.newStream(arch, true)
		if st.free() > s.maxExact {
			for _, g := range s.groups {
				if st.admits(g.fleet) && slices.Contains(g.fleet, true) {
					n += len(g.cfgs)
				}
			}
			continue
		}
		fleets, _ := st.splits()
		for _, fleet := range fleets {
			if slices.Contains(fleet, true) {
				n += len(s.models) * len(s.gpus)
			}
		}
	}
	return n
}
