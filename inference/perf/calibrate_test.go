package perf

import (
	"bytes"
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/modelcatalog"
)

const (
	sizingDoc   = "../../docs/SIZING.md"
	beginMarker = "<!-- BEGIN calibration (go generate ./inference/perf) -->\n"
	endMarker   = "<!-- END calibration -->\n"
)

// reportOnly rewrites docs/SIZING.md's calibration section from the
// factors in factors_gen.go without refitting, after a change that moves
// no point (a source's note): go test ./inference/perf -run
// TestCalibration -report. The fit's own check below still fails if a
// point did move.
var reportOnly = flag.Bool("report", false, "rewrite docs/SIZING.md's calibration section from factors_gen.go, without refitting")

func loadCalibration(t testing.TB) (*Calibration, *modelcatalog.Catalog) {
	t.Helper()
	cat := modelcatalog.Default()
	f, err := os.Open("testdata/calibration.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := LoadCalibration(f, cat)
	if err != nil {
		t.Fatal(err)
	}
	return c, cat
}

// TestCalibration checks that docs/SIZING.md's calibration section is the
// report of the factors in factors_gen.go, that every source has its
// leave-one-out fit there, and that the factors are a fit: no factor moved
// by 2 % within its bounds lowers the objective by 1 %. With -update it refits
// everything (a few seconds a fit) and rewrites both files; with -report it
// rewrites the doc from the factors as they are.
func TestCalibration(t *testing.T) {
	c, cat := loadCalibration(t)
	fit, without := Fitted, FittedWithout
	if golden.Updating() {
		fit, without = c.Fit(cat, ""), c.FitWithout(cat)
		src, err := GoSource(fit, without)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("factors_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report := c.Report(cat, fit, c.LeaveOneOut(cat, without))
	doc, err := os.ReadFile(sizingDoc)
	if err != nil {
		t.Fatal(err)
	}
	start, end := bytes.Index(doc, []byte(beginMarker)), bytes.Index(doc, []byte(endMarker))
	if start < 0 || end < start {
		t.Fatalf("%s has no %q … %q section", sizingDoc, strings.TrimSpace(beginMarker), strings.TrimSpace(endMarker))
	}
	newDoc := string(doc[:start+len(beginMarker)]) + report + string(doc[end:])
	if golden.Updating() || *reportOnly {
		if err := os.WriteFile(sizingDoc, []byte(newDoc), 0o644); err != nil {
			t.Fatal(err)
		}
		if golden.Updating() {
			return
		}
	} else if string(doc) != newDoc {
		t.Errorf("%s's calibration section is stale: run go generate ./inference/perf", sizingDoc)
	}
	for _, s := range c.Sources {
		if _, ok := without[s.ID]; !ok {
			t.Errorf("factors_gen.go has no fit without %s: run go generate ./inference/perf", s.ID)
		}
	}
	base := c.objective(cat, fit, "")
	for _, k := range knobs() {
		for _, f := range []float64{1.02, 1 / 1.02} {
			p := fit.clone()
			v := k.get(fit) * f
			if v < k.lo || v > k.hi {
				continue
			}
			k.set(&p, v)
			if o := c.objective(cat, p, ""); o < base*(1-1e-2) {
				t.Errorf("%s × %.2f lowers the objective from %.4f to %.4f: factors_gen.go is not the fit; run go generate ./inference/perf", k.name, f, base, o)
			}
		}
	}
}

// TestCalibrationGoals holds the model to its goals on the published
// measurements: median throughput error ≤ 20 %, TTFT ≤ 40 %, TPOT ≤ 30 %,
// no prediction off by more than 2.5×, and no point it says cannot run.
func TestCalibrationGoals(t *testing.T) {
	c, cat := loadCalibration(t)
	s := Summarise(c.Evaluate(cat, Fitted))
	if s.Misses > 0 {
		t.Errorf("%d calibration points predicted not to fit", s.Misses)
	}
	for _, g := range []struct {
		name      string
		got, goal float64
	}{{"throughput", s.MedianThroughputErr, 0.20}, {"TTFT", s.MedianTTFTErr, 0.40}, {"TPOT", s.MedianTPOTErr, 0.30}} {
		if g.got > g.goal {
			t.Errorf("median %s error %.0f %% > %.0f %%", g.name, 100*g.got, 100*g.goal)
		}
	}
	if s.WorstFactor > 2.5 {
		t.Errorf("worst prediction off by %.2f× > 2.5×", s.WorstFactor)
	}
}

// TestNIMEngineCompiled checks that a point of NIM 1.x's TensorRT-LLM
// profiles runs a compiled engine whether or not it says so.
func TestNIMEngineCompiled(t *testing.T) {
	c, cat := loadCalibration(t)
	for _, tc := range []struct {
		engine, version string
		compiled, want  bool
	}{
		{"tensorrt-llm", "NIM 1.8.0", false, true},
		{"tensorrt-llm", "NIM 1.3.0", true, true},
		{"tensorrt-llm", "1.0.0", false, false},
		{"tensorrt-llm", "0.17.0", true, true},
		{"vllm", "NIM 1.8.0", false, false},
	} {
		pt := Point{Source: c.Sources[0].ID, Model: "llama-3.1-8b", GPU: "h100", Engine: tc.engine, EngineVersion: tc.version, TP: 1,
			Precision: "fp8", InputTokens: 200, OutputTokens: 200, Concurrency: 1, Compiled: tc.compiled}
		cfg, err := c.config(pt, cat)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Compiled != tc.want {
			t.Errorf("%s %s (compiled %v): Config.Compiled %v, want %v", tc.engine, tc.version, tc.compiled, cfg.Compiled, tc.want)
		}
	}
}

// TestVLLMV0PrefillsEagerly checks that a point of vLLM's V0 engine (a
// release before 0.8, or a version that says V0) captures decode steps
// only, so its prompts pay every kernel's launch: a longer TTFT than the
// same point under V1's piecewise graphs, and the same TPOT at one
// request.
func TestVLLMV0PrefillsEagerly(t *testing.T) {
	c, cat := loadCalibration(t)
	for _, tc := range []struct {
		version string
		graphs  int
		want    int
	}{
		{"0.7.3", 0, -1},
		{"card's wheel (V0 engine, 2025-02)", 0, -1},
		{"0.8.5", 0, 0},
		{"0.11.0", 0, 0},
		{"InferenceX 2025-10-23", 0, 0},
		{"unstated (2025-07)", 0, 0},
		{"0.6.0", 512, 512},
	} {
		pt := Point{Source: c.Sources[0].ID, Model: "llama-3.1-8b", GPU: "h100", Engine: "vllm", EngineVersion: tc.version, TP: 1,
			Precision: "bf16", InputTokens: 200, OutputTokens: 300, Concurrency: 1, CUDAGraphTokens: tc.graphs}
		cfg, err := c.config(pt, cat)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.GraphTokens != tc.want {
			t.Errorf("vLLM %q (cuda_graph_tokens %d): GraphTokens %d, want %d", tc.version, tc.graphs, cfg.GraphTokens, tc.want)
		}
	}
	pt := Point{Source: c.Sources[0].ID, Model: "llama-3.1-8b", GPU: "h100", Engine: "vllm", TP: 1,
		Precision: "bf16", InputTokens: 200, OutputTokens: 300, Concurrency: 1, Offline: true}
	v0, v1 := pt, pt
	v0.EngineVersion, v1.EngineVersion = "0.7.3", "0.11.0"
	c0, _ := c.config(v0, cat)
	c1, _ := c.config(v1, cat)
	r0, r1 := Predict(c0), Predict(c1)
	// Llama-3.1-8B's 32 layers launch 9 kernels each instead of 2.
	extra := 32 * (kernelsDense - kernelsPiecewise) * Fitted.PrefillKernelUs["vllm"] / 1e3
	if got := *r0.TTFTMs - *r1.TTFTMs; math.Abs(got-extra) > 0.1*extra {
		t.Errorf("V0's TTFT %.1f ms is %.1f ms above V1's %.1f, want the eager launches' %.1f", *r0.TTFTMs, got, *r1.TTFTMs, extra)
	}
	if r0.TPOTMs != r1.TPOTMs {
		t.Errorf("V0's TPOT %.2f ms differs from V1's %.2f: decode steps are graphed under both", r0.TPOTMs, r1.TPOTMs)
	}
}

// TestCappedBurstDrain checks the batch a burst of varied lengths runs on
// average: N / ln N where the answers are exponential (the longest is ln N
// means), N × mean / cap where every answer has a cap below that (the
// burst ends at the cap), and N where the answers all reach it.
func TestCappedBurstDrain(t *testing.T) {
	c, cat := loadCalibration(t)
	for _, tc := range []struct {
		out, cap, want int
	}{
		{345, 0, 22},    // 100 / ln 100
		{345, 512, 67},  // 100 × 345 / 512
		{345, 4096, 22}, // a cap beyond the longest answer
		{256, 256, 100}, // every answer at its cap
		{257, 256, 100}, // a mean above the cap (re-tokenized) still lasts one mean
	} {
		pt := Point{Source: c.Sources[0].ID, Model: "llama-3.1-8b", GPU: "h100", Engine: "vllm", TP: 1, Precision: "bf16",
			InputTokens: 250, OutputTokens: tc.out, Burst: 100, VariedLengths: true, MaxTokens: tc.cap}
		cfg, err := c.config(pt, cat)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Concurrency != tc.want {
			t.Errorf("a burst of 100 answers of %d tokens on average, capped at %d: %d running on average, want %d", tc.out, tc.cap, cfg.Concurrency, tc.want)
		}
	}
}
