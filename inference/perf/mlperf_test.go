package perf

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestLoadCalibrationKinds: the loader accepts the MLPerf kinds with what
// they need and refuses an unknown kind, a Server point without its
// bounds, bounds on a point that has none, and an MLPerf point at a fixed
// concurrency, each naming the point.
func TestLoadCalibrationKinds(t *testing.T) {
	server := map[string]any{"kind": KindMLPerfServer, "ttft_bound_ms": 2000.0, "tpot_bound_ms": 200.0, "ttft_p99_ms": 436.3, "tpot_p99_ms": 132.4}
	tests := []struct {
		name string
		edit map[string]any // fields set on a valid saturation point
		want string         // "" for no error, else a part of it
	}{
		{"plain saturation point", nil, ""},
		{"mlperf offline", map[string]any{"kind": KindMLPerfOffline}, ""},
		{"mlperf server", server, ""},
		{"unknown kind", map[string]any{"kind": "mlperf-singlestream"}, `unknown kind "mlperf-singlestream"`},
		{"server without bounds", map[string]any{"kind": KindMLPerfServer}, "needs positive ttft_bound_ms and tpot_bound_ms"},
		{"server without its TPOT bound", map[string]any{"kind": KindMLPerfServer, "ttft_bound_ms": 2000.0}, "needs positive ttft_bound_ms and tpot_bound_ms"},
		{"server with a negative bound", map[string]any{"kind": KindMLPerfServer, "ttft_bound_ms": -1.0, "tpot_bound_ms": 200.0}, "needs positive"},
		{"offline with bounds", map[string]any{"kind": KindMLPerfOffline, "ttft_bound_ms": 2000.0, "tpot_bound_ms": 200.0}, "has no latency bounds"},
		{"bounds on a plain point", map[string]any{"ttft_bound_ms": 2000.0}, "latency bounds and p99 latencies belong to kind"},
		{"a p99 on a plain point", map[string]any{"tpot_p99_ms": 40.0}, "latency bounds and p99 latencies belong to kind"},
		{"mlperf at a concurrency", map[string]any{"kind": KindMLPerfOffline, "concurrency": 64}, "no concurrency or burst"},
		{"mlperf in a burst", map[string]any{"kind": KindMLPerfOffline, "burst": 1000}, "no concurrency or burst"},
		{"mlperf with a mean TTFT", map[string]any{"kind": KindMLPerfOffline, "ttft_ms": 300.0}, "ttft_p99_ms"},
		{"offline with an output mix", map[string]any{"kind": KindMLPerfOffline, "output_mix": []int{60, 250, 700}}, ""},
		{"output mix on a server point", map[string]any{"kind": KindMLPerfServer, "ttft_bound_ms": 2000.0, "tpot_bound_ms": 200.0, "output_mix": []int{60, 700}}, "output_mix needs positive lengths on a point of kind"},
		{"output mix on a plain point", map[string]any{"output_mix": []int{60, 700}}, "output_mix needs positive lengths"},
		{"output mix with an empty class", map[string]any{"kind": KindMLPerfOffline, "output_mix": []int{0, 700}}, "output_mix needs positive lengths"},
		{"output mix of one class", map[string]any{"kind": KindMLPerfOffline, "output_mix": []int{274}}, "output_mix of one class"},
		{"mlperf without a result", map[string]any{"kind": KindMLPerfOffline, "output_tok_s": 0.0, "tpot_ms": 0.0}, "needs the result's output_tok_s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := map[string]any{"source": "s", "model": "llama-2-70b", "gpu": "b200", "engine": "tensorrt-llm", "engine_version": "1.0",
				"tp": 1, "gpus": 8, "precision": "fp4", "kv_precision": "fp8", "input_tokens": 350, "output_tokens": 274,
				"concurrency": 0, "output_tok_s": 101527.0}
			for k, v := range tt.edit {
				pt[k] = v
			}
			doc, err := json.Marshal(map[string]any{"models": []any{},
				"sources": []any{map[string]any{"id": "s", "title": "t", "url": "https://example.org", "as_of": "2026-12-05"}},
				"points":  []any{map[string]any{"source": "s", "model": "llama-2-70b", "gpu": "h100", "engine": "vllm", "engine_version": "0.10", "tp": 2, "precision": "fp8", "input_tokens": 1000, "output_tokens": 100, "concurrency": 8, "output_tok_s": 500.0}, pt}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadCalibration(strings.NewReader(string(doc)), modelcatalog.Default())
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want no error, got %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("want an error with %q, got none", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not say %q", err, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), "points[1] (s: llama-2-70b on b200)"):
				t.Fatalf("error %q does not name the point", err)
			}
		})
	}
}

// mlperfServerConfig is the Llama-2-70B Server setup of an MLPerf
// submission: eight B200 each running TP1 at FP4, in process.
func mlperfServerConfig(t *testing.T) Config {
	c := cfg(t, "llama-2-70b", "b200", 1)
	c.GPUs, c.Engine, c.Precision, c.KVPrecision = 8, "tensorrt-llm", "fp4", "fp8"
	c.Compiled, c.Offline, c.MaxNumTokens = true, true, 3584
	c.InputTokens, c.OutputTokens, c.Concurrency = 350, 274, 0
	return c
}

