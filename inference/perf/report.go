package perf

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/modelcatalog"
)

// lowConcurrency is the most requests in flight a point counts as low
// concurrency in the report's slices.
const lowConcurrency = 8

// Report renders the calibration section of docs/SIZING.md: the factors
// with their bounds, the sources, the errors in and out of sample by
// slice, every point, and each source left out.
func (c *Calibration) Report(cat *modelcatalog.Catalog, p Params, loo []Row) string {
	var b strings.Builder
	rows := c.Evaluate(cat, p)
	factorTables(&b, p)
	fmt.Fprintf(&b, "\n### Sources\n\n| id | publication | read on | points |\n|---|---|---|---|\n")
	for _, s := range c.Sources {
		n := 0
		for _, pt := range c.Points {
			if pt.Source == s.ID {
				n++
			}
		}
		fmt.Fprintf(&b, "| %s | [%s](%s)%s | %s | %d |\n", s.ID, s.Title, s.URL, noteSuffix(s.Note), s.AsOf, n)
	}
	sliceTable(&b, rows, loo)
	all := Summarise(rows)
	fmt.Fprintf(&b, "\n### Every calibration point\n\nThese summaries, the slices above and the leave-one-source-out table below leave out the MLPerf Inference points (their own table follows this one). In-sample: %d throughput points, median throughput error %.0f %%, median TTFT error %.0f %% (%d points), median TPOT error %.0f %% (%d points), worst factor off %.2f×, %d points the model says cannot run. Ratios are predicted ÷ measured, in sample and with the point's source left out of the fit (LOO).\n\n",
		all.Points, 100*all.MedianThroughputErr, 100*all.MedianTTFTErr, all.TTFTPoints, 100*all.MedianTPOTErr, all.TPOTPoints, all.WorstFactor, all.Misses)
	fmt.Fprintf(&b, "| source | model | GPU × TP (GPUs) | precision | engine | in / out | concurrency | out tok/s measured | predicted | ratio (LOO) | TTFT ms measured | predicted | ratio (LOO) | TPOT ms measured | predicted | ratio (LOO) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range rows {
		if !r.Point.mlperf() {
			b.WriteString(rowLine(r, loo[i]))
		}
	}
	c.mlperfTable(&b, cat, p, rows, loo)
	fmt.Fprintf(&b, "\n### Leave one source out\n\nEach source predicted by factors fitted without it: what the model knows about a publication it has not seen.\n\n")
	fmt.Fprintf(&b, "| source | median throughput error (points) | median TTFT error (points) | median TPOT error (points) | worst factor off (throughput, TTFT) |\n|---|---|---|---|---|\n")
	for _, s := range c.Sources {
		var src []Row
		for _, r := range loo {
			if r.Point.Source == s.ID {
				src = append(src, r)
			}
		}
		fmt.Fprintf(&b, "| %s | %s |\n", s.ID, looCells(Summarise(src)))
	}
	fmt.Fprintf(&b, "| **all, pooled** | %s |\n", looCells(Summarise(loo)))
	return b.String()
}

// factorTables renders the fitted parameters beside their bounds, then
// the effective factors of every engine on every generation.
func factorTables(b *strings.Builder, p Params) {
	fmt.Fprintf(b, "### Fitted factors\n\n| factor | fitted | bounds | prior |\n|---|---|---|---|\n")
	for _, k := range knobs() {
		fmt.Fprintf(b, "| %s | %.3f | %g – %g | %g |\n", k.name, k.get(p), k.lo, k.hi, k.get(Prior))
	}
	fmt.Fprintf(b, "\nA generation's efficiency is the shared one × its multiplier × the engine's scale, held within %g – %g (memory) and %g – %g (compute).\n\n",
		Bounds["memory"][0], Bounds["memory"][1], Bounds["compute"][0], Bounds["compute"][1])
	fmt.Fprintf(b, "| engine | generation | memory efficiency | compute efficiency | step overhead (ms) | kernel (µs) | eager kernel (µs) | MoE reads / FLOPs | request overhead (ms) |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, e := range Engines {
		for _, g := range Generations {
			f := p.factors(e, g, "nvlink", "bf16")
			fmt.Fprintf(b, "| %s | %s | %.3f | %.3f | %.2f | %.2f | %.1f | %.2f / %.2f | %.1f |\n", e, g, f.MemoryEfficiency, f.ComputeEfficiency,
				f.StepOverheadMs, f.KernelUs, f.KernelUs+f.PrefillKernelUs, f.MoEEfficiency, f.MoECompute, f.RequestOverheadMs)
		}
	}
}

