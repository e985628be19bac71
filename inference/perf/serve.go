package perf

import (
	"fmt"
	"math"
)

// operatingPoint is a group's timing at a decode batch.
type operatingPoint struct {
	b        float64  // requests in flight in the group
	decode   stepCost // a decode step of the batch
	tpot     float64  // s an output token, others' prefills included
	prefill  float64  // s of one request's prefill with the batch running
	marginal float64  // s one request's prefill adds to the group's steps
	service  float64  // s one request's prefill holds the group's prefill
	life     float64  // s a request holds its slot: prefill, then decode
	admit    float64  // s between the scheduler's polls for new requests
	// batch is the prompts a staggered group's prefill batch holds (0:
	// not staggered, as many as the token budget packs).
	batch float64
	// together is the prompts of a staggered batch whose prefill shares
	// its steps (packShare): the batch, as far as the token budget holds
	// their tokens (a prompt longer than the budget fills its steps alone
	// but for its last, the others batched with it prefilling before or
	// after it, in its wait or its decode).
	together float64
	// decoding is the requests that decode at once where fewer than b
	// (prefillBound); 0 where all b do.
	decoding int
	// lockstep is a closed loop whose requests arrive, prefill and
	// complete together (deployment.lockstep); wave is then the mean wait
	// of a request's prompt behind the others of its wave.
	lockstep bool
	wave     float64
}

// at is the group's operating point with b requests in flight.
func (d *deployment) at(b int) operatingPoint {
	if nd, ok := d.prefillBound(b); ok {
		return d.bound(b, nd)
	}
	c := d.c
	o := operatingPoint{b: float64(b)}
	ctx := float64(c.InputTokens) + float64(c.OutputTokens)/2
	out := float64(c.OutputTokens)
	o.decode = d.step(work{decode: o.b, ctx: ctx})
	o.prefill, o.marginal, o.service = d.prefill(float64(c.InputTokens), o.b, ctx, 0)
	// Each request's decode steps carry the prefills of the b−1 others
	// that start during its life.
	o.tpot = o.decode.total + (o.b-1)*o.marginal/out
	o.admit = float64(max(c.SchedulerRecvInterval, 1)) * o.decode.total
	if o.b <= 1 {
		// One request in flight: it arrives at an idle engine, with no
		// step under way and no polling interval to wait out.
		o.admit = 0
	}
	o.life = o.admit/2 + o.prefill + out*o.tpot
	if d.lockstep(b) {
		// The wave's prompts prefill one after another before any of them
		// decodes: a request waits for those ahead of it (in its TTFT) and
		// its first decode step for those behind it, half the others' on
		// average; the wave arrives at an idle engine.
		o.lockstep, o.admit = true, 0
		o.wave = d.waveWait(o.b, o.prefill)
		o.tpot = o.decode.total + (o.b-1)/2*o.marginal/out
		o.life = o.wave + o.prefill + out*o.tpot
	}
	if d.staggered(b) {
		// SGLang's prefill batch holds the prompts waiting when the
		// scheduler turns to it: the one that found it idle and those
		// arriving, at the others' rate, while it finished the batch
		// before and waited for its next poll. Past the group's slots a
		// prompt waits in the queue for one to free, and the slots free
		// one by one as requests complete: the batch holds the prompts
		// admitted to the slots freed meanwhile. A fixed point: the batch
		// sets the lives, which set the arrivals.
		queued := (c.Concurrency+d.groups-1)/d.groups > b
		for range 4 {
			lambda := (o.b - 1) / (o.life + d.frontEnd())
			if queued {
				lambda = o.b / o.life
			}
			o.batch = 1 + lambda*(o.prefill+o.admit/2)
			o.together = packShare(d.fresh(float64(c.InputTokens)), d.budget(o.b), o.batch)
			o.prefill, o.marginal, o.service = d.prefill(float64(c.InputTokens), o.b, ctx, o.batch)
			o.tpot = o.decode.total + (o.b-1)*o.marginal/out
			o.life = o.admit/2 + o.prefill + out*o.tpot
		}
	}
	return o
}

