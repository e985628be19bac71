package inference

// The sizer's search: every tensor-parallel size × instance type × number
// of instances, for the least billed cost that carries the peak at the
// target utilization and meets every workload's TTFT target.

import (
	"cmp"
	"math"
	"slices"

	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
)

// option is one fleet the sizer considers: a tensor-parallel size packed
// on an instance type, with a number of instances.
type option struct {
	tp   int
	inst PricedInstance
	rpi  int // replicas an instance
	// unit is the GPUs the performance model predicts as one deployment:
	// a replica, or for a mixture of experts with several ranks an
	// instance's expert-parallel group; units is how many an instance runs.
	unit, units int
	kvGB        float64
	maxSeqs     int
	room        float64 // the prefix cache's room factor (prefixHit)
	n           int     // instances
	capN        int     // instances the load needs at the target utilization
	hit         float64
	sat         *answer // the unit's saturated prediction at hit (remembered: read only)
	// atShare is the unit's saturated prediction at the spec's cached
	// share (place's, roomAt's), nil until placed.
	atShare *answer
	capIn   float64 // an instance's capacity, calibrated
	capOut  float64
	u       float64
	routes  []RouteTTFT
	meets   bool
	over    bool
	first   float64 // the slowest route's exact p95 TTFT (firstToken), 0 until asked
	cost    float64 // what AWS bills (Request.cost)
	done    bool    // its targets are checked (Request.check)
	// placed is the cost and utilization as placed, before check: the
	// order pick walks the options in.
	placed struct{ cost, u float64 }
	// passed is, on a fixed fleet's chosen layout, the cheaper layout of
	// the same GPUs passed over because it carries not the peak or misses
	// a TTFT target (fleetOf says so); nil otherwise.
	passed *option
}

// search sizes every tensor-parallel size that holds the weights and one
// full context on every instance type that holds it for the load, then
// checks the TTFT targets in order of cost, cheapest first, until no
// option left can beat the best that meets them (adding instances for
// latency only adds cost). why says why the performance model could not
// predict an option, when none was found.
//
// A sized fleet's layouts are placed lazily (bounded); a fixed fleet's
// few are all placed.
func (r *Request) search(e *sizingEnv) (best option, why string, found bool) {
	if r.FixedGPUs > 0 || eagerSearch {
		opts, why := r.placements(e)
		ptrs := make([]*option, len(opts))
		for i := range opts {
			ptrs[i] = &opts[i]
		}
		best, found = r.pick(ptrs, e)
		return best, why, found
	}
	return r.bounded(e)
}

// placements places every layout (layouts) for the load (place); why
// says why the performance model could not predict one.
func (r *Request) placements(e *sizingEnv) (opts []option, why string) {
	for _, l := range r.layouts(e) {
		o, reason := r.placeLayout(l, e)
		if reason != "" {
			why = reason
		}
		if o != nil {
			opts = append(opts, *o)
		}
	}
	return opts, why
}

// eagerSearch places every layout of a sized fleet before picking, as a
// fixed fleet's are: the reference bounded is tested against.
var eagerSearch = false

// pick checks opts' TTFT targets in order of cost, cheapest first, until
// no option left can beat the best that meets them, and returns the
// best. An option's targets are checked once (done), whichever pick
// reaches it first.
func (r *Request) pick(opts []*option, e *sizingEnv) (option, bool) {
	fixed := r.FixedGPUs > 0
	// Sorted as placed: check moves an option's count, and a layout
	// checked once keeps its place.
	slices.SortStableFunc(opts, func(a, b *option) int {
		switch {
		case a.over != b.over:
			return cmpBool(a.over, b.over)
		case math.Abs(a.placed.cost-b.placed.cost) > 1e-9:
			return cmp.Compare(a.placed.cost, b.placed.cost)
		}
		return cmp.Compare(a.placed.u, b.placed.u)
	})
	if fixed {
		opts = sameHardware(opts)
	}
	var best *option
	for _, o := range opts {
		// Sorted by the cap, then cost: past a best that is within the
		// cap, carries the peak and meets every target, nothing is better.
		if best != nil && best.settled() && (o.over && !best.over || o.placed.cost > best.cost+1e-9) ||
			r.Budget > 0 && o.placed.cost >= r.Budget {
			break
		}
		if !o.done {
			r.check(o, e)
		}
		// Billed alike and alike before the bill (better), the first
		// token tells them apart: asked only then.
		if best != nil && math.Abs(o.cost-best.cost) <= 1e-9 && o.over == best.over && (o.u < 1) == (best.u < 1) && o.meets == best.meets &&
			o.within(e.target) == best.within(e.target) {
			r.firstToken(o, e)
			r.firstToken(best, e)
		}
		if best == nil || o.better(*best, e.target) {
			best = o
		}
	}
	if best == nil {
		return option{}, false
	}
	out := *best
	if c := opts[0]; fixed && c != best && !c.over && c.done && c.cost < best.cost-1e-9 && (c.u >= 1 || !c.meets) {
		out.passed = c
	}
	return out, true
}