// TestServerSearch: the Server result meets its bounds, the next load
// tried does not, it never exceeds the saturated rate, a looser bound
// never lowers it and a tighter TTFT bound never raises it.
func TestServerSearch(t *testing.T) {
	c := mlperfServerConfig(t)
	sat := predict(c, Fitted)
	ttfts := []float64{150, 300, 450, 800, 1200, 2000, 4000, 8000}
	tpots := []float64{20, 30, 40, 60, 100, 200, 400}
	got := make([][]float64, len(ttfts))
	for i, ttft := range ttfts {
		got[i] = make([]float64, len(tpots))
		for j, tpot := range tpots {
			r, ok := maxLoadWithin(c, Fitted, ttft, tpot)
			if !ok {
				continue
			}
			got[i][j] = r.OutputTokS
			if r.ttftP99Ms > ttft || r.TPOTMs > tpot {
				t.Errorf("bounds %.0f / %.0f ms: the answer's p99 TTFT %.0f ms and TPOT %.1f ms break them", ttft, tpot, r.ttftP99Ms, r.TPOTMs)
			}
			if r.OutputTokS > sat.OutputTokS {
				t.Errorf("bounds %.0f / %.0f ms: %.0f tok/s above the saturated %.0f", ttft, tpot, r.OutputTokS, sat.OutputTokS)
			}
			if r.TTFTP95Ms == nil || r.ttftP99Ms < *r.TTFTP95Ms || *r.TTFTP95Ms < *r.TTFTMs {
				t.Errorf("bounds %.0f / %.0f ms: want mean ≤ p95 ≤ p99 TTFT, got %v, %v, %.0f", ttft, tpot, r.TTFTMs, r.TTFTP95Ms, r.ttftP99Ms)
			}
			d, base, limit, capacity := saturation(c, Fitted)
			share := r.OutputTokS / sat.OutputTokS
			if next := d.atRate(base, limit, capacity, (share+1.0/serverSteps)*capacity); share < 1-1.5/serverSteps && next.ttftP99Ms <= ttft && next.TPOTMs <= tpot {
				t.Errorf("bounds %.0f / %.0f ms: the load above %.3f also meets them", ttft, tpot, share)
			}
		}
	}
	for i := range ttfts {
		for j := range tpots {
			if i > 0 && got[i][j] < got[i-1][j] {
				t.Errorf("TTFT bound %.0f → %.0f ms (TPOT %.0f): %.0f → %.0f tok/s, a looser bound lowered it", ttfts[i-1], ttfts[i], tpots[j], got[i-1][j], got[i][j])
			}
			if j > 0 && got[i][j] < got[i][j-1] {
				t.Errorf("TPOT bound %.0f → %.0f ms (TTFT %.0f): %.0f → %.0f tok/s, a looser bound lowered it", tpots[j-1], tpots[j], ttfts[i], got[i][j-1], got[i][j])
			}
		}
	}
	// The grid is not degenerate: the tightest bounds and the loosest
	// answer differently.
	if first, last := got[0][0], got[len(ttfts)-1][len(tpots)-1]; last <= first {
		t.Errorf("loosest bounds give %.0f tok/s, not above the tightest's %.0f", last, first)
	}
	if _, ok := maxLoadWithin(c, Fitted, 1, 1); ok {
		t.Error("a 1 ms TTFT bound met")
	}
}

// TestOutputMix: a mix of one length is that length's prediction, and a
// wider spread of outputs around the same mean serves fewer tokens a
// second (long answers hold the KV cache longest), never more than the
// mean request.
func TestOutputMix(t *testing.T) {
	c := mlperfServerConfig(t)
	c.Model, c.InputTokens, c.OutputTokens = cfg(t, "deepseek-r1", "b200", 1).Model, 350, 3700
	mean := predict(c, Fitted)
	if same := predictMix(c, []int{3700, 3700}, Fitted); same.OutputTokS != mean.OutputTokS {
		t.Errorf("a mix of equal classes serves %.0f tok/s, the mean request %.0f", same.OutputTokS, mean.OutputTokS)
	}
	prev := mean.OutputTokS
	for _, mix := range [][]int{{3000, 4400}, {1700, 5700}, {500, 1000, 2000, 4000, 11000}, {100, 100, 100, 100, 18100}} {
		r := predictMix(c, mix, Fitted)
		if !r.Fits || r.OutputTokS > prev {
			t.Errorf("mix %v: %.0f tok/s, want at most %.0f (the narrower mix's)", mix, r.OutputTokS, prev)
		}
		prev = r.OutputTokS
	}
	if prev > 0.8*mean.OutputTokS {
		t.Errorf("the widest mix serves %.0f tok/s, not clearly under the mean request's %.0f", prev, mean.OutputTokS)
	}
}