// prefillBound says whether b requests in flight are more than chunked
// prefill lets decode at once, and how many do: each step runs the
// decoding requests' tokens and prompt chunks within the token budget B,
// and a request needs its P fresh prompt tokens for its out decode steps,
// so in a steady state at most nd = B·out/(P+out) requests decode at
// once; the rest wait for their prompts' turn. SGLang runs prefill in
// steps of its own (prefill), and a staggered group is SGLang's.
func (d *deployment) prefillBound(b int) (nd int, ok bool) {
	c := d.c
	if d.prefillFirst() || b <= 1 {
		return 0, false
	}
	fresh, out := d.fresh(float64(c.InputTokens)), float64(c.OutputTokens)
	nd = max(1, int(d.chunk*out/(fresh+out)))
	return nd, b > nd
}

// bound is the operating point of b requests in flight when only nd
// decode at once (prefillBound): the group runs as with nd in flight and
// completes requests at that rate, and the others wait for their prompts'
// turn, before their first token. Counting all b decoding in every step
// charged steps the group never runs at the cost of a decode-only step
// subtracted, and a part with faster memory (a cheaper decode step, so a
// larger marginal prefill cost under the blended roofline) predicted less
// throughput than a slower one at the same job (gpt-oss-20b, 32,000
// tokens in, 512 in flight: eight H200s 979 output tok/s, eight H100s
// 1,051).
func (d *deployment) bound(b, nd int) operatingPoint {
	o := d.at(nd)
	wait := float64(b)*o.life/o.b - o.life
	o.b, o.decoding = float64(b), nd
	o.life += wait
	o.prefill += wait
	return o
}

// staggered says the group's b requests in flight start one by one (a
// closed loop's requests each sent as another returns, or admitted from
// the queue as a slot frees) rather than together (saturation, a burst),
// under an engine whose prefill batches take the prompts waiting when
// they start (SGLang): the batch is as many as arrive meanwhile, not as
// many as its token budget holds.
func (d *deployment) staggered(b int) bool {
	c := d.c
	return d.prefillFirst() && c.Concurrency > 0 && !c.burst && b > 1 && !d.lockstep(b)
}

// prefillFirst says the engine runs prefill batches between decode steps,
// every waiting prompt's before it decodes again: SGLang (without
// --enable-mixed-chunk), or vLLM's V0 engine without chunked prefill
// (Config.PrefillFirst).
func (d *deployment) prefillFirst() bool {
	return d.engine == "sglang" || d.c.PrefillFirst
}

// lockstep says a closed loop of b requests in flight a group runs in
// waves: its requests all generate the same number of tokens
// (Config.FixedOutput) on an engine that prefills first, and a benchmark
// starts them together. Their prompts prefill one after another while no
// one decodes, then all decode together, complete at the same step and
// are sent again together: the next wave. Arrivals a few milliseconds
// apart do not break it, since a prompt that arrives while another
// prefills is prefilled before anyone decodes. AccelMark's 8 requests of
// 28,700 tokens to Llama-3.1-8B (vLLM 0.7.3, no chunked prefill, 256
// tokens each) measure a median TTFT of 4.6 (H100), 4.5 (H200) and 4.5
// (A100 80GB) times the same prompt alone, a wave's (8 + 1) / 2; under
// vLLM 0.20.1's chunked prefill, which decodes while it prefills, 1.6–1.8.
func (d *deployment) lockstep(b int) bool {
	c := d.c
	per := (c.Concurrency + d.groups - 1) / d.groups
	waves := d.prefillFirst() || d.cohorts()
	return c.FixedOutput && waves && c.Concurrency > 0 && !c.burst && b > 1 && per <= b
}

// cohorts says an engine that decodes while it prefills (vLLM's chunked
// prefill, TensorRT-LLM's in-flight batching) still runs a fixed-length
// closed loop in waves: the token budget holds two or more of its prompts
// whole, so the prompts that arrive together prefill in the same steps,
// decode together and complete at the same step, and their next requests
// arrive together again. A prompt longer than half the budget takes a step
// (or chunks) of its own: its request starts decoding while the next
// prompt prefills, completes a step apart from it, and the loop's requests
// drift apart into a steady state. NIM's Llama-3-8B on one H100 (FP8,
// 200 tokens in and out, 2024 GenAI-Perf sweeps): the mean TTFT at 250 in
// flight is 57 times a single prompt's, a wave's; Llama-3.3-70B's
// 5,000-token prompts on two H100s (NIM 1.8.0): 1.3 times at 5 in flight.
func (d *deployment) cohorts() bool {
	return d.chunk >= 2*d.fresh(float64(d.c.InputTokens))
}