// slice is a subset of the points the report summarises.
type slice struct {
	name string
	in   func(Point, *modelcatalog.OpenModel) bool
}

// sliceTable renders the median errors in and out of sample by GPU,
// engine, dense or mixture of experts, and low or high concurrency.
func sliceTable(b *strings.Builder, rows, loo []Row) {
	slices := []slice{{"all", func(Point, *modelcatalog.OpenModel) bool { return true }}}
	gpus, engines := map[string]float64{}, map[string]float64{}
	for _, r := range rows {
		gpus[r.Point.GPU], engines[r.Point.Engine] = 0, 0
	}
	for _, g := range sortedKeys(gpus) {
		slices = append(slices, slice{"GPU " + g, func(p Point, _ *modelcatalog.OpenModel) bool { return p.GPU == g }})
	}
	for _, e := range sortedKeys(engines) {
		slices = append(slices, slice{"engine " + e, func(p Point, _ *modelcatalog.OpenModel) bool { return p.Engine == e }})
	}
	slices = append(slices,
		slice{"dense", func(_ Point, m *modelcatalog.OpenModel) bool { return m != nil && m.Experts == 0 }},
		slice{"mixture of experts", func(_ Point, m *modelcatalog.OpenModel) bool { return m != nil && m.Experts > 0 }},
		slice{fmt.Sprintf("low concurrency (≤ %d)", lowConcurrency), func(p Point, _ *modelcatalog.OpenModel) bool {
			return p.Concurrency > 0 && p.Concurrency <= lowConcurrency
		}},
		slice{fmt.Sprintf("high concurrency (> %d, bursts, saturation)", lowConcurrency), func(p Point, _ *modelcatalog.OpenModel) bool {
			return p.Concurrency == 0 || p.Concurrency > lowConcurrency
		}})
	fmt.Fprintf(b, "\n### Errors by slice\n\nMedian absolute error, in sample and leave-one-source-out (LOO), with the number of points.\n\n")
	fmt.Fprintf(b, "| slice | throughput | throughput LOO | TTFT | TTFT LOO | TPOT | TPOT LOO | worst off | worst off LOO |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range slices {
		var in, out []Row
		for i, r := range rows {
			if s.in(r.Point, r.model) {
				in, out = append(in, r), append(out, loo[i])
			}
		}
		a, l := Summarise(in), Summarise(out)
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.name, pct(a.MedianThroughputErr, a.Points), pct(l.MedianThroughputErr, l.Points),
			pct(a.MedianTTFTErr, a.TTFTPoints), pct(l.MedianTTFTErr, l.TTFTPoints), pct(a.MedianTPOTErr, a.TPOTPoints), pct(l.MedianTPOTErr, l.TPOTPoints),
			worst(a), worst(l))
	}
}

