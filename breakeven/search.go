package breakeven

// The search over assignments: which workloads the fleet serves, which
// managed model serves each other one, and the fleet's model and GPU. It
// yields an option's assignments in order of expected cost, exactly, so
// that the policies run on the cheapest first and on few.
//
// An assignment's expected total splits into parts (evaluate computes it
// whole; the parts only order the search):
//
//	total = fleet(F, model, gpu) + Σ_{i ∉ F} managed(i, choice_i) + secret × providers
//
// where F is the set of workloads on the fleet, fleet(...) is every cost
// that depends on F alone (GPUs, operations, the option's fixed line items,
// the fleet's secrets, the quality gap of the workloads on it), managed(i,
// c) is workload i's tokens on choice c (and its quality gap when the spec
// includes it) and the last term is the API-key secret of each provider
// the managed routes call. The search is a best-first branch and bound:
//
//   - a set F not yet sized enters the queue at a lower bound (the
//     cheapest fleet any F could have plus each other workload's cheapest
//     choice); when it comes out, its fleets are sized (once: sizing is
//     memoised across streams) and sorted;
//   - a sized F enumerates (fleet, choices) vectors in the order of the
//     first two terms, each vector generated once (the successor scheme of
//     k-best enumeration: a vector may raise only dimensions at or after
//     the one it last raised); the third term is added when a vector comes
//     out, and it goes back in at its exact cost;
//   - an exact assignment that comes out is the cheapest left, because
//     every key in the queue is a lower bound of the assignments behind it.
//
// Sets F whose bound is above the answer are never sized: that is the
// pruning. Up to MaxExactWorkloads free workloads every F is considered;
// above, only the prefixes of the free workloads ordered by their managed
// cost (the costliest on managed APIs go to the fleet first), and the
// option reports the gap to a lower bound of the true optimum.

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// MaxExactWorkloads is how many free (route "auto") workloads the hybrid
// search considers every split of.
const MaxExactWorkloads = 12

// MaxGated bounds the assignments an option's search sends to the policies
// before it gives up and shows its cheapest, denied.
const MaxGated = 64

// Gate runs the plan policies on one priced option and returns the ids of
// the policies that deny it; none means allowed. An error stops the search.
type Gate func(Option) (denied []string, err error)

// Search is what the search did and why it chose what it chose.
type Search struct {
	// AutoWorkloads counts the workloads whose route is "auto".
	AutoWorkloads int `json:"auto_workloads"`
	// Assignments counts the ways to serve the workloads the options
	// cover (each workload on the fleet or one of its candidates).
	Assignments float64 `json:"assignments"`
	// Exact is false when the hybrid search used the heuristic (more
	// than MaxExactWorkloads auto workloads); GapBoundUSD then bounds how
	// much cheaper the true optimum could be.
	Exact       bool     `json:"exact"`
	GapBoundUSD *float64 `json:"gap_bound_usd"`
	// Evaluated counts assignments priced exactly, Sized the fleet
	// sizings run, Pruned the fleet splits never sized, Gated the
	// assignments sent to the policies.
	Evaluated int `json:"evaluated"`
	Sized     int `json:"sized"`
	Pruned    int `json:"pruned"`
	Gated     int `json:"gated"`
	// TimeMS is the search's wall time; null unless asked for, so that a
	// plan stays byte-identical from run to run.
	TimeMS *float64 `json:"time_ms"`
	// RunnerUps are the next cheapest assignments after the cheapest
	// allowed one, ungated.
	RunnerUps []Candidate `json:"runner_ups"`
	// Rejected are the cheaper assignments the policies denied.
	Rejected []Candidate `json:"rejected"`
	// Alternatives say, for each workload and each backend that could
	// serve it but does not, why: the rule it breaks, or how much more
	// the cheapest assignment putting it there costs.
	Alternatives []Alternative `json:"alternatives"`
}