// prefill is the latency of one request's prompt of n tokens (its
// uncached share) while the group decodes b−1 others, the time it adds
// to the group's steps, and the time it holds the group's prefill: the
// steps that carry its chunks, shared with the prompts batched in them,
// which the prompts behind it wait for. vLLM and TensorRT-LLM put prefill chunks into the
// decode steps (chunked prefill within the token budget): a chunk costs
// what it adds to the step. SGLang runs prefill batches between decode
// steps: a chunk costs a whole step, shared by the prompts batched with it.
// A step with prefill tokens runs eagerly: its latency pays that in full
// for each chunk, and the group pays it in proportion to the budgets the
// prompt fills (prompts from many requests pack into the same steps; a
// prompt of four budgets, four eager steps: capped at one, the group's
// steps came to more time than it has, TestChunkedLoopFitsItsTime).
func (d *deployment) prefill(n, b, ctx, batch float64) (latency, marginal, service float64) {
	return d.prefillPacked(n, b, ctx, batch, 0)
}

// fresh is the tokens of an n-token prompt the prefix cache does not
// serve (at least one).
func (d *deployment) fresh(n float64) float64 {
	cached := min(max(d.c.CachedInputShare, 0), 0.99)
	return math.Max(1, math.Round(n*(1-cached)))
}

// budget is the prompt tokens a prefill step takes with b requests in
// flight: the token budget, less the others' decode tokens where prefill
// chunks ride in decode steps (at least an eighth of it).
func (d *deployment) budget(b float64) float64 {
	if d.prefillFirst() {
		return d.chunk
	}
	return math.Max(d.chunk-(b-1), d.chunk/8)
}

// prefillPacked is prefill with at most pack prompts, this one among
// them, sharing a step (openService: those that arrive while one is
// under way); 0: as many as the budget packs of the b in flight.
func (d *deployment) prefillPacked(n, b, ctx, batch, pack float64) (latency, marginal, service float64) {
	fresh, others, budget := d.fresh(n), b-1, d.budget(b)
	if d.prefillFirst() {
		others = 0
	}
	// The prompts a step can pack, this one among them: the b in flight,
	// those that arrive while one is under way (pack), or a staggered
	// group's batch. A step packs them continuously, the prompt that does
	// not fit the rest of its budget cut into it (vLLM's chunked prefill,
	// SGLang's PrefillAdder), so a prompt's share of a step is its tokens'
	// share of a packed step, not a count of whole prompts: counted whole,
	// SGLang's TTFT fell by a third where a prompt grew past half the
	// budget (Llama-3.1-8B on an H100, 4,096 → 4,097 tokens).
	avail, next := b, math.Max(b-1, 1)
	switch {
	case pack > 0:
		avail, next = pack, pack-1
	case batch > 0:
		avail, next = batch, batch-1
	}
	share := packShare(fresh, budget, avail)
	var base float64
	if others > 0 {
		base = d.step(work{decode: others, ctx: ctx}).total
	}
	for done := n - fresh; done < n; {
		ch := math.Min(budget, n-done)
		w := work{decode: others, ctx: ctx, prefill: ch, prefix: done, graphed: true}
		alone := d.step(w).total
		if batch <= 0 {
			latency += alone + d.eager(others+ch)
		}
		// A chunk shares its step with the next prompts' tokens (a short
		// prompt with as many others as fit, a long prompt's last chunk
		// with the next prompt's first), so each prompt is charged its
		// tokens' share of a packed step. Counted in whole prompts (a
		// 4,000-token prompt alone in a 7,700-token budget), the prompts'
		// marginal costs, each less the decode step under the 2-norm, came
		// to less than the packed step on slower memory, and an H200
		// predicted below an H100; a long prompt's last chunk of a few
		// tokens held the queue for a whole eager step. In a closed loop
		// under chunked prefill at least the next prompt's: the queue a
		// prompt's service time delays is of prompts.
		sh := math.Min(budget, ch+next*fresh) / ch
		if sh > 1 {
			w.prefill = math.Min(ch*sh, budget)
			alone = d.step(w).total
		}
		if batch > 0 {
			// The prompt waits for its whole batch.
			latency += alone + d.eager(others+ch)
		}
		marginal += (alone - base) / sh
		service += (alone + d.eager(others+w.prefill)) / sh
		done += ch
	}
	eagerShare := fresh / budget
	if batch > 0 {
		// A batch's eager steps, shared by its prompts: one step where
		// they fit in one, a long prompt's own steps where it fills
		// several (charged one, a 32,000-token prompt under SGLang served
		// more at 1,024 in flight than at saturation).
		eagerShare = math.Max(1/share, fresh/budget)
	}
	return latency, marginal + d.eager(others+math.Min(budget, fresh*share))*eagerShare, service
}