// check judges o's TTFT targets, adding instances where a sized fleet
// misses one. A fixed fleet's few layouts are judged at their own
// utilizations, as the plan reports the one chosen; a sized fleet's many
// counts at the load rounded up to the per cent.
func (r *Request) check(o *option, e *sizingEnv) {
	fixed := r.FixedGPUs > 0
	if fixed || o.over {
		o.routes, o.meets = r.latency(o, e, fixed)
		o.done = true
		return
	}
	// The targets are judged alone (meetsAt: latency's verdict) until
	// the count settles; the routes are then the count's, asked as
	// latency asks them.
	if !r.meetsAt(o, e) {
		n := o.n
		r.meetTTFT(o, r.affordable(*o, e), e)
		r.tighten(o, n, e)
		o.cost = r.cost(*o, e)
	}
	o.routes, o.meets = r.latency(o, e, false)
	o.done = true
}

// settled says whether o is within the cap, carries the peak and meets
// every target: no option billed more can be better (pick).
func (o option) settled() bool { return !o.over && o.meets && o.u < 1 }

// layout is a tensor-parallel size on an instance type that may hold the
// weights and one full context, before it is placed.
type candidate struct {
	tp    int
	in    PricedInstance
	ctxGB float64 // the cache one full context needs (holdsContext)
	// floor is what the fewest instances that could carry the load, n
	// (Request.floor), are billed: no placing of the layout is billed less.
	floor float64
	n     int
}