func rowLine(r, loo Row) string {
	pt := r.Point
	gpus := ""
	if pt.GPUs > pt.TP {
		gpus = fmt.Sprintf(" (%d)", pt.GPUs)
	}
	conc := "max"
	switch {
	case pt.Burst > 0 && pt.VariedLengths:
		conc = fmt.Sprintf("burst of %d, varied lengths", pt.Burst)
	case pt.Burst > 0:
		conc = fmt.Sprintf("burst of %d", pt.Burst)
	case pt.Concurrency > 0:
		conc = fmt.Sprint(pt.Concurrency)
	}
	if pt.StreamInterval > 1 {
		conc += fmt.Sprintf(", streamed %d tokens at a time", pt.StreamInterval)
	}
	if pt.BatchWaitIters > 1 {
		conc += fmt.Sprintf(", prompts held %d steps to batch", pt.BatchWaitIters)
	}
	if pt.MaxNumTokens > 0 {
		conc += fmt.Sprintf(", %d tokens a step", pt.MaxNumTokens)
	}
	if pt.TTFTStat == "median" {
		conc += ", median TTFT"
	}
	if pt.SchedulerRecvInterval > 1 {
		conc += fmt.Sprintf(", new requests taken every %d steps", pt.SchedulerRecvInterval)
	}
	if pt.Excluded != "" {
		conc += " (excluded: " + pt.Excluded + ")"
	}
	kv := ""
	if pt.KVPrecision != "" && pt.KVPrecision != "bf16" {
		kv = ", KV " + pt.KVPrecision
	}
	res := r.Predicted
	pThr, pTTFT, pTPOT := "does not fit", "—", "—"
	if res.Fits {
		pThr, pTPOT = fmt.Sprintf("%.0f", res.OutputTokS), fmt.Sprintf("%.1f", res.TPOTMs)
		if res.TTFTMs != nil {
			ttft := *res.TTFTMs
			if pt.TTFTStat == "median" {
				ttft = res.ttftMedianMs
			}
			pTTFT = fmt.Sprintf("%.0f", ttft+float64(pt.heldSteps())*res.TPOTMs)
		}
	}
	return fmt.Sprintf("| %s | %s | %s × %d%s | %s%s | %s %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
		pt.Source, pt.Model, pt.GPU, pt.TP, gpus, pt.Precision, kv, pt.Engine, pt.EngineVersion, pt.InputTokens, pt.OutputTokens, conc,
		measured(pt.OutputTokS, "%.0f"), pThr, ratios(r.Throughput, loo.Throughput),
		measured(pt.TTFTMs, "%.0f"), pTTFT, ratios(r.TTFT, loo.TTFT),
		measured(pt.TPOTMs, "%.1f"), pTPOT, ratios(r.TPOT, loo.TPOT))
}

func measured(x float64, format string) string {
	if x <= 0 {
		return "—"
	}
	return fmt.Sprintf(format, x)
}

func ratios(in, loo float64) string {
	if in <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f (%.2f)", in, loo)
}

func worst(st Stats) string {
	if st.Points+st.TTFTPoints+st.TPOTPoints == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", st.WorstFactor)
}

// looCells renders a leave-one-out row's statistics; a source with no
// point has no worst factor.
func looCells(st Stats) string {
	return fmt.Sprintf("%s | %s | %s | %s", pct(st.MedianThroughputErr, st.Points), pct(st.MedianTTFTErr, st.TTFTPoints),
		pct(st.MedianTPOTErr, st.TPOTPoints), worst(st))
}