// packShare is how many prompts of fresh tokens share a step of budget
// tokens where avail are there to pack, this one among them: at least
// itself, at most all, and no more than the budget holds (a prompt
// longer than the budget fills its steps alone but for its last).
func packShare(fresh, budget, avail float64) float64 {
	return math.Max(1, math.Min(avail, budget/fresh))
}

// serve fills throughput, TPOT and TTFT at a decode batch of b a group.
// A positive lambda is an open-loop arrival rate a group (requests/s);
// 0 is a closed loop of b requests in flight, each sent when the last
// returns (a benchmark's concurrency). At saturation (no Concurrency)
// TTFT is queueing: nil.
func (d *deployment) serve(r *Result, b int, lambda float64) operatingPoint {
	c := d.c
	o := d.point(b)
	out := float64(c.OutputTokens)
	// Requests a second: every group's batch, or the requests in flight
	// where fewer than the groups (the rest idle).
	rate := d.inflight(o.b) / o.life
	// slot is a closed loop's wait for a slot; frontWait its wait in the
	// API server's queue, where that server is the bottleneck.
	var slot, frontWait float64
	if c.Concurrency > 0 && lambda <= 0 {
		var perGroup float64
		perGroup, slot = d.closedLoop(o)
		rate = perGroup * d.inflight(o.b) / o.b
	}
	if !d.whole { // a part of a split: the whole's server passes the sum
		rate, frontWait = d.apiLimit(r, rate, c.Concurrency > 0 && lambda <= 0)
	}
	r.OutputTokS = round2(rate * out)
	r.InputTokS = round2(r.OutputTokS * float64(c.InputTokens) / out)
	tpot := o.tpot
	if c.Concurrency > 0 && lambda <= 0 && o.b > 1 && !o.lockstep {
		// The others' prefills this request waited out ride in none of
		// its decode steps (heldFor).
		_, w := d.prefillQueue(o, 0, d.frontEnd())
		tpot -= o.ahead(w) * o.marginal / out
	}
	r.TPOTMs = round2(tpot * 1e3)
	d.describe(r, o)
	if c.Concurrency <= 0 && lambda <= 0 {
		return o
	}
	front := d.frontEnd()
	if lambda > 0 {
		o.service = d.openServiceOf(o, lambda)
	}
	// The others' prefills queue before this one's: an M/D/1 queue of
	// prefill work at the rate the others arrive, each holding the
	// group's prefill for its service time (a long prompt the steps of its
	// chunks, a short one its share of a step it fills with others).
	rho, wait := d.prefillQueue(o, lambda, front)
	wait95, wait99, wait999 := tailWait(wait, rho, 0.05), tailWait(wait, rho, 0.01), tailWait(wait, rho, TailShare)
	p95 := o.prefill
	if c.InputTokensP95 > 0 && c.InputTokensP95 != c.InputTokens {
		p95 = d.prefillP95(o)
	}
	wait0, wave := wait, 0.0
	if lambda <= 0 {
		wave = d.firstWave(o.b, o.prefill)
		if o.lockstep {
			wave = o.wave
		}
		slot += frontWait
		wait, wait95, wait99, wait999 = wait+wave+slot, wait95+wave+slot, wait99+wave+slot, wait999+wave+slot
	}
	// Admission: a request waits for the scheduler's next poll (the step
	// under way, or the polling interval's remainder). The tail takes the
	// p95 prompt's prefill (a longer prompt's length is not known) and the
	// whole admission delay.
	ttft := round2((front + o.admit/2 + o.prefill + wait) * 1e3)
	ttft95 := round2((front + 0.95*o.admit + p95 + wait95) * 1e3)
	ttft999 := round2((front + o.admit + p95 + wait999) * 1e3)
	r.TTFTMs, r.TTFTP95Ms, r.TTFTP999Ms = &ttft, &ttft95, &ttft999
	r.ttftP99Ms = round2((front + o.admit + p95 + wait99) * 1e3)
	// The median request waits behind another's prefill only when more
	// than half of them do (the wait's tail ρ·e^(−tρ/W) of mean W), and a
	// benchmark's first wave reaches the median only when it is half the
	// requests.
	waitMedian := 0.0
	if rho > 0.5 {
		waitMedian = wait0 / rho * math.Log(2*rho)
	}
	if lambda <= 0 && (o.lockstep || c.Requests > 0 && 2*c.Concurrency >= c.Requests) {
		waitMedian += wave
	}
	waitMedian += slot
	r.ttftMedianMs = round2((front + o.admit/2 + o.prefill + waitMedian) * 1e3)
	return o
}

