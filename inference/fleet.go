package inference

// The sized fleet: the chosen option's counts, capacity, latency and the
// notes that say how they were reached.

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/units"
)

// fleetOf is the fleet of the chosen option: its counts and packing, a
// replica's capacity, each workload's TTFT and the target-tracking rate.
func (r *Request) fleetOf(o option, e *sizingEnv) Fleet {
	f := Fleet{
		TensorParallel: o.tp, WeightsGB: r.Model.WeightsGB, CheckpointGB: r.Model.CheckpointGB(), KVCacheGB: o.kvGB, MaxModelLen: e.maxCtx, MaxNumSeqs: o.maxSeqs,
		InstanceType: o.inst.Type, Instances: o.n, ReplicasPerInstance: o.rpi, Replicas: o.n * o.rpi, GPUs: o.n * o.inst.GPUs,
		PeakUtilization: o.u, PrefixHitRate: o.hit,
		Calibration: e.cal.rows, CalibrationFactor: e.cal.factor,
	}
	if r.Model.WeightsDType == "fp8" {
		// vLLM quantizes BF16 weights to FP8 on load; an FP8 checkpoint
		// says the same in its config. The 4-bit formats (AWQ/GPTQ int4,
		// NVFP4, MXFP4) come only as checkpoints, whose quantization_config
		// vLLM reads: no flag (the spec holds hf_repo to such a checkpoint).
		f.Quantization = "fp8"
	}
	// AWS bills every GPU of an instance, so every GPU serves: a fixed
	// fleet of 4 H100s at TP 4 is a p5.48xlarge, 8 billed, 2 replicas.
	f.BilledGPUs = f.GPUs
	if r.Explain {
		// Sweeps and searches read only whether the targets are met (the
		// search's TTFT of the workloads with one, at the load rounded up
		// to the per cent); the plan reports each at the load itself.
		o.routes, o.meets = r.latency(&o, e, true)
	}
	f.Routes, f.MeetsTTFT = o.routes, o.meets
	if o.u < 1 {
		for _, rt := range o.routes {
			f.TTFTMs = math.Max(f.TTFTMs, rt.TTFTMs)
		}
	}
	per := float64(o.rpi)
	f.Throughput = modelcatalog.Throughput{
		Model: r.Model.ID, GPU: r.GPU.ID, TensorParallel: o.tp, PrefillTokS: o.capIn / per, DecodeTokS: o.capOut / per,
		TTFTMs: f.TTFTMs, Concurrency: max(1, o.sat.running*o.tp/o.unit), InputTokens: e.shape.in, OutputTokens: e.shape.out,
		Engine: "vLLM " + VLLMVersion,
		Source: modelcatalog.Source{Source: perfSource, AsOf: perf.CalibratedOn, Estimate: true},
	}
	// A request carries about the mean context as input: an instance at
	// the target takes its saturated request rate × the target.
	f.TargetRequestsPerMinute = math.Round(o.capIn / e.mean * e.target * 60)
	f.OverLimit = o.over || f.BilledGPUs > modelcatalog.MaxFleetGPUs
	if r.Explain {
		f.Notes = r.notes(o, e, f)
	}
	return f
}

