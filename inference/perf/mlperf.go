package perf

import (
	"fmt"
	"math"

	"github.com/costgate/costgate/modelcatalog"
)

// Kinds of calibration point. The default (empty) is a benchmark at a
// fixed concurrency, a burst or saturation, at stated lengths. The MLPerf
// Inference kinds are a dataset's length mix served by a submission's own
// harness (LoadGen calling the system in process, no API server):
//   - KindMLPerfOffline: every sample queued at once, the result the
//     output tokens a second at saturation;
//   - KindMLPerfServer: Poisson arrivals, the result the output tokens a
//     second at the highest load whose p99 TTFT and p99 TPOT stay within
//     the benchmark's bounds (Point.TTFTBoundMs, Point.TPOTBoundMs; the
//     Interactive variant is a Server run under tighter bounds).
const (
	KindMLPerfOffline = "mlperf-offline"
	KindMLPerfServer  = "mlperf-server"
)

// mlperf reports whether the point is an MLPerf Inference result.
func (p Point) mlperf() bool {
	return p.Kind == KindMLPerfOffline || p.Kind == KindMLPerfServer
}

// fitted reports whether the fit uses the point: MLPerf results are shown
// beside the others, not fitted (docs/SIZING.md says why).
func (p Point) fitted() bool {
	return p.Excluded == "" && !p.mlperf()
}

// checkKind validates a point's kind and the fields it needs.
func (p Point) checkKind() error {
	switch p.Kind {
	case "":
		if p.TTFTBoundMs != 0 || p.TPOTBoundMs != 0 || p.TTFTP99Ms != 0 || p.TPOTP99Ms != 0 {
			return fmt.Errorf("latency bounds and p99 latencies belong to kind %q only", KindMLPerfServer)
		}
		if len(p.OutputMix) > 0 {
			return fmt.Errorf("output_mix needs positive lengths on a point of kind %q", KindMLPerfOffline)
		}
		return nil
	case KindMLPerfOffline, KindMLPerfServer:
	default:
		return fmt.Errorf("unknown kind %q (want empty, %q or %q)", p.Kind, KindMLPerfOffline, KindMLPerfServer)
	}
	if p.Concurrency != 0 || p.Burst != 0 {
		return fmt.Errorf("kind %q is measured at its own load: no concurrency or burst", p.Kind)
	}
	if p.OutputTokS <= 0 {
		return fmt.Errorf("kind %q needs the result's output_tok_s", p.Kind)
	}
	if p.TTFTMs != 0 || p.TPOTMs != 0 {
		return fmt.Errorf("kind %q states its latencies as ttft_p99_ms and tpot_p99_ms", p.Kind)
	}
	for _, n := range p.OutputMix {
		if n <= 0 || p.Kind != KindMLPerfOffline {
			return fmt.Errorf("output_mix needs positive lengths on a point of kind %q", KindMLPerfOffline)
		}
	}
	if len(p.OutputMix) == 1 {
		return fmt.Errorf("output_mix of one class: state it as output_tokens")
	}
	if p.Kind == KindMLPerfOffline {
		if p.TTFTBoundMs != 0 || p.TPOTBoundMs != 0 || p.TTFTP99Ms != 0 || p.TPOTP99Ms != 0 {
			return fmt.Errorf("kind %q has no latency bounds or latencies", p.Kind)
		}
		return nil
	}
	if p.TTFTBoundMs <= 0 || p.TPOTBoundMs <= 0 {
		return fmt.Errorf("kind %q needs positive ttft_bound_ms and tpot_bound_ms (its p99 bounds)", p.Kind)
	}
	if p.TTFTP99Ms < 0 || p.TPOTP99Ms < 0 {
		return fmt.Errorf("negative ttft_p99_ms or tpot_p99_ms")
	}
	return nil
}

// serverSteps is the number of loads, as equal shares of the
// deployment's capacity, the Server search tries.
const serverSteps = 200