// apiLimit is rate held to what one API server passes, 1000 / FrontEndMs
// requests a second (none in process), and a closed loop's wait in the
// server's queue where it is the bottleneck: each cycle then takes the
// requests in flight over the server's rate, and the time the engine does
// not hold them they wait before their first token (Little's law), as a
// note on r says.
func (d *deployment) apiLimit(r *Result, rate float64, closed bool) (limited, wait float64) {
	if d.c.Offline || d.f.FrontEndMs <= 0 || rate <= 1e3/d.f.FrontEndMs {
		return rate, 0
	}
	capped := 1e3 / d.f.FrontEndMs
	if closed {
		wait = float64(d.c.Concurrency) * (1/capped - 1/rate)
		r.Notes = append(r.Notes, fmt.Sprintf(frontBoundNote+" %.0f requests a second, fewer than the engine completes: %d requests in flight wait %.0f ms for it, in the TTFT", capped, d.c.Concurrency, wait*1e3))
	}
	return capped, wait
}

// describe notes on r what bounds the operating point o: the requests
// that decode at once where the prompts leave fewer than are in flight,
// memory or compute, and tensor parallelism over PCIe.
func (d *deployment) describe(r *Result, o operatingPoint) {
	if o.decoding > 0 {
		// The decode batch is what decodes at once; the other requests in
		// flight wait for their prompts' turn.
		r.RunningSequences = int(d.inflight(float64(o.decoding)))
		r.Notes = append(r.Notes, fmt.Sprintf("the prompts need more of the %.0f-token step budget than %.0f requests in flight leave them: %d decode at once, and the rest wait for their prompts' turn (in the TTFT)", d.chunk, o.b, o.decoding))
	}
	r.DecodeBound = "memory"
	if o.decode.cmp > o.decode.mem {
		r.DecodeBound = "compute"
	}
	if d.tp > 1 && d.g.Interconnect == "pcie" {
		r.Notes = append(r.Notes, fmt.Sprintf("tensor parallelism over PCIe: fixed costs and all-reduces take %.1f ms of each %.1f ms decode step", o.decode.fixed*1e3, o.decode.total*1e3))
	}
}

// inflight is the requests a deployment of groups running b each has in
// flight: all of them, or the configuration's concurrency where fewer.
func (d *deployment) inflight(b float64) float64 {
	n := b * float64(d.groups)
	if c := d.c.Concurrency; c > 0 {
		n = math.Min(n, float64(c))
	}
	return n
}

// frontEnd is the API server's time a request (s): none in process.
func (d *deployment) frontEnd() float64 {
	if d.c.Offline {
		return 0
	}
	return d.f.RequestOverheadMs / 1e3
}

