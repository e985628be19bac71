package perf

import (
	"math"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPredictAt: TTFT rises with the offered load and is nil at capacity;
// the throughput is the load served; a cached prefix and shorter prompts
// shorten TTFT; the p95 is never under the mean, nor the p99.9 under the
// p95, and the p99.9 rises with the load too.
func TestPredictAt(t *testing.T) {
	for _, tc := range []struct{ model, gpu string }{{"llama-3.1-8b", "h100"}, {"qwen3-30b-a3b", "h100"}, {"llama-3.3-70b", "h200"}} {
		c := cfg(t, tc.model, tc.gpu, 1)
		c.InputTokens, c.OutputTokens = 8000, 400
		sc := c
		sc.Concurrency = 0
		sat := Predict(sc)
		var prev, prevTail float64
		for _, u := range []float64{0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97} {
			r := PredictAt(c, u)
			if !r.Fits || r.TTFTMs == nil || r.TTFTP95Ms == nil {
				t.Fatalf("%s u=%.2f: want a fit with TTFT, got %+v", tc.model, u, r)
			}
			if *r.TTFTP95Ms < *r.TTFTMs {
				t.Errorf("%s u=%.2f: p95 %.0f ms under the mean %.0f", tc.model, u, *r.TTFTP95Ms, *r.TTFTMs)
			}
			if r.TTFTP999Ms == nil || *r.TTFTP999Ms < *r.TTFTP95Ms {
				t.Errorf("%s u=%.2f: p99.9 %v ms under the p95 %.0f", tc.model, u, deref(r.TTFTP999Ms), *r.TTFTP95Ms)
			}
			if *r.TTFTP999Ms < prevTail {
				t.Errorf("%s u=%.2f: p99.9 TTFT %.0f ms fell from %.0f", tc.model, u, *r.TTFTP999Ms, prevTail)
			}
			prevTail = *r.TTFTP999Ms
			if *r.TTFTMs < prev {
				t.Errorf("%s u=%.2f: TTFT %.0f ms fell from %.0f", tc.model, u, *r.TTFTMs, prev)
			}
			prev = *r.TTFTMs
			if u > 0 && math.Abs(r.OutputTokS/(u*sat.OutputTokS)-1) > 0.01 {
				t.Errorf("%s u=%.2f: serves %.0f tok/s, want %.0f", tc.model, u, r.OutputTokS, u*sat.OutputTokS)
			}
		}
		if r := PredictAt(c, 1); !r.Fits || r.TTFTMs != nil || r.OutputTokS != sat.OutputTokS {
			t.Errorf("%s at capacity: want the saturated rate and no TTFT, got %+v", tc.model, r)
		}
		half := PredictAt(c, 0.5)
		cached := c
		cached.CachedInputShare = 0.8
		if r := PredictAt(cached, 0.5); *r.TTFTMs >= *half.TTFTMs {
			t.Errorf("%s: 80 %% cached prompt TTFT %.0f ms, not under %.0f", tc.model, *r.TTFTMs, *half.TTFTMs)
		}
		mix := c
		mix.InputTokensP95 = 3 * c.InputTokens
		if r := PredictAt(mix, 0.5); *r.TTFTP95Ms <= *half.TTFTP95Ms {
			t.Errorf("%s: p95 TTFT with long prompts %.0f ms, not above %.0f", tc.model, *r.TTFTP95Ms, *half.TTFTP95Ms)
		}
	}
}

// TestErlangC checks the queue's waiting probability against the textbook
// sum, C = (a^s/s!)(s/(s−a)) / (Σ_{k<s} a^k/k! + (a^s/s!)(s/(s−a))), and its
// edges.
func TestErlangC(t *testing.T) {
	tests := []struct {
		s    int
		a    float64
		want float64
	}{
		{1, 0.5, 0.5}, // M/M/1: the utilization
		{2, 1, 1.0 / 3},
		{3, 0.81, 0.053702064449631666},
		{10, 7, 0.22173121588381545},
		{100, 90, 0.21694048090636636},
		{4, 0, 0},
		{4, 4, 1}, // at capacity every arrival waits
		{0, 1, 0},
	}
	for _, tt := range tests {
		if got := erlangC(tt.s, tt.a); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("erlangC(%d, %g) = %.12f, want %.12f", tt.s, tt.a, got, tt.want)
		}
	}
	// Thousands of slots: no overflow, and a load well below them waits
	// almost never.
	if got := erlangC(5000, 4000); got < 0 || got > 1e-9 {
		t.Errorf("erlangC(5000, 4000) = %g, want ~0", got)
	}
}

