package perf

import (
	"fmt"
	"math"
	"slices"
)

// PredictAt predicts the configuration serving an offered load of
// utilization × the deployment's saturated capacity: requests arrive at
// random (Poisson) at utilization times the rate the deployment completes
// them when every KV-cache slot is busy (Predict at Concurrency 0).
// c.Concurrency is ignored: the operating point sets it.
//
// The Result is at that operating point:
//   - OutputTokS and InputTokS are the load served (utilization × the
//     saturated rates), TPOTMs the time per output token at the batch the
//     load keeps running (RunningSequences).
//   - TTFTMs is the mean time to first token, TTFTP95Ms its 95th
//     percentile: the prefill of the prompt (its uncached part, c.CachedInputShare
//     of it served from the prefix cache; the p95 at c.InputTokensP95),
//     sharing the GPU with the decode batch and the other arrivals'
//     prefills; the scheduler's admission delay (the step under way); the
//     wait for a free slot when the load nears capacity (a queue of
//     RunningSequences servers); and the engine's front end.
//   - Both are nil at a utilization of 1 or more, where the queue grows
//     without bound; OutputTokS is then the saturated rate.
//
// A utilization at or below 0 is one request alone.
func PredictAt(c Config, utilization float64) Result {
	if c.Model == nil || c.GPU == nil {
		return predictAt(c, Fitted, utilization)
	}
	s := curveOf(c)
	return s.d.under(s.r, s.limit, s.capacity, utilization)
}

// Curve is one configuration at saturation, to be asked at many loads:
// Curve(c).At(u) is PredictAt(c, u), without looking the saturation up
// again at each load.
type Curve struct {
	c Config
	s *curve // nil without c.Model or c.GPU
}

// CurveOf is c's saturation with the fitted factors (remembered, as
// PredictAt's is), to be asked at many loads.
func CurveOf(c Config) *Curve {
	if c.Model == nil || c.GPU == nil {
		return &Curve{c: c}
	}
	return &Curve{c: c, s: sharedCurve(c)}
}

// At is PredictAt(c, utilization) of the curve's configuration c.
func (k *Curve) At(utilization float64) Result {
	if k.s == nil {
		return predictAt(k.c, Fitted, utilization)
	}
	s := *k.s
	s.r.Notes = slices.Clone(s.r.Notes)
	s.d.c.InputTokensP95 = k.c.InputTokensP95
	return s.d.under(s.r, s.limit, s.capacity, utilization)
}

func predictAt(c Config, p Params, u float64) Result {
	d, r, limit, capacity := saturation(c, p)
	return d.under(r, limit, capacity, u)
}

// under is the saturated deployment d (saturation's answer) under an
// offered load of u × its capacity.
func (d *deployment) under(r Result, limit int, capacity, u float64) Result {
	if !r.Fits {
		return r
	}
	if u >= 1 {
		return d.overloaded(r, limit, u)
	}
	return d.atRate(r, limit, capacity, math.Max(u, 0)*capacity)
}

// PredictRate is Predict at an open loop's arrival rate: rate requests a
// second across the deployment, arriving at random (as a benchmark's
// request rate sends them, Poisson), rather than a number in flight. The
// same rate is the same job on any part, where the same concurrency is
// not (a faster part completes more requests a second, each meeting more
// others' prefills). TTFT is nil at or above the deployment's capacity,
// and the output rate then the saturated one.
func PredictRate(c Config, rate float64) Result { return predictRate(c, Fitted, rate) }

// predictRate is PredictAt at an arrival rate (requests a second across
// the deployment) rather than a share of capacity: the same job on any
// part.
func predictRate(c Config, p Params, rate float64) Result {
	d, r, limit, capacity := saturation(c, p)
	if !r.Fits {
		return r
	}
	lambda := rate / float64(d.groups)
	if lambda >= capacity {
		return d.overloaded(r, limit, lambda/capacity)
	}
	return d.atRate(r, limit, capacity, lambda)
}