// prefillQueue is the load and mean wait of the M/D/1 queue of prefills
// at lambda requests a second, or, in a closed loop (lambda 0), at the
// rate the b−1 others come back: each one's life and its own wait apart,
// so the wait slows the arrivals that make it (a closed loop never queues
// more than its requests in flight). The wait, which rises with the rate
// that falls with it, is found by bisection.
func (d *deployment) prefillQueue(o operatingPoint, lambda, front float64) (rho, wait float64) {
	mdl := func(rate float64) (float64, float64) {
		rho := math.Min(rate*o.service, 0.95)
		return rho, rho * o.service / (2 * (1 - rho))
	}
	if lambda > 0 {
		return mdl(lambda)
	}
	if o.b <= 1 || o.lockstep {
		// A lockstep wave's prompts queue behind each other (o.wave), not
		// behind arrivals at random.
		return 0, 0
	}
	lo, hi := 0.0, (o.b-1)*o.service
	for range 40 {
		mid := (lo + hi) / 2
		if _, w := mdl((o.b - 1) / (o.heldFor(mid) + front)); w > mid {
			lo = mid
		} else {
			hi = mid
		}
	}
	return mdl((o.b - 1) / (o.heldFor(hi) + front))
}

// frontBoundNote opens the note of an answer whose API server is its
// bottleneck (apiLimit); runtimes carries it into a mean of two engines.
const frontBoundNote = "the API server passes at most"

// openService is the time a prompt holds the group's prefill under an
// open loop of lambda requests a second a group: its steps pack the
// prompts that arrive while they run, not the batch decoding. k prompts
// pack where k − 1 = λ × the time the steps of k take (the least such k;
// as many as the budget packs where even those take longer than their
// arrivals). Packed by the batch, a prompt's share of a step
// fell each time the load kept one more request running, and a fixed
// fleet's p95 TTFT fell as its load rose (gpt-oss-120b on one H100,
// 1,024-token prompts: 73.2 → 72.0 ms where the batch went from 3 to 4).
func (d *deployment) openService(o operatingPoint, lambda float64) float64 {
	c := d.c
	n, ctx := float64(c.InputTokens), float64(c.InputTokens)+float64(c.OutputTokens)/2
	fresh, budget := d.fresh(n), d.budget(o.b)
	// The steps of k prompts: a prompt within the budget shares one step
	// with the others, a longer one its last.
	within := math.Min(1, budget/fresh)
	service := func(k float64) float64 {
		_, _, s := d.prefillPacked(n, o.b, ctx, o.batch, k)
		return s
	}
	// excess is what the arrivals during the steps of k exceed k by: its
	// root, between one prompt (above it) and the budget, by regula falsi
	// (Illinois: the side that stays has its excess halved), which the
	// concave excess brings to it in a few steps where a bisection took
	// a dozen.
	excess := func(k float64) (g, s float64) {
		s = service(k)
		return 1 + lambda*s*(1+(k-1)*within) - k, s
	}
	lo, hi := 1.0, 1+budget/fresh
	glo, _ := excess(lo)
	ghi, s := excess(hi)
	if ghi >= 0 {
		return s
	}
	side := 0
	for range 8 {
		k := lo + (hi-lo)*glo/(glo-ghi)
		g, s := excess(k)
		if math.Abs(g) < 1e-4*k {
			return s
		}
		if g > 0 {
			lo, glo = k, g
			if side > 0 {
				ghi /= 2
			}
			side = 1
		} else {
			hi, ghi = k, g
			if side < 0 {
				glo /= 2
			}
			side = -1
		}
	}
	return service(lo + (hi-lo)*glo/(glo-ghi))
}

// ahead is how many of the others' prefills a closed loop's request waits
// out before its own first token, at a wait of w: those the prefill is
// busy with when it arrives, each holding it for its service time, and
// those batched with its own.
func (o operatingPoint) ahead(w float64) float64 {
	if o.service <= 0 {
		return 0
	}
	// A staggered batch's other prompts that share this one's steps
	// prefill with it, in its prefill's latency.
	batched := math.Max(o.together-1, 0)
	return math.Min(w/o.service+batched, o.carried())
}

// carried is how many of the others' prefills o's decode steps carry
// (its TPOT): the b − 1 others, or where the prompts leave fewer decoding
// at once (prefillBound) the others of those. Taken as b − 1 there, the
// prefills waited out came to more than the decode carried, and a TPOT
// of 16,000-token prompts at 64 in flight came out negative.
func (o operatingPoint) carried() float64 {
	if o.decoding > 0 {
		return math.Max(float64(o.decoding)-1, 0)
	}
	return math.Max(o.b-1, 0)
}