// TestPromptWithinTheMix: a workload's prompt asked within a fleet's mix
// (InputTokensP95) waits behind the mix's queued prefills and decodes
// beside its batch. A short prompt among long ones waits longer than in
// a fleet of short prompts alone at the same utilization (the long
// prompts' chunks hold the step's token budget first come, first
// served), and a long prompt among short ones less than in a fleet of
// long prompts alone (whose queue is all long prefills); within the mix
// the mean prompt falls between them, and each rises with the load.
func TestPromptWithinTheMix(t *testing.T) {
	const short, long = 2048, 32768
	c := cfg(t, "qwen3-30b-a3b", "h100", 1)
	mix := c
	mix.InputTokens, mix.OutputTokens = (short+long)/2, 1000
	alone := func(in int) Config {
		a := c
		a.InputTokens, a.OutputTokens = in, 1000
		return a
	}
	p95 := func(c Config, u float64) float64 {
		r := PredictAt(c, u)
		if !r.Fits || r.TTFTP95Ms == nil {
			t.Fatalf("%d/%d in the mix at u=%.2f: no TTFT: %+v", c.InputTokensP95, c.InputTokens, u, r)
		}
		return *r.TTFTP95Ms
	}
	var prevShort, prevLong float64
	for _, u := range []float64{0.2, 0.4, 0.6} {
		s, l := mix, mix
		s.InputTokensP95, l.InputTokensP95 = short, long
		ms, ml := p95(s, u), p95(l, u)
		if as := p95(alone(short), u); ms <= as {
			t.Errorf("u=%.1f: a %d-token prompt among %d-token ones waits %.0f ms at the p95, no longer than alone (%.0f ms)", u, short, long, ms, as)
		}
		if al := p95(alone(long), u); ml >= al {
			t.Errorf("u=%.1f: a %d-token prompt among %d-token ones waits %.0f ms at the p95, no shorter than among its own kind (%.0f ms)", u, long, short, ml, al)
		}
		if own := p95(mix, u); ms >= own || ml <= own {
			t.Errorf("u=%.1f: the mix's own %d-token prompt waits %.0f ms at the p95; its %d-token one %.0f ms and its %d-token one %.0f ms should fall either side", u, mix.InputTokens, own, short, ms, long, ml)
		}
		if ml < ms {
			t.Errorf("u=%.1f: the %d-token prompt's p95 %.0f ms is under the %d-token one's %.0f ms", u, long, ml, short, ms)
		}
		if ms < prevShort || ml < prevLong {
			t.Errorf("u=%.1f: the p95 fell with the load: short %.0f -> %.0f ms, long %.0f -> %.0f ms", u, prevShort, ms, prevLong, ml)
		}
		prevShort, prevLong = ms, ml
	}
}

// TestRememberedCurve: PredictAt, which remembers a configuration's
// saturation and the lives of the batches it searched (shared by
// configurations apart only in their p95 prompt), answers as the
// prediction made afresh, at every load, in any order, from goroutines at
// once; and a model edited in place is predicted afresh.
func TestRememberedCurve(t *testing.T) {
	loads := []float64{0.97, 0.1, 0.5, 0, 0.5, 0.3, 0.9, 1.2, 0.7, 0.01}
	for _, tc := range []struct{ model, gpu string }{{"llama-3.1-8b", "h100"}, {"qwen3-30b-a3b", "h100"}, {"llama-3.3-70b", "a100-80gb"}} {
		// Configurations apart only in their cached share, or only in
		// their p95 prompt (longer, shorter, the mean's), asked in turn.
		c := cfg(t, tc.model, tc.gpu, 1)
		c.InputTokens, c.OutputTokens, c.InputTokensP95, c.CachedInputShare = 6000, 300, 20000, 0.4
		configs := []Config{c, c, c, c, c}
		configs[1].CachedInputShare = 0
		configs[2].InputTokensP95 = 2000
		configs[3].InputTokensP95 = 0
		configs[4].InputTokensP95 = 9000
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range len(configs) * len(loads) {
					u, c := loads[(i+g)%len(loads)], configs[(i+g/2)%len(configs)]
					if d := cmp.Diff(predictAt(c, Fitted, u), PredictAt(c, u), cmp.AllowUnexported(Result{})); d != "" {
						t.Errorf("%s on %s at %.2f: remembered differs from afresh (-afresh +remembered):\n%s", tc.model, tc.gpu, u, d)
					}
				}
			})
		}
		wg.Wait()
	}
	c := cfg(t, "llama-3.1-8b", "h100", 1)
	c.InputTokens, c.OutputTokens = 4000, 400
	m := *c.Model
	c.Model = &m
	before := PredictAt(c, 0.5)
	m.Layers *= 2
	if after := PredictAt(c, 0.5); *after.TTFTMs <= *before.TTFTMs {
		t.Errorf("twice the layers: TTFT %.0f ms, not above %.0f", *after.TTFTMs, *before.TTFTMs)
	}
}