// maxLoadWithin is the highest offered load at which the configuration's
// p99 TTFT stays within ttftMs and its TPOT within tpotMs: the result of
// an MLPerf Server run. It tries the Poisson loads 1/serverSteps …
// (serverSteps−1)/serverSteps of the saturated capacity (PredictAt) and
// keeps the highest that meets both bounds, so a looser bound never
// lowers the answer and a tighter one never raises it. The TPOT held to
// the bound is the model's mean (it has no per-request spread; MLPerf
// bounds the p99 of each request's mean TPOT, which varies little across
// requests at one load). ok is false when no load meets the bounds (the
// Result is then the lightest load tried) or the configuration does not
// fit.
func maxLoadWithin(c Config, p Params, ttftMs, tpotMs float64) (Result, bool) {
	d, r, limit, capacity := saturation(c, p)
	if !r.Fits {
		return r, false
	}
	var best Result
	found := false
	for k := serverSteps - 1; k >= 1; k-- {
		res := d.atRate(r, limit, capacity, float64(k)/serverSteps*capacity)
		if k == 1 && !found {
			best = res
		}
		if res.ttftP99Ms <= ttftMs && res.TPOTMs <= tpotMs {
			return res, true
		}
	}
	return best, found
}

// predictPoint predicts a point's configuration as its kind measures it:
// an MLPerf Server result by the search over load, any other at its
// concurrency (saturation for an MLPerf Offline result). within is false
// for a Server point no load of which meets its bounds.
func predictPoint(cfg Config, pt Point, p Params) (Result, bool) {
	if pt.Kind == KindMLPerfServer {
		return maxLoadWithin(cfg, p, pt.TTFTBoundMs, pt.TPOTBoundMs)
	}
	if len(pt.OutputMix) > 1 {
		return predictMix(cfg, pt.OutputMix, p), true
	}
	return cachedPromptsTTFT(predict(cfg, p), cfg, pt, p), true
}

// cacheBlockTokens is the prefix cache's block (vLLM's default block
// size): a prompt served from the cache still prefills its last block.
const cacheBlockTokens = 16

// cachedPromptsTTFT is r with its mean TTFT over a run whose
// pt.CachedPrompts of pt.Prompts prompts the prefix cache served: those
// prefill only their last block.
func cachedPromptsTTFT(r Result, cfg Config, pt Point, p Params) Result {
	if pt.CachedPrompts <= 0 || pt.Prompts <= 0 || !r.Fits || r.TTFTMs == nil || cfg.InputTokens <= cacheBlockTokens {
		return r
	}
	c := cfg
	c.CachedInputShare = 1 - float64(cacheBlockTokens)/float64(cfg.InputTokens)
	hit := predict(c, p)
	if !hit.Fits || hit.TTFTMs == nil {
		return r
	}
	k, n := float64(pt.CachedPrompts), float64(pt.Prompts)
	mean := round2(((n-k)**r.TTFTMs + k**hit.TTFTMs) / n)
	r.TTFTMs = &mean
	return r
}

// predictMix is the saturated rate of a mix of requests whose outputs are
// the equal-weight classes mix, scaled to the mean c.OutputTokens. A
// request holds the deployment's KV cache and steps in proportion to its
// own length, so the classes share the deployment as a linear resource:
// the mix completes n / Σ 1/R_k requests a second, R_k the rate of class k
// served alone. Long answers hold the cache longest: the mix serves fewer
// tokens than one request of the mean lengths where the lengths spread
// widely. The Result is the mean request's with the mix's rates.
func predictMix(c Config, mix []int, p Params) Result {
	r := predict(c, p)
	if !r.Fits {
		return r
	}
	sum := 0
	for _, n := range mix {
		sum += n
	}
	scale := float64(c.OutputTokens) * float64(len(mix)) / float64(sum)
	inv := 0.0
	for _, n := range mix {
		k := c
		k.OutputTokens = max(int(math.Round(float64(n)*scale)), 1)
		rk := predict(k, p)
		if !rk.Fits || rk.OutputTokS <= 0 {
			return rk
		}
		inv += float64(k.OutputTokens) / rk.OutputTokS
	}
	rate := float64(len(mix)) / inv
	r.OutputTokS = round2(rate * float64(c.OutputTokens))
	r.InputTokS = round2(rate * float64(c.InputTokens))
	r.Notes = append(r.Notes, fmt.Sprintf("a mix of %d output-length classes", len(mix)))
	return r
}

// inputSensitivity is the predicted output rate of an MLPerf point at
// half and at twice its mean input: how far the prediction rests on a
// mean the results do not publish. 0 where the model finds no answer.
func (c *Calibration) inputSensitivity(cat *modelcatalog.Catalog, p Params, pt Point) (half, double float64) {
	at := func(in int) float64 {
		q := pt
		q.InputTokens = max(in, 1)
		cfg, err := c.config(q, cat)
		if err != nil {
			return 0
		}
		r, ok := predictPoint(cfg, q, p)
		if !r.Fits || !ok {
			return 0
		}
		return r.OutputTokS
	}
	return at(pt.InputTokens / 2), at(2 * pt.InputTokens)
}