// Candidate is one assignment the search looked at.
type Candidate struct {
	Option string       `json:"option"`
	Routes []RouteShort `json:"routes"`
	// MonthlyUSD is its expected cost; MoreUSD what it costs over the
	// cheapest allowed assignment.
	MonthlyUSD float64  `json:"monthly_usd"`
	MoreUSD    float64  `json:"more_usd"`
	DeniedBy   []string `json:"denied_by,omitempty"`
}

// RouteShort is what serves one workload.
type RouteShort struct {
	Workload string `json:"workload"`
	ServedBy string `json:"served_by"`
	Model    string `json:"model"`
}

// Alternative is a backend that does not serve a workload, and why.
type Alternative struct {
	Workload string `json:"workload"`
	ServedBy string `json:"served_by"`
	Model    string `json:"model"`
	// Reason is the rule it breaks; empty when only cost decided.
	Reason string `json:"reason,omitempty"`
	// MoreUSD is what the cheapest assignment serving the workload there
	// costs over the cheapest allowed one; null with a Reason.
	MoreUSD *float64 `json:"more_usd"`
}

// searcher holds what every stream of one spec shares: the managed costs
// per choice, the fleets sized per split, the counters.
type searcher struct {
	m       *model
	mid     params
	include bool
	// mcost[i][k] is workload i's managed part on choice k at mid.
	mcost [][]float64
	// models are the fleet's candidate models, gpus its candidate GPUs.
	models []*modelcatalog.OpenModel
	gpus   []string
	groups map[string]*group
	// floor[arch] is a lower bound of any fleet part under arch.
	floor map[string]float64
	stats *Search
	errs  []string
}

// group is one split: the workloads on the fleet and its possible fleets,
// cheapest first.
type group struct {
	fleet []bool
	cfgs  []fleetCfg
}

// fleetCfg is one fleet for a split: its model and GPU, the fleet part of
// the cost, and why it breaks a rule ("" when it does not).
type fleetCfg struct {
	sh    *modelcatalog.OpenModel
	gpu   string
	cost  float64
	unfit string
}

func (m *model) newSearcher() *searcher {
	mid, _ := scenarios(m.axes(true, true))
	s := &searcher{m: m, mid: mid, include: m.s.Quality.IncludeInDecision, groups: map[string]*group{}, floor: map[string]float64{}, stats: &Search{Exact: true, Rejected: []Candidate{}}}
	monthly := mid.developers * mid.tokens
	s.mcost = make([][]float64, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		s.mcost[i] = make([]float64, len(m.choices[i]))
		for k := range m.choices[i] {
			c := &m.choices[i][k]
			v := monthly * w.Share * c.rates.PerM(mid.inputShare, mid.cachedShare, mid.cacheWriteShare) / 1e6
			if s.include {
				if q, ok := c.quality(w.Complexity); ok && m.cat.TokensPerTask[w.Complexity].Value > 0 {
					v += m.workloadGap(i, q, monthly, mid)
				}
			}
			s.mcost[i][k] = v
		}
		if w.Route == spec.RouteAuto {
			s.stats.AutoWorkloads++
		}
	}
	s.models, s.gpus = m.fleetModels(), m.fleetGPUs()
	return s
}