// TestCurveIsPredictAt: a curve asked at a load is PredictAt at it, notes
// and all, at every load (over capacity and alone included) and asked
// again in any order; a curve's answer is the caller's own to change.
func TestCurveIsPredictAt(t *testing.T) {
	for _, tc := range []struct{ model, gpu string }{{"llama-3.1-8b", "h100"}, {"qwen3-30b-a3b", "h100"}, {"llama-3.3-70b", "h200"}} {
		c := cfg(t, tc.model, tc.gpu, 1)
		c.InputTokens, c.OutputTokens, c.CachedInputShare, c.InputTokensP95 = 8000, 400, 0.4, 24000
		k := CurveOf(c)
		for _, u := range []float64{0.97, 0, -1, 0.5, 1, 1.7, 0.05, 0.5, 0.51, 0.97} {
			got := k.At(u)
			if d := cmp.Diff(PredictAt(c, u), got, cmp.AllowUnexported(Result{})); d != "" {
				t.Errorf("%s on %s at %.2f: the curve differs from PredictAt (-want +got):\n%s", tc.model, tc.gpu, u, d)
			}
			// Remembering nothing: a deployment without its lives.
			if d := cmp.Diff(predictAt(c, Fitted, u), got, cmp.AllowUnexported(Result{})); d != "" {
				t.Errorf("%s on %s at %.2f: the remembered operating points differ from a prediction afresh (-want +got):\n%s", tc.model, tc.gpu, u, d)
			}
			got.Notes = append(got.Notes[:0], "changed")
		}
	}
	// Without a model the curve predicts afresh, as PredictAt does.
	var none Config
	if d := cmp.Diff(PredictAt(none, 0.5), CurveOf(none).At(0.5), cmp.AllowUnexported(Result{})); d != "" {
		t.Errorf("no model: (-want +got):\n%s", d)
	}
}

// TestTTFTRisesWithRate: on a fine grid of loads, every engine, short and
// long prompts and cached shares, the mean, p95 and p99.9 TTFT never fall
// as the load rises (0.3 % of slack: a batch of whole sequences). The
// prompts packed into a prefill step had been the batch the load keeps
// running, and each time it kept one more, every prompt's share of a step
// fell: the p95 of gpt-oss-120b's 1,024-token prompts on one H100 went
// 73.2 → 72.0 ms as the load rose, 2,147 falls on this grid, down to 0.61
// of the load before.
func TestTTFTRisesWithRate(t *testing.T) {
	type fleet struct {
		model, gpu string
		tp         int
	}
	fleets := []fleet{{"gpt-oss-120b", "h100", 1}, {"llama-3.3-70b", "h100", 4}, {"qwen3-30b-a3b", "l40s", 1}, {"llama-3.1-8b", "b200", 1}}
	step := 0.004
	if testing.Short() {
		fleets, step = fleets[:2], 0.01
	}
	checked := 0
	for _, f := range fleets {
		for _, engine := range Engines {
			for _, sh := range [][2]int{{256, 100}, {1024, 400}, {8000, 500}} {
				for _, cached := range []float64{0, 0.22, 0.8} {
					c := cfg(t, f.model, f.gpu, f.tp)
					c.Engine, c.InputTokens, c.OutputTokens, c.CachedInputShare = engine, sh[0], sh[1], cached
					var prev Result
					for u := step / 2; u < 0.98; u += step {
						r := PredictAt(c, u)
						if !r.Fits || r.TTFTMs == nil {
							break
						}
						checked++
						if prev.TTFTMs != nil {
							for _, p := range []struct {
								name    string
								was, is float64
							}{{"mean", *prev.TTFTMs, *r.TTFTMs}, {"p95", *prev.TTFTP95Ms, *r.TTFTP95Ms}, {"p99.9", *prev.TTFTP999Ms, *r.TTFTP999Ms}} {
								if p.is < p.was*(1-3e-3) {
									t.Errorf("%s on %d × %s (%s), %d/%d tokens, %.0f%% cached, at %.3f of capacity: %s TTFT %.2f ms, down from %.2f", f.model, f.tp, f.gpu, engine, sh[0], sh[1], cached*100, u, p.name, p.is, p.was)
								}
							}
						}
						prev = r
					}
				}
			}
		}
	}
	if checked < 2000 {
		t.Errorf("only %d loads checked", checked)
	}
}