// heldFor is the time a closed loop's request is in flight past the
// front end when it waits w for the prefills ahead of its own: its life
// and the wait, less what those prefills would have added to its decode
// steps. In a cycle each of the b−1 others prefills once, either while
// this request waits (its TTFT) or while it decodes (its TPOT), not both:
// charged both, two requests of 8,000 tokens in flight completed fewer a
// second than one.
func (o operatingPoint) heldFor(w float64) float64 {
	return o.life + w - o.ahead(w)*o.marginal
}

// tailWait is the wait in an M/D/1 queue of mean wait w at load rho that
// only a share q of arrivals exceeds, from its tail ρ·e^(−tρ/w); never
// below the mean.
func tailWait(w, rho, q float64) float64 {
	if rho <= q {
		return w
	}
	return math.Max(w, w*math.Log(rho/q)/rho)
}

// closedLoop is a closed loop's completion rate a group (requests/s) and
// the wait for a slot each request has before its prefill. A request
// holds a slot (a running sequence) from its admission: its wait for the
// prefills queued before its own, its prefill and its decode. With no more
// requests in flight than a group runs at once, each is in flight for the
// front end's time and that (Little's law: b requests over that time);
// with more (per of them, b running), the slots are the bottleneck: b
// complete every slot time, and each request waits for a slot, first come
// first served, for what its time in flight, per / rate, leaves.
func (d *deployment) closedLoop(o operatingPoint) (rate, slotWait float64) {
	front := d.frontEnd()
	_, w := d.prefillQueue(o, 0, front)
	held := o.heldFor(w)
	per := float64((d.c.Concurrency + d.groups - 1) / d.groups)
	rate = o.b / (front + held)
	if per > o.b {
		rate = o.b / held
	}
	// Never more than the group completes at saturation: the requests
	// that would cycle faster wait for the engine instead (a slot, or
	// the prefills queued before theirs).
	rate = math.Min(rate, d.saturatedRate())
	return rate, math.Max(0, per/rate-front-held)
}

// saturatedRate is the requests a second a group completes at
// saturation (its batch, Concurrency 0).
func (d *deployment) saturatedRate() float64 {
	sat := *d
	sat.c.Concurrency, sat.lives = 0, nil
	b := sat.saturated(min(sat.kvSeqs, sat.seqCap()))
	return float64(b) / sat.at(b).life
}

// firstWave is the mean TTFT a closed-loop benchmark's first wave adds
// over its steady state, shared by all its requests: the first b of a
// group arrive at once and their prompts fill the token budget step after
// step (pure prefill steps, no decode yet running), the i-th ready after
// i of b's share of them. prefill is one request's steady-state prefill.
func (d *deployment) firstWave(b, prefill float64) float64 {
	c := d.c
	if c.Requests <= 0 || b <= 1 {
		return 0
	}
	return d.waveWait(b, prefill) * math.Min(1, float64(c.Concurrency)/float64(c.Requests))
}

// waveWait is the mean time b prompts arriving together wait beyond one
// prompt's steady-state prefill: their tokens fill the token budget step
// after step (pure prefill steps), the i-th ready after i of b's share of
// them.
func (d *deployment) waveWait(b, prefill float64) float64 {
	c := d.c
	cached := min(max(c.CachedInputShare, 0), 0.99)
	tokens := b * math.Max(1, float64(c.InputTokens)*(1-cached))
	// A full step's tokens sit on average halfway into their prompts: a
	// chunk of a longer prompt after a prefix of (P − chunk) / 2 does the
	// attention of the mean chunk (a budget that holds whole prompts, after
	// none).
	full := d.step(work{prefill: d.chunk, prefix: math.Max(0, (float64(c.InputTokens)-d.chunk)/2)}).total
	steps := tokens / d.chunk
	mean := (steps + 1) / 2 * math.Min(full, full*steps) // a wave under one budget takes one step
	if d.lockstep(int(b)) && !d.prefillFirst() {
		// A loop that runs in waves on an engine that decodes while it
		// prefills (cohorts): each wave's prompts come back one after
		// another through the front end as their requests complete, each
		// step takes those that have arrived and hands each its first token
		// as its prefill ends, so the i-th is ready after i of b's share of
		// the wave's prefill, not at the end of the step that holds them
		// all. A benchmark's first wave, sent at once into an idle engine,
		// keeps the steps' picture.
		mean = (b + 1) / (2 * b) * full * steps
	}
	return math.Max(0, mean-prefill)
}