// saturation resolves the configuration at saturation: its deployment,
// the Result of its layout and memory, the batch a group runs at most and
// the requests a second a group completes there.
func saturation(c Config, p Params) (deployment, Result, int, float64) {
	c.Concurrency = 0
	d, r := newDeployment(c, p)
	if !r.Fits {
		return d, r, 0, 0
	}
	limit := d.batch(&r)
	capacity := float64(limit) / d.at(limit).life
	if !c.Offline && d.f.FrontEndMs > 0 {
		// One API server passes at most 1000 / FrontEndMs requests a second
		// (an in-process harness has none: serve's rate likewise).
		capacity = math.Min(capacity, 1e3/d.f.FrontEndMs/float64(d.groups))
	}
	return d, r, limit, capacity
}

// overloaded is the deployment at saturation with an offered load of u ×
// its capacity: TTFT nil.
func (d *deployment) overloaded(r Result, limit int, u float64) Result {
	d.serve(&r, limit, 0)
	r.Notes = append(r.Notes, fmt.Sprintf("an offered load of %.2f× capacity queues without bound: TTFT grows until requests time out", u))
	return r
}

// atRate is the deployment at lambda requests a second a group, below
// its capacity (requests a second a group at saturation).
func (d *deployment) atRate(r Result, limit int, capacity, lambda float64) Result {
	if lambda <= 0 {
		alone := *d
		alone.c.Concurrency = 1
		alone.lives = nil // another configuration's
		d = &alone
	}
	// The batch the load keeps running: the fewest requests in flight
	// whose completion rate meets the arrivals (it rises with the batch).
	lo, hi := 1, limit
	for lo < hi {
		mid := (lo + hi) / 2
		if float64(mid)/d.life(mid) >= lambda {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	r.RunningSequences = lo * d.groups
	d.serve(&r, lo, lambda)
	if lambda > 0 {
		out := float64(d.c.OutputTokens)
		r.OutputTokS = round2(lambda * out * float64(d.groups))
		r.InputTokS = round2(r.OutputTokS * float64(d.c.InputTokens) / out)
	}
	// Waiting for a slot: an M/M/s queue of the group's slots, each held
	// for a request's life at saturation. A request waits with the
	// Erlang C probability, then for an exponential time at rate s·μ − λ:
	// the mean wait is C/(s·μ − λ), the p95 the time at which C·e^(−(s·μ−λ)t)
	// falls to 5 %, the p99 where it falls to 1 % (an MLPerf Server bound),
	// the p99.9 where it falls to 0.1 %.
	var wait, wait95, wait99, wait999 float64
	if lambda > 0 {
		drain := capacity - lambda
		pWait := erlangC(limit, float64(limit)*lambda/capacity)
		wait = pWait / drain
		// Percentiles do not add: each keeps at least the mean wait.
		wait95 = math.Max(slotWait(pWait, drain, 0.05), wait)
		wait99 = math.Max(slotWait(pWait, drain, 0.01), wait)
		wait999 = math.Max(slotWait(pWait, drain, TailShare), wait)
	}
	ttft, p95, p999 := round2(*r.TTFTMs+wait*1e3), round2(*r.TTFTP95Ms+wait95*1e3), round2(*r.TTFTP999Ms+wait999*1e3)
	r.TTFTMs, r.TTFTP95Ms, r.TTFTP999Ms = &ttft, &p95, &p999
	r.ttftP99Ms = round2(r.ttftP99Ms + wait99*1e3)
	return r
}

// slotWait is the wait for a slot that only a share q of arrivals
// exceeds: the time at which C·e^(−drain·t) falls to q; none when fewer
// than q wait at all.
func slotWait(pWait, drain, q float64) float64 {
	if pWait <= q {
		return 0
	}
	return math.Log(pWait/q) / drain
}

// erlangC is the probability that an arrival waits in an M/M/s queue
// offered a erlangs (a < s): Erlang B by its stable recursion
// B(k) = a·B(k−1) / (k + a·B(k−1)), then C = B / (1 − (a/s)(1 − B)).
// It takes s steps, and never overflows where the textbook sum of a^k/k!
// would.
func erlangC(s int, a float64) float64 {
	if s <= 0 || a <= 0 {
		return 0
	}
	rho := a / float64(s)
	if rho >= 1 {
		return 1
	}
	b := 1.0
	for k := 1; k <= s; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b / (1 - rho*(1-b))
}
