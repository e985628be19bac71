package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/costgate/costgate/inference/perf"
)

// PerfOutputter renders costgate perf.
type PerfOutputter interface {
	Outputter
	Perf(w io.Writer, a perf.Answer) error
}

func (textFormat) Perf(w io.Writer, a perf.Answer) error { return perfText(w, a) }
func (jsonFormat) Perf(w io.Writer, a perf.Answer) error { return writeJSON(w, a) }

// perfText writes the performance model's answer for a person.
func perfText(w io.Writer, a perf.Answer) error {
	b := &strings.Builder{}
	load := "concurrency max (saturation)"
	switch {
	case a.RequestRate != nil:
		load = fmt.Sprintf("request rate %s a second, arriving at random (open loop)", strconv.FormatFloat(*a.RequestRate, 'f', -1, 64))
	case a.Concurrency != nil:
		load = fmt.Sprintf("concurrency %d", *a.Concurrency)
	}
	fmt.Fprintf(b, "%s (%s) on %d × %s, TP %d, %s weights, %s KV cache, %s\n", a.Model, a.HFRepo, a.GPUs, a.GPU, a.TP, a.Precision, a.KVPrecision, a.Engine)
	fmt.Fprintf(b, "%d input / %d output tokens a request, %s, %d tokens a step\n\n", a.InputTokens, a.OutputTokens, load, a.MaxNumBatchedTokens)
	if !a.Fits {
		fmt.Fprintf(b, "does not fit: %s\n", a.Reason)
	} else {
		fmt.Fprintf(b, "output tokens/s (all GPUs)  %.0f\n", a.OutputTokS)
		fmt.Fprintf(b, "input tokens/s (all GPUs)   %.0f\n", a.InputTokS)
		if a.TTFTMs != nil {
			fmt.Fprintf(b, "TTFT mean / p95 / p99.9     %.0f / %.0f / %.0f ms\n", *a.TTFTMs, *a.TTFTP95Ms, *a.TTFTP999Ms)
		} else {
			fmt.Fprintf(b, "TTFT                        queueing at saturation\n")
		}
		fmt.Fprintf(b, "TPOT mean                   %.1f ms\n", a.TPOTMs)
		fmt.Fprintf(b, "KV cache                    %d sequences (%.1f GB a GPU beside %.1f GB of weights)\n", a.KVCacheSequences, a.KVCacheGBPerGPU, a.WeightsGBPerGPU)
		fmt.Fprintf(b, "running sequences           %d over %d replica(s), decode %s-bound\n", a.RunningSequences, a.Replicas, a.DecodeBound)
	}
	// A deployment refused before its factors were chosen (more GPUs than
	// an instance holds) has none to show.
	if f := a.Factors; f.Engine != "" {
		fmt.Fprintf(b, "factors (%s on %s)       memory %.3f, compute %.3f, step %.2f ms, request %.1f ms\n",
			f.Engine, f.Generation, f.MemoryEfficiency, f.ComputeEfficiency, f.StepOverheadMs, f.RequestOverheadMs)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
	for _, t := range a.Measured {
		kind := "catalog benchmark"
		if t.Estimate || t.DerivedFrom != "" {
			kind = "catalog estimate"
		}
		fmt.Fprintf(b, "%s at TP %d: %.0f output tok/s a replica at concurrency %d, %d in / %d out (%s)\n",
			kind, t.TensorParallel, t.DecodeTokS, t.Concurrency, t.InputTokens, t.OutputTokens, t.Source.Source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
