package perf

import (
	"math"
	"testing"
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