// notes say how the fleet was sized: capacity, calibration, expert
// parallelism, the prefix cache, latency, and the fleet cap.
func (r *Request) notes(o option, e *sizingEnv, f Fleet) []string {
	fac := o.sat.factors
	unit := "a replica"
	if o.units == 1 && o.rpi > 1 {
		unit = fmt.Sprintf("an instance's %d ranks of TP %d, run as one expert-parallel group over %d GPUs (--enable-expert-parallel; every step synchronised),", o.rpi, o.tp, o.unit)
	}
	out := []string{fmt.Sprintf("capacity from the performance model (vLLM): at %d in / %d out tokens a request, %.0f%% of input from the prefix cache, %s serves at most %.0f output tok/s (memory efficiency %.2f, compute %.2f on %s); the fleet is sized at %.0f%% of that",
		e.shape.in, e.shape.out, 100*o.hit, unit, o.capOut/float64(o.units), fac.MemoryEfficiency, fac.ComputeEfficiency, fac.Generation, 100*e.target)}
	out = append(out, e.cal.note(r.Model.ID, r.GPU.ID))
	if n := r.prefixNote(o); n != "" {
		out = append(out, n)
	}
	out = append(out, r.latencyNote(o, e))
	if c := o.passed; c != nil {
		out = append(out, passedNote(o, c))
	}
	switch {
	case f.OverLimit && r.FixedGPUs > 0:
		out = append(out, fmt.Sprintf("the fixed fleet's %d instances are more than %s: the stack would not launch it", f.Instances, r.limitText()))
	case f.OverLimit && r.fewest(o.tp, o.rpi, e) > r.instanceCap(o.inst):
		out = append(out, fmt.Sprintf("the minimum of %d replicas needs %d instances, more than %s: the stack would not launch it", e.minReplicas, f.Instances, r.limitText()))
	case f.OverLimit:
		out = append(out, fmt.Sprintf("the load needs more than %s: the counts shown are those of the first fleet past the cap (a whole number of instances), not what the load needs", r.limitText()))
	}
	return out
}

// latencyNote gives each workload's TTFT at the peak and what the search
// did to meet the targets.
func (r *Request) latencyNote(o option, e *sizingEnv) string {
	fixed := r.FixedGPUs > 0
	if o.u >= 1 {
		return fmt.Sprintf("at %.0f%% of its capacity at peak the fleet's queue grows without bound: no time to first token holds", 100*o.u)
	}
	var each []string
	for i, rt := range o.routes {
		name := rt.Workload
		if name == "" {
			name = "a request"
		}
		s := fmt.Sprintf("%s (%d-token prompt) %s", name, max(e.work[i].ContextTokens, 1), units.Millis(math.Round(rt.TTFTMs)))
		if rt.MaxTTFTMs > 0 {
			s += fmt.Sprintf(", target %g ms", rt.MaxTTFTMs)
		}
		each = append(each, s)
	}
	note := fmt.Sprintf("p95 time to first token from the performance model at the peak's %.1f%% of capacity: %s", 100*o.u, strings.Join(each, "; "))
	switch {
	case o.n > o.capN:
		note += fmt.Sprintf("; the load needs %d instance(s) at the target utilization, %d are sized so that every workload meets its max_ttft_ms and the load balancer's %d s idle timeout", o.capN, o.n, IdleTimeoutSeconds)
	case !o.meets && fixed:
		note += fmt.Sprintf("; the fixed fleet misses a TTFT target or the load balancer's %d s idle timeout at this load", IdleTimeoutSeconds)
	case !o.meets:
		note += fmt.Sprintf("; no tensor-parallel size, instance type and instance count within %s meets every target: the fleet is sized for the load and misses it", r.limitText())
	}
	return note
}

// passedNote says why a fixed fleet runs a dearer layout of its GPUs than
// the cheapest, c: c carries not the peak or misses a TTFT target. The
// dearer layout answers sooner, so where a lighter load lets the cheaper
// one serve, the fleet's time to first token there can be above this
// one's: within a layout it rises with the load.
func passedNote(o option, c *option) string {
	why := fmt.Sprintf("would run at %.0f%% of its capacity at peak", 100*c.u)
	if c.u < 1 {
		why = "misses a TTFT target"
		for _, rt := range c.routes {
			if !rt.Meets && rt.MaxTTFTMs > 0 && rt.TTFTMs > 0 {
				why = fmt.Sprintf("misses %s's TTFT target (%s p95 against %s)", rt.Workload, units.Millis(math.Round(rt.TTFTMs)), units.Millis(rt.MaxTTFTMs))
				break
			}
		}
	}
	return fmt.Sprintf("layout: the fixed fleet runs as %d × %s at tensor-parallel size %d, not as the cheaper %d × %s at tensor-parallel size %d, which %s; at a load that layout serves it would be chosen, with a later first token than this one's",
		o.n, o.inst.Type, o.tp, c.n, c.inst.Type, c.tp, why)
}