// layouts lists, in the order placed, every tensor-parallel size that
// holds the weights and one full context on every instance type that
// holds it, but those billed at the Budget.
func (r *Request) layouts(e *sizingEnv) []candidate {
	var out []candidate
	for _, tp := range modelcatalog.TensorParallelSizes {
		if tp > e.limit {
			break
		}
		if r.FixedTP > 0 && tp != r.FixedTP {
			continue
		}
		// A replica holds the weights and one full context, in the
		// performance model's own layout of a GPU (perf.RoomGB: vLLM's
		// share of the memory CUDA reports, less the weights and its
		// start-up profile), the one the plan's cache and --max-num-seqs
		// come from. A mixture of experts run as one expert-parallel group
		// over an instance holds its share of the experts on each rank:
		// whether one full context fits is then the performance model's
		// cache, not the whole checkpoint on every rank (gpt-oss-120b at
		// TP 1 on four L40S).
		ctxGB, whole := r.holdsContext(tp, e.maxCtx)
		if !whole && r.Model.Experts == 0 {
			continue
		}
		for _, in := range r.Instances {
			if in.GPUs < tp || !whole && in.GPUs/tp < 2 {
				continue
			}
			// An expert-parallel group spans its instance: a fixed fleet's
			// only within the GPUs it may span (one L4 fixed for a 61 GB
			// model ran as a g6.48xlarge's eight ranks, eight L4s billed
			// and its prompts queued for minutes, where a fixed fleet too
			// small for one replica is refused).
			if !whole && r.FixedGPUs > 0 && in.GPUs > e.limit {
				continue
			}
			n := r.floor(tp, in, e)
			c := candidate{tp: tp, in: in, ctxGB: ctxGB, n: n, floor: r.cost(option{inst: in, n: n}, e)}
			if r.Budget > 0 && c.floor >= r.Budget {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// placeLayout places c for the load (place); nil, with the performance
// model's reason when it could not predict it, or where vLLM would not
// start.
func (r *Request) placeLayout(c candidate, e *sizingEnv) (*option, string) {
	o, reason := r.place(c.tp, c.in, e)
	if reason != "" {
		return nil, reason
	}
	// vLLM refuses to start where its cache, once the sampler's rows for
	// --max-num-seqs are placed, holds no sequence of --max-model-len.
	if o.kvGB < c.ctxGB {
		return nil, ""
	}
	o.placed.cost, o.placed.u = o.cost, o.u
	return &o, ""
}

// holdsContext is the cache (GB) a replica of tp GPUs needs for one
// sequence of ctx tokens as vLLM's start-up check counts it
// (perf.ContextGB: a windowed layer holds its window, not ctx), and
// whether the replica holds the whole checkpoint and that sequence: its
// GPUs' room beside the weights and vLLM's reserve (perf.RoomGB, the
// memory model the plan's cache is taken from). Counted at full
// attention in every layer, gpt-oss-120b at 100,000 tokens asked 7.4 GB
// where vLLM asks 4.0, and left the one H100 that holds it for eight.
func (r *Request) holdsContext(tp, ctx int) (float64, bool) {
	if r.Memo != nil {
		return r.Memo.holds(r, tp, ctx)
	}
	return r.holdsContextOf(tp, ctx)
}

// holdsContextOf is holdsContext, asked of the performance model.
func (r *Request) holdsContextOf(tp, ctx int) (float64, bool) {
	c := perf.Config{Model: r.Model, GPU: r.GPU, Engine: "vllm", Precision: r.Model.WeightsDType,
		TP: tp, GPUs: tp, InputTokens: max(ctx-1, 1), OutputTokens: 1, MemoryFraction: GPUMemoryUtilization}
	need, why := perf.ContextGB(c, ctx)
	if why != "" {
		return float64(ctx) * r.kvPerToken(tp), false
	}
	room, row, why := perf.RoomGB(c)
	return need, why == "" && float64(tp)*(room-row) >= need
}

// floor is the fewest instances of type in at tensor-parallel size tp
// that could carry the load at the target utilization: each at its
// capacity with the whole cached share served from the prefix cache
// (settle's hit rate is never above it, and a higher hit rate never
// serves less), and never fewer than fewest. A fleet the search sizes
// there has at least as many (meetTTFT only adds instances).
func (r *Request) floor(tp int, in PricedInstance, e *sizingEnv) int {
	n := r.fewest(tp, in.GPUs/tp, e)
	if r.FixedGPUs > 0 {
		return n
	}
	o := r.layout(tp, in)
	sat := r.ask(tp, o.unit, e.shape, r.CachedInputShare, -1)
	if !sat.ok || sat.outTokS <= 0 || sat.inTokS <= 0 {
		return n // place says why
	}
	k := e.cal.factor * float64(o.units) * e.target
	need := math.Max(r.PeakOutputTokS/(k*sat.outTokS), r.PeakInputTokS/(k*sat.inTokS))
	return max(n, count(math.Ceil(need-1e-9), overLimit))
}

// sameHardware keeps, of a fixed fleet's layouts, those billed no more
// GPUs than the fewest some tensor-parallel size of the spec's GPUs needs
// (within the instance cap where one is): the spec fixes the GPUs, and a
// layout that runs them on more (one H100 as a p5.48xlarge's eight) is
// another fleet, not another layout of this one; but a tensor-parallel
// group of them that only a bigger instance holds runs there, AWS bills
// the whole instance, and its spare GPUs serve as replicas (four H100s at
// TP 4 are a p5.48xlarge), and any layout of that instance's GPUs is a
// layout of the same bill (TP 1 on the p5.48xlarge's eight). Kept to the
// fewest GPUs of all, four H100s ran as four one-GPU instances at TP 1,
// several times over their capacity, wherever those held the model, and
// on the p5.48xlarge only where they held it not: a hybrid served one
// workload on the eight GPUs and denied serving another there.
func sameHardware(opts []*option) []*option {
	billed := func(o *option) int { return o.n * o.inst.GPUs }
	fewest := map[int]int{}
	for _, capped := range []bool{true, false} {
		for _, o := range opts {
			if capped && o.over {
				continue
			}
			if g, ok := fewest[o.tp]; !ok || billed(o) < g {
				fewest[o.tp] = billed(o)
			}
		}
		if len(fewest) > 0 || len(opts) == 0 {
			break // else every layout is over the cap: the fewest of all
		}
	}
	most := 0
	for _, g := range fewest {
		most = max(most, g)
	}
	return slices.DeleteFunc(opts, func(o *option) bool { return billed(o) > most })
}

func cmpBool(a, b bool) int {
	if a == b {
		return 0
	}
	if a {
		return 1
	}
	return -1
}

// better orders options: within the GPU cap first; then carrying the
// peak (below capacity: a fleet sized for the load always is; a fixed
// fleet's layouts of the same GPUs need not be); then meeting every TTFT
// target; then the least cost; then within the target utilization (the
// headroom a sized fleet keeps: 24 A100s fixed ran at TP 8 at 71 %, a
// capacity.peak warning, where TP 4 on the same GPUs runs at 56 % and
// meets every target); then the first token soonest (the slowest
// route's p95, more than 1 % apart: at the same bill a workload without a
// target still waits for it, and 32 replicas at TP 1 can queue a long
// prompt for minutes where 8 at TP 4 of the same GPUs answer in seconds);
// then the most headroom (the lowest utilization), then the smaller
// tensor-parallel size (the order tried). Cost came before capacity and
// the targets for a fixed fleet, and 56 A10Gs the spec fixed ran as 14
// four-GPU instances at 131 % of their capacity where 7 eight-GPU ones,
// dearer a GPU-hour, carried the peak at 68 % (search compares a fixed
// fleet's layouts of the same hardware: sameHardware).
func (a option) better(b option, target float64) bool {
	if a.over != b.over {
		return !a.over
	}
	ca, cb := a.u < 1, b.u < 1
	if ca != cb {
		return ca
	}
	if !ca && math.Abs(a.u-b.u) > 1e-9 {
		// Neither carries the peak (a fixed fleet's layouts): the one
		// nearest to it, whatever it costs, so that the fleet a denied
		// option keeps does not get cheaper as its load grows past what
		// its dearer layout carried (8 H100s at 98 %, then 4 at 388 %).
		return a.u < b.u
	}
	if a.meets != b.meets {
		return a.meets
	}
	if math.Abs(a.cost-b.cost) > 1e-9 {
		return a.cost < b.cost
	}
	if wa, wb := a.within(target), b.within(target); wa != wb {
		return wa
	}
	if ta, tb := a.first, b.first; ta < tb/1.01 || tb < ta/1.01 {
		return ta < tb
	}
	return a.u < b.u-1e-12
}

// within: o runs at its peak within the target utilization (a sized
// fleet always does; a fixed fleet's layout need not).
func (o option) within(target float64) bool { return o.u <= target+1e-9 }

// firstToken sets o.first, the p95 time to first token of o's slowest
// route at o's own utilization, the figure the plan reports for the
// fleet chosen (latency, exact). The TTFT is a step in the running batch,
// and the search's per cent of rounding can cross one: eight H200s at
// TP 4 and 2.1 % answered in 177 ms asked at 3 %, 160 ms at their own
// load, and TP 8 was kept at 162 ms (and less capacity) where eight
// H100s at TP 4 answered in 160.5.
func (r *Request) firstToken(o *option, e *sizingEnv) {
	if o.first > 0 {
		return
	}
	routes := o.routes
	if r.FixedGPUs == 0 {
		routes, _ = r.latency(o, e, true)
	}
	o.first = slowestTTFT(routes)
}

// slowestTTFT is the longest p95 time to first token of routes; +Inf
// when one has none (at or above capacity).
func slowestTTFT(routes []RouteTTFT) float64 {
	worst := 0.0
	for _, r := range routes {
		if r.TTFTMs <= 0 {
			return math.Inf(1)
		}
		worst = max(worst, r.TTFTMs)
	}
	return worst
}

// layout is tensor-parallel size tp on instance type in, before any count:
// its replicas an instance and the unit the performance model predicts.
func (r *Request) layout(tp int, in PricedInstance) option {
	o := option{tp: tp, inst: in, rpi: in.GPUs / tp, unit: tp}
	o.units = o.rpi
	if r.Model.Experts > 0 && o.rpi > 1 {
		// vLLM runs a mixture of experts' data-parallel ranks on an
		// instance as one expert-parallel group (--enable-expert-parallel):
		// the performance model predicts the group.
		o.unit, o.units = tp*o.rpi, 1
	}
	return o
}

// place sizes tensor-parallel size tp on instance type in for the load:
// a fixed fleet's instances, or the fewest that carry the peak at the
// target utilization. The TTFT targets are search's.
func (r *Request) place(tp int, in PricedInstance, e *sizingEnv) (option, string) {
	o := r.layout(tp, in)
	sat := r.ask(tp, o.unit, e.shape, r.CachedInputShare, -1)
	if !sat.ok {
		return o, sat.reason
	}
	o.atShare = sat
	// The cache and the batch are the performance model's, which lays the
	// memory out as vLLM does: an expert-parallel rank holds its share of
	// the experts, a sliding-window layer keeps its window. Taken from
	// the whole checkpoint on every rank, gpt-oss-120b on eight H100s was
	// launched with --max-num-seqs 9 a rank where its capacity assumed
	// 171, and the deployed fleet ran at 239 % of it.
	if why := r.launch(&o, sat, e); why != "" {
		return o, why
	}
	// The prefix cache's room is taken at the target's batch while the
	// count settles, then at the fleet's own (ownRoom).
	o.room = r.roomAt(o, e.target, e)
	o.n = r.fewest(tp, o.rpi, e)
	minN, maxN := o.n, r.instanceCap(in)
	// A fixed fleet, or minimum replicas, past the cap is over it whatever
	// the load: a capacity block of 600 minimum replicas was 75 ×
	// p5.48xlarge within the sizer, against a cap of 64.
	if o.n > maxN {
		o.over = true
	}
	// Each pass needs at least as many instances as the last (more
	// replicas keep fewer of a session's prefixes), so the count settles
	// from below on the fewest that carry the load.
	for pass := 0; ; pass++ {
		if why := r.settle(&o, e); why != "" {
			return o, why
		}
		need := max(minN, count(math.Ceil(o.u*float64(o.n)/e.target-1e-9), overLimit))
		if r.FixedGPUs > 0 || need <= o.n || pass == 32 {
			break
		}
		if need > maxN {
			// One past the cap, or the minimum replicas where they start
			// above it: a fleet never stands below its minimum.
			o.n, o.over = max(maxN+1, minN), true
			if why := r.settle(&o, e); why != "" {
				return o, why
			}
			break
		}
		if r.hitAt(need, &o) == o.hit {
			// The same hit rate, the same capacity an instance: the
			// load spreads over more instances, nothing else moves.
			o.u *= float64(o.n) / float64(need)
			o.n = need
			break
		}
		o.n = need
	}
	if why := r.ownRoom(&o, e); why != "" {
		return o, why
	}
	o.capN = o.n
	o.cost = r.cost(o, e)
	return o, ""
}

// roomAt is the prefix cache's room of o's replicas at utilization u:
// taken at the batch a replica keeps running there, the fewest sequences
// whose completions meet the arrivals (Little's law), as the performance
// model finds them, and never more than u × its saturated batch (both at
// the spec's cached share). Taken at the target × the saturated batch, a
// part whose engine admits more sequences (1,024 on an H100, 256 on an
// A100) was given less room for the same load on the same cache, and
// eight H100s were predicted three times slower than eight A100s.
func (r *Request) roomAt(o option, u float64, e *sizingEnv) float64 {
	sat := o.atShare
	if sat == nil {
		sat = r.ask(o.tp, o.unit, e.shape, r.CachedInputShare, -1)
	}
	running := float64(sat.running)
	if r.CachedInputShare > 0 { // no cached share, no room to take
		if a := r.ask(o.tp, o.unit, e.shape, r.CachedInputShare, u); a.ok && a.running > 0 {
			running = math.Min(u*running, float64(a.running))
		}
	}
	return r.room(o, running*float64(o.tp)/float64(o.unit), e)
}

// ownRoom takes the prefix cache's room of a fleet at the batch it runs at
// its own utilization, not at the target's, and settles it again, until
// the room holds. Above its target (a fixed fleet), taken at the
// target's batch, a fixed fleet at 90 % kept the room of 70 %, its hit rate
// and capacity with it, and an allowed fleet ran at 124 % of its capacity;
// below it, a fleet was judged on the room of a load it does not run, and
// raising the target made a plan dearer (gpt-oss-120b for 2,947
// developers: one instance at 55 % met a 244 ms target at a 78 % target,
// two were sized at 80 %, their room taken at 80 %'s batch). Each pass
// moves the room one way (less room, a higher utilization, less room
// again; or more, lower, more) and its steps are whole per cents of hit
// rate, so the loop ends; stopped after 8 passes, it had left fleets whose
// room was still falling allowed under a TTFT target they missed. A fleet
// that carries the load at the target with the target's room carries it
// with its own, and one that does not, does not with its own either: the
// count stays the fewest that carries it.
func (r *Request) ownRoom(o *option, e *sizingEnv) string {
	for range 1000 {
		if o.u == e.target || o.u >= 1 || o.room <= 0 && o.u > e.target {
			return ""
		}
		room := r.roomAt(*o, o.u, e)
		if o.u > e.target && room >= o.room-1e-9 || o.u < e.target && room <= o.room+1e-9 {
			return ""
		}
		o.room = room
		if why := r.settle(o, e); why != "" {
			return why
		}
	}
	return ""
}

// launch sets o's --max-num-seqs to the batch an engine runs in a (its
// saturated answer) and o's KV cache to what vLLM leaves a replica
// launched with it: its start-up profile runs the sampler over that many
// rows, so the cache the plan prices is the one VLLMArgs provision.
func (r *Request) launch(o *option, a *answer, e *sizingEnv) string {
	seqs := o.engineSeqs(a)
	if seqs == o.maxSeqs && o.kvGB > 0 {
		return ""
	}
	l := r.launched(o.tp, o.unit, e.shape, seqs)
	if !l.ok {
		return l.reason
	}
	o.kvGB, o.maxSeqs = l.kvGBPerGPU*float64(o.tp), seqs
	return ""
}

// engineSeqs is vLLM's --max-num-seqs for o: the batch one engine (a
// data-parallel rank, or the replica) runs in a, the performance model's
// saturated answer, whose capacity o is sized at. The cache holds at
// least that many of the mean request to its last token, and a larger
// batch would serve less.
func (o *option) engineSeqs(a *answer) int {
	return max(1, min(a.running*o.tp/o.unit, MaxNumSeqs))
}

// fewest is the instances a fleet at tensor-parallel size tp with rpi
// replicas an instance starts from: a fixed fleet's, or the fewest that
// hold the minimum replicas.
func (r *Request) fewest(tp, rpi int, e *sizingEnv) int {
	if r.FixedGPUs > 0 {
		// The replicas that hold every GPU the spec fixes, rounded up, as
		// AWS bills whole instances: rounded down, 6 L40S at TP 4 were
		// one 4-GPU instance at 136 % of its capacity, while 6 at TP 1
		// carried the load at 62 %.
		return ceilDiv(ceilDiv(r.FixedGPUs, tp), rpi)
	}
	return ceilDiv(e.minReplicas, rpi)
}

// affordable is the most instances o may grow to for its TTFT targets:
// the cap's, or fewer where the request's Budget bills more (the bill
// grows with the instances).
func (r *Request) affordable(o option, e *sizingEnv) int {
	hi := r.instanceCap(o.inst)
	if r.Budget <= 0 {
		return hi
	}
	lo := o.n // billed under the budget (search's loop)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		o.n = mid
		if r.cost(o, e) < r.Budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// cost is what AWS bills for o a month (Request.Bill), or its peak's
// hourly GPU price when the request has no bill.
func (r *Request) cost(o option, e *sizingEnv) float64 {
	if r.Bill == nil {
		return float64(o.n*o.inst.GPUs) * o.inst.GPUHourUSD
	}
	return r.Bill(Packing{Instance: o.inst, Instances: o.n})
}

// meetTTFT adds instances to o, which misses a TTFT target, until every
// target is met: a lower utilization queues less. When no count up to
// maxN meets them, o stays sized for the load (and misses its targets).
// TTFT falls as instances are added only while the prefix cache's hit
// rate holds: more replicas keep fewer of a session's prefixes, so where
// the hit rate drops TTFT can rise. The counts are searched a hit rate at
// a time (it never rises with the count), fewest instances first: the
// first run of counts whose largest meets the targets holds the fewest
// that do, found by bisection within it.
func (r *Request) meetTTFT(o *option, maxN int, e *sizingEnv) {
	// Every probe settles from o: what settle sets but the utilization
	// follows from the hit rate (settledAt), the same for a run's counts.
	var last settledAt
	probe := func(n int) (option, bool) {
		try := *o
		try.n = n
		if !last.settle(r, &try, e) {
			return try, false
		}
		try.meets = r.meetsAt(&try, e)
		return try, try.meets
	}
	for lo := o.n; lo < maxN; {
		// The last count with the hit rate of lo + 1.
		h, end := r.hitAt(lo+1, o), maxN
		for a := lo + 1; a < end; {
			mid := (a + end + 1) / 2
			if r.hitAt(mid, o) == h {
				a = mid
			} else {
				end = mid - 1
			}
		}
		hi, ok := probe(end)
		if !ok {
			lo = end
			continue
		}
		for hi.n-lo > 1 {
			try, ok := probe((lo + hi.n) / 2)
			if ok {
				hi = try
			} else {
				lo = try.n
			}
		}
		*o = hi
		return
	}
}

// tighten takes o, which meetTTFT grew from lo instances (lo misses a
// target) to the fewest that meet every target with lo's prefix-cache
// room, to the fewest that meet them with the room each count's own load
// leaves (ownRoom), by bisection between the two: a count's own room is
// never less than lo's (its load is lower), so o's count still meets
// them. Kept at lo's room, a fleet sized at a 100 % target (its room that
// of a saturated batch) was grown from 4 instances to 7 where 5, at their
// own 84 %, meet every target, as they do at a 98 % target. The room
// moves with the count, so the hit rate need not fall as instances are
// added and the bisection may stop above the fewest; it never stops
// above meetTTFT's count.
func (r *Request) tighten(o *option, lo int, e *sizingEnv) {
	if !o.meets {
		return
	}
	base := o.room
	probe := func(n int) (option, bool) {
		try := *o
		try.n, try.room = n, base
		if r.settle(&try, e) != "" || r.ownRoom(&try, e) != "" {
			return try, false
		}
		try.meets = r.meetsAt(&try, e)
		return try, try.meets
	}
	best, ok := probe(o.n)
	if !ok {
		return
	}
	for best.n-lo > 1 {
		try, ok := probe((lo + best.n) / 2)
		if ok {
			best = try
		} else {
			lo = try.n
		}
	}
	*o = best
}

// settle predicts o at its instance count: the prefix cache's hit rate,
// the instances' capacity, the peak utilization and every workload's TTFT.
func (r *Request) settle(o *option, e *sizingEnv) string {
	o.hit = r.hitAt(o.n, o)
	sat := r.ask(o.tp, o.unit, e.shape, o.hit, -1)
	if !sat.ok {
		return sat.reason
	}
	o.sat = sat
	if why := r.launch(o, sat, e); why != "" {
		return why
	}
	k := e.cal.factor * float64(o.units)
	o.capOut, o.capIn = k*sat.outTokS, k*sat.inTokS
	r.utilize(o)
	return ""
}

// utilize sets o's peak utilization on its count at its capacity.
func (r *Request) utilize(o *option) {
	n := float64(o.n)
	o.u = math.Max(r.PeakOutputTokS/(n*o.capOut), r.PeakInputTokS/(n*o.capIn))
}

// settledAt remembers one settle of meetTTFT's probes, each a copy of
// the same option at another count: settle sets the hit rate from the
// count, and the saturated answer, the launch (--max-num-seqs and the
// KV cache, from the answer and the option's own) and the capacity from
// the hit rate and what the option held before, the same for every
// probe; only the utilization follows the count. The key, the hit rate,
// is complete for probes of one option.
type settledAt struct {
	ok, known bool
	o         option
}

// settle settles o (a copy of the option every probe copies) at its
// count, as Request.settle does; false where settle fails.
func (s *settledAt) settle(r *Request, o *option, e *sizingEnv) bool {
	if s.known && r.hitAt(o.n, o) == s.o.hit {
		if !s.ok {
			return false
		}
		n := o.n
		*o = s.o
		o.n = n
		r.utilize(o)
		return true
	}
	s.ok = r.settle(o, e) == ""
	s.o, s.known = *o, true
	return s.ok
}

// latency is each workload's p95 TTFT on o at its peak utilization and
// the workload's own prompt, and whether every workload's requests stay
// within their limits: the p95 within the workload's target, the p99.9
// within the load balancer's idle timeout.
//
// The search asks at the utilization rounded up to the per cent (never
// under the load's, and its many loads share few predictions); exact asks
// at the utilization itself, for the fleet a plan reports: rounding up
// let a faster part report a later first token than a slower one at a
// lower load (16 H200s at 9.3 % asked at 10 %, 16 H100s at 11.5 % at 12 %).
func (r *Request) latency(o *option, e *sizingEnv, exact bool) ([]RouteTTFT, bool) {
	routes := make([]RouteTTFT, len(e.work))
	meets := true
	for i, w := range e.work {
		rt := RouteTTFT{Workload: w.Name, MaxTTFTMs: w.MaxTTFTMs, Meets: true}
		// At or above capacity the queue grows without bound: no TTFT
		// holds, and every request eventually waits past the idle timeout
		// (a prediction without a TTFT is taken the same way).
		saturated := o.u >= 1
		if !saturated {
			ask := r.ask
			if exact {
				ask = r.askExact
			}
			if a := ask(o.tp, o.unit, e.shapes[i], o.hit, o.u); a.ok {
				rt.TTFTMs, rt.TailMs, saturated = a.ttftMs, a.tailMs, a.ttftMs <= 0
			}
		}
		// An unknown TTFT cannot meet a target; without one, only a
		// saturated fleet or a tail above the idle timeout fails.
		if saturated || w.MaxTTFTMs > 0 && (rt.TTFTMs <= 0 || rt.TTFTMs > w.MaxTTFTMs) || rt.TailMs > IdleTimeoutMs {
			rt.Meets, meets = false, false
		}
		routes[i] = rt
	}
	return routes, meets
}

// meetsAt is latency's verdict alone (not exact): whether every
// workload's requests stay within their limits, asked up to the first
// that does not.
func (r *Request) meetsAt(o *option, e *sizingEnv) bool {
	if r.Memo != nil && o.u >= 0 && o.u < 1 {
		return r.Memo.meets(r, o, e)
	}
	return r.judge(o, e)
}

// judge is meetsAt asked of the performance model, workload by workload.
func (r *Request) judge(o *option, e *sizingEnv) bool {
	for i, w := range e.work {
		saturated, ttft, tail := o.u >= 1, 0.0, 0.0
		if !saturated {
			if a := r.ask(o.tp, o.unit, e.shapes[i], o.hit, o.u); a.ok {
				ttft, tail, saturated = a.ttftMs, a.tailMs, a.ttftMs <= 0
			}
		}
		if saturated || w.MaxTTFTMs > 0 && (ttft <= 0 || ttft > w.MaxTTFTMs) || tail > IdleTimeoutMs {
			return false
		}
	}
	return true
}

// hitAt is the prefix cache's hit rate, in whole per cent, of o on n
// instances.
func (r *Request) hitAt(n int, o *option) float64 {
	return float64(hitPercent(r.prefixHit(n*o.rpi, o.room))) / 100
}