// fleetModels lists the open models the fleet may run: the spec's, or
// with "auto" every model meeting self_hosted.min_quality at the
// complexities of the workloads that may be on the fleet.
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
			if q, has := om.Quality[w.Complexity]; !has || q.Value < m.s.SelfHosted.MinQuality {
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

// group sizes every fleet of a split, once.
func (s *searcher) group(fleet []bool) *group {
	key := fleetMask(fleet)
	if g, ok := s.groups[key]; ok {
		return g
	}
	m := s.m
	g := &group{fleet: slices.Clone(fleet)}
	a := &assignment{fleet: g.fleet, pick: make([]int, len(fleet))}
	for i := range a.pick {
		if fleet[i] {
			a.pick[i] = -1
		}
	}
	if !slices.Contains(fleet, true) {
		ev, err := m.evaluate(a, s.mid, false)
		if err == nil {
			cost := ev.total(s.include)
			for i := range fleet {
				cost -= s.mcost[i][0]
			}
			g.cfgs = []fleetCfg{{cost: cost - m.secretUSD(a.arch())*float64(m.providers(a))}}
		}
		s.groups[key] = g
		return g
	}
	for _, gpu := range s.gpus {
		for _, sh := range s.models {
			a.sh, a.gpu = sh, gpu
			s.stats.Sized++
			ev, err := m.evaluate(a, s.mid, false)
			if err != nil {
				msg := err.Error()
				if len(s.gpus) > 1 {
					msg = gpu + ": " + msg
				}
				if !slices.Contains(s.errs, msg) {
					s.errs = append(s.errs, msg)
				}
				continue
			}
			cost := ev.total(s.include)
			for i := range fleet {
				if !fleet[i] {
					cost -= s.mcost[i][0]
				}
			}
			cost -= m.secretUSD(a.arch()) * float64(m.providers(a))
			g.cfgs = append(g.cfgs, fleetCfg{sh: sh, gpu: gpu, cost: cost, unfit: m.unfitSized(a, ev)})
		}
	}
	sort.SliceStable(g.cfgs, func(i, j int) bool { return g.cfgs[i].cost < g.cfgs[j].cost })
	s.groups[key] = g
	return g
}

// unfitSized says why a sized fleet may not serve its workloads: a model
// below a workload's min_quality, or a TTFT above its target.
func (m *model) unfitSized(a *assignment, ev evaluation) string {
	for i, w := range m.s.Workloads {
		if !a.fleet[i] {
			continue
		}
		if r := unfitFleet(a.sh, w); r != "" {
			return r
		}
		if w.MaxTTFTMs > 0 && ev.sized && ev.fleet.TTFTMs > w.MaxTTFTMs {
			return fmt.Sprintf("latency: the fleet's TTFT %.0f ms is above %s's %g ms target", ev.fleet.TTFTMs, w.Name, w.MaxTTFTMs)
		}
	}
	return ""
}

// providers counts the API-key secrets of a's managed routes.
func (m *model) providers(a *assignment) int {
	var seen []string
	for i := range m.s.Workloads {
		if a.fleet[i] {
			continue
		}
		if p := m.choice(a, i).provider; p != modelcatalog.ProviderBedrock && !slices.Contains(seen, p) {
			seen = append(seen, p)
		}
	}
	return len(seen)
}

// secretUSD is one secret's monthly cost under arch.
func (m *model) secretUSD(arch string) float64 {
	sum := 0.0
	for _, li := range m.cat.LineItems {
		if li.Per == "secret" && slices.Contains(li.Applies, arch) {
			sum += li.MonthlyUSD
		}
	}
	return sum
}

// fleetFloor is a lower bound of the fleet part of any assignment under
// arch with a fleet: operations, the fixed line items, one instance, the
// alarms, one secret and the cheapest GPU-hours the fleet could bill.
func (s *searcher) fleetFloor(arch string) float64 {
	if v, ok := s.floor[arch]; ok {
		return v
	}
	m := s.m
	v := s.mid.opsUSD
	for _, li := range m.cat.LineItems {
		if !slices.Contains(li.Applies, arch) {
			continue
		}
		switch li.Per {
		case "", "instance", "secret":
			v += li.MonthlyUSD
		case "alarm":
			v += AlarmsPerFleet * li.MonthlyUSD
		}
	}
	own := m.gpu
	gpuHour := math.Inf(1)
	for _, g := range s.gpus {
		m.useGPU(g)
		priced, err := m.pricedInstances(s.mid.gpuPricePos)
		if err != nil {
			continue
		}
		for _, in := range priced {
			gpuHour = math.Min(gpuHour, in.GPUHourUSD)
		}
	}
	m.useGPU(own)
	if math.IsInf(gpuHour, 1) {
		gpuHour = 0
	}
	v += gpuHour * m.billedHours() * float64(max(1, m.s.SelfHosted.GPUs))
	s.floor[arch] = v
	return v
}

// fleetGapFloor is the least quality gap any fleet model gives the
// workloads of a split, when the decision includes the gap: the gap is a
// large part of a fleet's cost when its models are weaker.
func (s *searcher) fleetGapFloor(fleet []bool) float64 {
	if !s.include || len(s.models) == 0 {
		return 0
	}
	m := s.m
	monthly := s.mid.developers * s.mid.tokens
	least := math.Inf(1)
	for _, sh := range s.models {
		gap := 0.0
		for i, on := range fleet {
			w := m.s.Workloads[i]
			q, ok := sh.Quality[w.Complexity]
			if on && ok && m.cat.TokensPerTask[w.Complexity].Value > 0 {
				gap += m.workloadGap(i, q.Value, monthly, s.mid)
			}
		}
		least = math.Min(least, gap)
	}
	return least
}

// constraint restricts a stream: workload forced to the fleet (pick -1)
// or to one managed choice.
type constraint struct {
	workload int
	pick     int
}

// stream yields one option's assignments in order of expected cost.
type stream struct {
	s       *searcher
	arch    string
	relaxed bool
	// order[i] lists workload i's allowed managed choices, cheapest first.
	order [][]int
	// fixed[i] is 1 when workload i must be on the fleet, -1 when it must
	// be managed, 0 when the search decides.
	fixed []int
	queue nodeQueue
	seq   int
}

// node is a queue entry: a split not yet sized (g nil), a vector of a
// sized split at its lower bound, or an assignment at its exact cost.
type node struct {
	cents int64
	exact bool
	seq   int
	// unsized split
	fleet []bool
	// vector of a sized split
	g    *group
	cfg  int
	idx  []int
	last int
	// exact assignment
	a        *assignment
	cost     float64
	backends int
	names    string
}

// stream starts the search of option arch; c, when set, forces one
// workload. relaxed lifts the per-route rules (unfit choices and fleets),
// for an option no fit assignment can make.
func (s *searcher) stream(arch string, c *constraint, relaxed bool) *stream {
	m := s.m
	n := len(m.s.Workloads)
	st := &stream{s: s, arch: arch, relaxed: relaxed, order: make([][]int, n)}
	fixed := make([]int, n) // 1: must be on the fleet, -1: must be managed, 0: free
	for i, w := range m.s.Workloads {
		switch {
		case arch == architecture.Managed || !mayBeOnFleet(w):
			fixed[i] = -1
		case arch == architecture.SelfHosted || !mayBeManaged(w):
			fixed[i] = 1
		}
		for k := range m.choices[i] {
			if relaxed || m.choices[i][k].unfit == "" {
				st.order[i] = append(st.order[i], k)
			}
		}
		sort.SliceStable(st.order[i], func(a, b int) bool { return s.mcost[i][st.order[i][a]] < s.mcost[i][st.order[i][b]] })
	}
	if c != nil {
		if c.pick < 0 {
			if fixed[c.workload] == -1 {
				return st
			}
			fixed[c.workload] = 1
		} else {
			if fixed[c.workload] == 1 {
				return st
			}
			fixed[c.workload] = -1
			st.order[c.workload] = []int{c.pick}
		}
	}
	st.fixed = fixed
	for _, fleet := range s.splits(arch, fixed) {
		st.pushSplit(fleet)
	}
	return st
}

// splits lists the fleet sets of option arch given each workload's fixed
// side: every split of the free workloads up to MaxExactWorkloads, the
// heuristic's prefixes above.
func (s *searcher) splits(arch string, fixed []int) [][]bool {
	var free []int
	base := make([]bool, len(fixed))
	for i, f := range fixed {
		switch f {
		case 1:
			base[i] = true
		case 0:
			free = append(free, i)
		}
	}
	var out [][]bool
	add := func(fleet []bool) {
		on := slices.Contains(fleet, true)
		off := slices.Contains(fleet, false)
		if (arch == architecture.Hybrid && on && off) || (arch == architecture.Managed && !on) || (arch == architecture.SelfHosted && !off) {
			out = append(out, fleet)
		}
	}
	if len(free) <= MaxExactWorkloads {
		for mask := 0; mask < 1<<len(free); mask++ {
			fleet := slices.Clone(base)
			for j, i := range free {
				fleet[i] = mask&(1<<j) != 0
			}
			add(fleet)
		}
		return out
	}
	s.stats.Exact = false
	// The costliest workloads on managed APIs first.
	sort.SliceStable(free, func(a, b int) bool { return s.cheapest(free[a]) > s.cheapest(free[b]) })
	fleet := slices.Clone(base)
	add(slices.Clone(fleet))
	for _, i := range free {
		fleet[i] = true
		add(slices.Clone(fleet))
	}
	return out
}

// cheapest is workload i's cheapest managed part.
func (s *searcher) cheapest(i int) float64 {
	return slices.Min(s.mcost[i])
}

// managedBound is the managed part of a split at each workload's cheapest
// allowed choice; ok is false when some workload off the fleet has none.
func (st *stream) managedBound(fleet []bool) (float64, bool) {
	sum := 0.0
	for i, on := range fleet {
		if on {
			continue
		}
		if len(st.order[i]) == 0 {
			return 0, false
		}
		sum += st.s.mcost[i][st.order[i][0]]
	}
	return sum, true
}

func (st *stream) pushSplit(fleet []bool) {
	b, ok := st.managedBound(fleet)
	if !ok {
		return
	}
	if slices.Contains(fleet, true) {
		b += st.s.fleetFloor(st.arch) + st.s.fleetGapFloor(fleet)
	}
	st.push(&node{cents: floorCents(b), fleet: fleet})
	st.s.stats.Pruned++
}

func (st *stream) push(n *node) {
	st.seq++
	n.seq = st.seq
	heap.Push(&st.queue, n)
}

// next returns the next cheapest assignment and its expected cost; ok is
// false when none is left.
func (st *stream) next() (a *assignment, cost float64, ok bool) {
	for st.queue.Len() > 0 {
		n := heap.Pop(&st.queue).(*node)
		switch {
		case n.exact:
			return n.a, n.cost, true
		case n.g == nil:
			st.s.stats.Pruned--
			st.expandSplit(n.fleet)
		default:
			st.expandVector(n)
		}
	}
	return nil, 0, false
}

// expandSplit sizes a split and queues its cheapest vector.
func (st *stream) expandSplit(fleet []bool) {
	g := st.s.group(fleet)
	cfgs := st.cfgs(g)
	if len(cfgs) == 0 {
		return
	}
	idx := make([]int, len(fleet))
	st.pushVector(g, cfgs[0], idx, 0)
}

// cfgs lists a split's fleets the stream may use, as indices in g.cfgs.
func (st *stream) cfgs(g *group) []int {
	var out []int
	for k, c := range g.cfgs {
		if st.relaxed || c.unfit == "" {
			out = append(out, k)
		}
	}
	return out
}

// pushVector queues one (fleet, choices) vector at its lower bound.
func (st *stream) pushVector(g *group, cfg int, idx []int, last int) {
	b := g.cfgs[cfg].cost
	for i, on := range g.fleet {
		if !on {
			b += st.s.mcost[i][st.order[i][idx[i]]]
		}
	}
	st.push(&node{cents: floorCents(b), g: g, cfg: cfg, idx: idx, last: last})
}

// expandVector prices a vector exactly, queues it at that cost, and
// queues its successors.
func (st *stream) expandVector(n *node) {
	m, g := st.s.m, n.g
	a := &assignment{fleet: g.fleet, pick: make([]int, len(g.fleet))}
	for i, on := range g.fleet {
		if on {
			a.pick[i] = -1
		} else {
			a.pick[i] = st.order[i][n.idx[i]]
		}
	}
	a.sh, a.gpu = g.cfgs[n.cfg].sh, g.cfgs[n.cfg].gpu
	st.s.stats.Evaluated++
	if ev, err := m.evaluate(a, st.s.mid, false); err == nil {
		cost := ev.total(st.s.include)
		st.push(&node{cents: int64(math.Round(cost * 100)), exact: true, a: a.clone(), cost: cost, backends: m.backends(a), names: m.names(a)})
	}
	// Successors: dimension 0 is the fleet (the next of the split's
	// allowed fleets), dimension 1+i workload i's choice.
	cfgs := st.cfgs(g)
	if n.last == 0 {
		if k := slices.Index(cfgs, n.cfg); k+1 < len(cfgs) {
			st.pushVector(g, cfgs[k+1], n.idx, 0)
		}
	}
	for i, on := range g.fleet {
		if on || i+1 < n.last || n.idx[i]+1 >= len(st.order[i]) {
			continue
		}
		idx := slices.Clone(n.idx)
		idx[i]++
		st.pushVector(g, n.cfg, idx, i+1)
	}
}

// backends counts the distinct backends of a: the fleet and each managed
// model.
func (m *model) backends(a *assignment) int {
	var seen []string
	for i := range m.s.Workloads {
		b := architecture.SelfHosted
		if !a.fleet[i] {
			b = m.choice(a, i).model.ID
		}
		if !slices.Contains(seen, b) {
			seen = append(seen, b)
		}
	}
	return len(seen)
}

// names lists a's backends in workload order, for ties.
func (m *model) names(a *assignment) string {
	parts := make([]string, len(m.s.Workloads))
	for i := range m.s.Workloads {
		parts[i] = architecture.SelfHosted
		if !a.fleet[i] {
			parts[i] = m.choice(a, i).model.ID
		}
	}
	return strings.Join(parts, "\x00")
}

// short lists what serves each workload under a.
func (m *model) short(a *assignment) []RouteShort {
	out := make([]RouteShort, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		out[i] = RouteShort{Workload: w.Name, ServedBy: architecture.SelfHosted}
		if a.fleet[i] {
			out[i].Model = a.sh.ID
		} else {
			out[i].ServedBy, out[i].Model = architecture.Managed, m.choice(a, i).model.ID
		}
	}
	return out
}

// floorCents is a lower bound in whole cents, a hair below so that float
// noise never lifts a bound above the exact cost it bounds.
func floorCents(v float64) int64 { return int64(math.Floor(v*100 - 1e-6)) }

// nodeQueue orders nodes by cents; at equal cents a bound before an exact
// cost (something behind it may tie), then fewer backends, then names,
// then arrival.
type nodeQueue []*node

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if a.cents != b.cents {
		return a.cents < b.cents
	}
	if a.exact != b.exact {
		return !a.exact
	}
	if a.exact {
		if a.backends != b.backends {
			return a.backends < b.backends
		}
		if a.names != b.names {
			return a.names < b.names
		}
	}
	return a.seq < b.seq
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// explain fills the search's statistics and explanations once the options
// are found: the runner-ups, what the rejected assignments cost over the
// cheapest allowed one, and why each other backend does not serve each
// workload. Its own streams do not count in the statistics.
func (m *model) explain(s *searcher, opts []Option) {
	best := &opts[0]
	for i := range opts {
		o := &opts[i]
		if o.denied != best.denied {
			if !o.denied {
				best = o
			}
			continue
		}
		if o.Total.Expected < best.Total.Expected {
			best = o
		}
	}
	stats := *s.stats
	defer func() { *s.stats = stats }()
	bestCost := best.Total.Expected
	stats.Assignments = 1
	for i, w := range m.s.Workloads {
		n := 0
		if mayBeOnFleet(w) {
			n++
		}
		if mayBeManaged(w) {
			n += len(m.choices[i])
		}
		stats.Assignments *= float64(n)
	}
	for i := range stats.Rejected {
		stats.Rejected[i].MoreUSD = stats.Rejected[i].MonthlyUSD - bestCost
	}
	if !stats.Exact {
		if o := optionOf(opts, architecture.Hybrid); o != nil {
			lb := s.fleetFloor(architecture.Hybrid)
			for i, w := range m.s.Workloads {
				if !mayBeOnFleet(w) {
					lb += s.cheapest(i)
				}
			}
			gap := math.Max(0, o.Total.Expected-lb)
			stats.GapBoundUSD = &gap
		}
	}
	stats.RunnerUps = m.runnerUps(s, best, bestCost)
	stats.Alternatives = m.alternatives(s, best, bestCost)
}

// runnerUps are the three cheapest fit assignments after best, over every
// option, ungated.
func (m *model) runnerUps(s *searcher, best *Option, bestCost float64) []Candidate {
	var streams []*stream
	for _, arch := range m.classes() {
		streams = append(streams, s.stream(arch, nil, false))
	}
	type head struct {
		a    *assignment
		cost float64
		ok   bool
	}
	heads := make([]head, len(streams))
	for i, st := range streams {
		heads[i].a, heads[i].cost, heads[i].ok = st.next()
	}
	out := []Candidate{}
	for len(out) < 3 {
		k := -1
		for i, h := range heads {
			if h.ok && (k < 0 || h.cost < heads[k].cost) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		a, cost := heads[k].a, heads[k].cost
		heads[k].a, heads[k].cost, heads[k].ok = streams[k].next()
		if same(a, best.assign) {
			continue
		}
		out = append(out, Candidate{Option: a.arch(), Routes: m.short(a), MonthlyUSD: cost, MoreUSD: cost - bestCost})
	}
	return out
}

// same says whether two assignments route and size alike.
func same(a, b *assignment) bool {
	return slices.Equal(a.fleet, b.fleet) && slices.Equal(a.pick, b.pick) && a.sh == b.sh && a.gpu == b.gpu
}

// alternatives says, for each workload, why each backend that does not
// serve it under best does not: the rule it breaks, or what the cheapest
// fit assignment putting it there costs more.
func (m *model) alternatives(s *searcher, best *Option, bestCost float64) []Alternative {
	out := []Alternative{}
	cheapestWith := func(c constraint) (float64, bool) {
		min, found := 0.0, false
		for _, arch := range m.classes() {
			if _, cost, ok := s.stream(arch, &c, false).next(); ok && (!found || cost < min) {
				min, found = cost, true
			}
		}
		return min, found
	}
	for i, w := range m.s.Workloads {
		chosen := best.assign
		if !chosen.fleet[i] {
			alt := Alternative{Workload: w.Name, ServedBy: architecture.SelfHosted}
			switch {
			case !mayBeOnFleet(w):
				alt.Reason = "route = \"managed\""
			default:
				if cost, ok := cheapestWith(constraint{workload: i, pick: -1}); ok {
					more := cost - bestCost
					alt.MoreUSD = &more
				} else {
					alt.Reason = "no fleet can serve it within its TTFT target and min_quality"
				}
			}
			out = append(out, alt)
		}
		for k := range m.choices[i] {
			c := &m.choices[i][k]
			if !chosen.fleet[i] && chosen.pick[i] == k {
				continue
			}
			alt := Alternative{Workload: w.Name, ServedBy: architecture.Managed, Model: c.model.ID}
			switch {
			case !mayBeManaged(w):
				alt.Reason = "route = \"self_hosted\""
			case c.unfit != "":
				alt.Reason = c.unfit
			default:
				if cost, ok := cheapestWith(constraint{workload: i, pick: k}); ok {
					more := cost - bestCost
					alt.MoreUSD = &more
				} else {
					alt.Reason = "no fit assignment routes it there"
				}
			}
			out = append(out, alt)
		}
	}
	return out
}