func pct(x float64, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f %% (%d)", 100*x, n)
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

// mlperfTable renders the MLPerf Inference points: a dataset's length mix
// at saturation (Offline) or at the highest load within p99 latency
// bounds (Server), shown beside the fit, not in it.
func (c *Calibration) mlperfTable(b *strings.Builder, cat *modelcatalog.Catalog, p Params, rows, loo []Row) {
	var in, out []Row
	for i, r := range rows {
		if r.Point.mlperf() {
			in, out = append(in, r), append(out, loo[i])
		}
	}
	if len(in) == 0 {
		return
	}
	a, l := SummariseMLPerf(in), SummariseMLPerf(out)
	fmt.Fprintf(b, "\n### MLPerf Inference points (shown, not fitted)\n\nA kind of point of its own: a dataset's length mix served by the submission's harness, predicted at the mix's mean lengths, or, for an Offline point whose output lengths are sampled, at the mix of their deciles (the rate at the means beside it); where the results publish no mean input it is an estimate, and the predictions at half and twice it show how far the answer rests on it. Offline is the saturated rate; Server the highest Poisson load, searched in steps of 1/%d of capacity, whose predicted p99 TTFT and mean TPOT stay within the benchmark's p99 bounds. %d points: median throughput error %.0f %% (LOO %.0f %%), worst factor off %s (LOO %s), %d with no answer; not in the fit or the summaries above.\n\n",
		serverSteps, len(in), 100*a.MedianThroughputErr, 100*l.MedianThroughputErr, worst(a), worst(l), a.Misses)
	fmt.Fprintf(b, "| source | benchmark | system (submitter) | model | GPU × TP (GPUs) | precision | engine | mean in / out | p99 bounds TTFT / TPOT ms | out tok/s measured | predicted | ratio (LOO) | at ½× / 2× the mean input | p99 TTFT ms measured | predicted | TPOT ms p99 measured | predicted (mean) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range in {
		pt, res := r.Point, r.Predicted
		gpus := ""
		if pt.GPUs > pt.TP {
			gpus = fmt.Sprintf(" (%d)", pt.GPUs)
		}
		kv := ""
		if pt.KVPrecision != "" && pt.KVPrecision != "bf16" {
			kv = ", KV " + pt.KVPrecision
		}
		bounds, pThr, pTTFT, pTPOT := "—", "does not fit", "—", "—"
		if pt.Kind == KindMLPerfServer {
			bounds = fmt.Sprintf("%.0f / %.0f", pt.TTFTBoundMs, pt.TPOTBoundMs)
		}
		lengths := fmt.Sprintf("%d / %d", pt.InputTokens, pt.OutputTokens)
		if len(pt.OutputMix) > 1 {
			lengths += fmt.Sprintf(" (outputs a mix of %d: %s)", len(pt.OutputMix), joinInts(pt.OutputMix))
		}
		if res.Fits {
			pThr = fmt.Sprintf("%.0f", res.OutputTokS)
			if len(pt.OutputMix) > 1 {
				if cfg, err := c.config(pt, cat); err == nil {
					pThr += fmt.Sprintf(" (at the means %.0f)", predict(cfg, p).OutputTokS)
				}
			}
			if pt.Kind == KindMLPerfServer {
				pTTFT, pTPOT = fmt.Sprintf("%.0f", res.ttftP99Ms), fmt.Sprintf("%.1f", res.TPOTMs)
				if !r.Within {
					pThr = "no load within the bounds"
				}
			}
		}
		half, double := c.inputSensitivity(cat, p, pt)
		fmt.Fprintf(b, "| %s | %s | %s (%s) | %s | %s × %d%s | %s%s | %s %s | %s | %s | %.0f | %s | %s | %s / %s | %s | %s | %s | %s |\n",
			pt.Source, pt.Benchmark, pt.System, pt.Submitter, pt.Model, pt.GPU, pt.TP, gpus, pt.Precision, kv, pt.Engine, pt.EngineVersion,
			lengths, bounds, pt.OutputTokS, pThr, ratios(r.Throughput, out[i].Throughput), measured(half, "%.0f"), measured(double, "%.0f"),
			measured(pt.TTFTP99Ms, "%.0f"), pTTFT, measured(pt.TPOTP99Ms, "%.1f"), pTPOT)
	}
}

// SummariseMLPerf computes the throughput statistics of the MLPerf
// points among rows; a Server point with no load within its bounds is a
// miss.
func SummariseMLPerf(rows []Row) Stats {
	var thr []float64
	s := Stats{WorstFactor: 1}
	for _, r := range rows {
		if !r.Point.mlperf() {
			continue
		}
		if !r.Predicted.Fits || !r.Within || r.Throughput <= 0 {
			s.Misses++
			continue
		}
		thr = append(thr, math.Abs(r.Throughput-1))
		s.WorstFactor = math.Max(s.WorstFactor, off(r.Throughput))
	}
	s.Points, s.MedianThroughputErr = len(thr), median(thr)
	return s
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
