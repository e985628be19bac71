// Package inference sizes a self-hosted vLLM fleet: memory fit, the
// tensor-parallel size, replicas from peak load, and the packing of replicas
// onto the AWS instances that sell the GPU. It also writes the vLLM launch
// arguments of a sized replica.
package inference

import (
	"fmt"
	"math"

	"github.com/costgate/costgate/inference/perf"
	"github.com/costgate/costgate/modelcatalog"
)

// GPUMemoryUtilization is the share of GPU memory vLLM may use
// (vLLM's --gpu-memory-utilization default); the rest holds activations
// and the CUDA context.
const GPUMemoryUtilization = 0.9

// TPScaling is the throughput gained per doubling of the tensor-parallel
// size when the catalog has no figure at the size sizing needs. Basis:
// Llama-3.1-70B FP8 on H100 under vLLM 0.5.4 gives 1,728 / 2,243 / 2,573
// output tok/s at TP 2 / 4 / 8 (LambdaLabsML/vllm-benchmark), about ×1.3
// for the first doubling.
const TPScaling = 1.3

// PrefillMFU is the share of the GPU's dense tensor-core peak that prefill
// reaches. Prefill is compute-bound: about 2 × active parameters FLOPs a
// token. 0.4 is a conservative estimate for long prompts under vLLM's
// chunked prefill (published MFU for large-batch transformer work on H100
// runs 40-60 %).
const PrefillMFU = 0.4

// MaxNumSeqs is vLLM's default --max-num-seqs on an H100, the cap on
// concurrent sequences per replica.
const MaxNumSeqs = 1024

// DefaultTurnsPerSession is the requests a coding-agent session makes when
// the spec does not say (an estimate: an agent task of a few hundred
// thousand tokens re-reads a context of tens of thousands some 20 times).
const DefaultTurnsPerSession = 20

// IdleSessionsPerRunning is how many sessions wait between requests (on
// tools, on the user) for each one whose request runs, each keeping its
// prefix worth caching: an estimate, as agents spend roughly as long
// outside the model as in it.
const IdleSessionsPerRunning = 1.0

// Request is what sizing needs to know.
type Request struct {
	Model *modelcatalog.OpenModel
	GPU   *modelcatalog.GPU
	// Throughput lists the catalog's (and the spec's) figures for this
	// model on this GPU.
	Throughput []modelcatalog.Throughput
	// Instances are the instance types selling the GPU in the region, each
	// with a price for the pricing model; the cheapest packing wins.
	Instances []PricedInstance
	// PeakInputTokS and PeakOutputTokS are the fleet's peak-hour load.
	PeakInputTokS  float64
	PeakOutputTokS float64
	// PeakToAverage is the peak-hour load over the average working-hour
	// load; the baseline fleet carries the average.
	PeakToAverage float64
	// MaxContextTokens is the longest context a request carries; one full
	// context must fit a replica's KV cache.
	MaxContextTokens int
	// MeanContextTokens is the token-weighted mean context, for the
	// number of sequences a replica holds at once.
	MeanContextTokens float64
	TargetUtilization float64
	MinReplicas       int
	// FixedGPUs, when above 0, is the spec's fixed fleet: replicas follow
	// from it rather than from load.
	FixedGPUs int
	// CachedInputShare is the share of input tokens that re-read a prefix
	// the same session sent before (the spec's team.cached_input_share):
	// vLLM's prefix cache (--enable-prefix-caching) serves what it still
	// holds without prefill. TurnsPerSession is how many requests a session
	// makes; 0 takes DefaultTurnsPerSession.
	CachedInputShare float64
	TurnsPerSession  float64
	// Explain asks for Notes; sweeps leave it off.
	Explain bool
}

// PricedInstance is an instance type with the GPU-hour price sizing
// compares packings by.
type PricedInstance struct {
	Type       string
	GPUs       int
	GPUHourUSD float64
}

// Fleet is a sized fleet.
type Fleet struct {
	TensorParallel int
	Replicas       int
	// BaselineReplicas carry the average working-hour load.
	BaselineReplicas    int
	InstanceType        string
	Instances           int
	BaselineInstances   int
	ReplicasPerInstance int
	// GPUs are the GPUs of the instances, all billed (BilledGPUs), a
	// fixed fleet's too: AWS sells no part of an instance.
	GPUs       int
	BilledGPUs int
	WeightsGB  float64
	// KVCacheGB is the memory a replica has left for the KV cache.
	KVCacheGB    float64
	MaxModelLen  int
	MaxNumSeqs   int
	Quantization string // "fp8" when vLLM quantizes the weights on load
	// Throughput is the per-replica figure sizing used, after any scaling.
	Throughput      modelcatalog.Throughput
	PeakUtilization float64
	TTFTMs          float64
	// PrefixHitRate is the share of input the fleet's prefix caches are
	// taken to serve (see prefixHit).
	PrefixHitRate float64
	// TargetRequestsPerMinute is how many requests a minute one instance
	// takes at the target utilization: the auto scaling group's target
	// tracking value on the load balancer's request count per target.
	TargetRequestsPerMinute float64
	// OverLimit is set when the load needs more than
	// modelcatalog.MaxFleetGPUs GPUs: the counts above then stand at the
	// cap's edge, not at what the load needs, and the fleet is not one to
	// provision (the policy capacity.fleet_limit denies it).
	OverLimit bool
	Notes     []string
}

// Size sizes the fleet. It returns an error when the model fits no
// tensor-parallel size on the GPU or the catalog has no throughput figure.
func Size(r Request) (Fleet, error) {
	if r.Model == nil || r.GPU == nil {
		return Fleet{}, fmt.Errorf("size fleet: model and GPU are required")
	}
	if len(r.Instances) == 0 {
		return Fleet{}, fmt.Errorf("size fleet: no priced instance type sells %s", r.GPU.ID)
	}
	maxCtx := max(r.MaxContextTokens, 1)
	if r.Model.MaxContext > 0 && maxCtx > r.Model.MaxContext {
		return Fleet{}, fmt.Errorf("size fleet: a workload needs %d context tokens, above %s's maximum of %d", maxCtx, r.Model.ID, r.Model.MaxContext)
	}
	e := sizingEnv{
		maxCtx:      maxCtx,
		kvPerToken:  float64(r.Model.KVBytes()) / 1e9, // GB per token
		mean:        math.Max(r.MeanContextTokens, 1),
		target:      r.TargetUtilization,
		minReplicas: max(r.MinReplicas, 1),
	}
	if e.target <= 0 || e.target > 1 {
		e.target = 0.7
	}
	for _, in := range r.Instances {
		e.limit = max(e.limit, in.GPUs)
	}
	if r.FixedGPUs > 0 {
		e.limit = min(e.limit, r.FixedGPUs)
	}

	// A replica must hold the weights and at least one full context of the
	// largest workload. Among the tensor-parallel sizes that fit, the one
	// whose fleet costs least wins, the smallest on a tie: a larger size
	// buys KV room for long contexts, a smaller one more replicas per GPU.
	var chosen candidate
	found := false
	unpredicted := ""
	chosenCost := math.Inf(1)
	for _, size := range modelcatalog.TensorParallelSizes {
		if size > e.limit {
			break
		}
		c, cost, why, ok := r.tryTP(size, e)
		if why != "" {
			unpredicted = why
		}
		if ok && cost < chosenCost-1e-9 {
			chosen, chosenCost, found = c, cost, true
		}
	}
	if !found {
		if unpredicted != "" {
			return Fleet{}, fmt.Errorf("%s", unpredicted)
		}
		return Fleet{}, fmt.Errorf("size fleet: %s (%.0f GB of weights) with a %d-token context fits no tensor-parallel size up to %d %s GPUs", r.Model.ID, r.Model.WeightsGB, maxCtx, e.limit, r.GPU.ID)
	}
	f := r.fleetOf(chosen, e)
	if f.BilledGPUs > modelcatalog.MaxFleetGPUs {
		f.OverLimit = true
		if r.Explain {
			f.Notes = append(f.Notes, fmt.Sprintf("the load needs more than %d GPUs, the cap on one fleet (modelcatalog.MaxFleetGPUs): the counts shown stop at the cap", modelcatalog.MaxFleetGPUs))
		}
	}
	return f, nil
}

// sizingEnv holds what every tensor-parallel size is sized against.
type sizingEnv struct {
	maxCtx      int
	kvPerToken  float64 // GB per token of KV cache
	mean        float64 // mean context tokens of a request
	target      float64 // target utilization
	minReplicas int
	limit       int // most GPUs one instance (or the fixed fleet) holds
}

// tryTP sizes the fleet at one tensor-parallel size and returns its cost
// to compare with the other sizes. ok is false when the size does not
// hold the weights and a context, or has no figure; why then says why no
// figure could be predicted.
func (r Request) tryTP(size int, e sizingEnv) (c candidate, cost float64, why string, ok bool) {
	free := float64(size)*r.GPU.MemoryGB*GPUMemoryUtilization - r.Model.WeightsGB
	if free < float64(e.maxCtx)*e.kvPerToken {
		return c, 0, "", false
	}
	t, err := throughputAt(r.Model.ID, r.GPU.ID, size, r.Throughput, r.Explain)
	if err != nil {
		// No published figure: the performance model predicts one.
		var reason string
		if t, reason = predictedThroughput(r, size); reason != "" {
			return c, 0, fmt.Sprintf("%v, and the performance model cannot predict TP %d: %s", err, size, reason), false
		}
	}
	c = candidate{tp: size, kvGB: free, tput: withRoofline(t, r.Model, r.GPU, size), published: err == nil && !t.Estimate && t.DerivedFrom == "", row: t}
	// A replica measured at concurrency C with utilization u has about
	// C × u requests in flight; when its KV cache holds fewer, it runs
	// proportionally slower.
	c.maxSeqs = max(1, count(free/(e.mean*e.kvPerToken), MaxNumSeqs))
	busy := busyReplicas(r.PeakInputTokS, r.PeakOutputTokS, c.tput)
	replicas := r.replicas(busy, size, e.target, e.minReplicas)
	inFlight := math.Ceil(float64(max(t.Concurrency, 1)) * math.Min(1, busy/float64(replicas)))
	if float64(c.maxSeqs) < inFlight {
		scale := float64(c.maxSeqs) / inFlight
		c.tput.PrefillTokS *= scale
		c.tput.DecodeTokS *= scale
		if r.Explain {
			c.note = fmt.Sprintf("the KV cache holds %d sequences of %.0f tokens, under the %.0f in flight at peak: throughput scaled by %.2f",
				c.maxSeqs, e.mean, inFlight, scale)
		}
	}
	replicas = r.replicas(busyReplicas(r.PeakInputTokS, r.PeakOutputTokS, c.tput), size, e.target, e.minReplicas)
	if r.CachedInputShare > 0 {
		// Cached prefixes skip prefill; how many the fleet keeps
		// depends on the replica count, so settle it in two passes.
		c.hit, c.hitNote = r.prefixHit(c, inFlight, replicas, e.kvPerToken, e.mean)
		replicas = r.replicas(busyReplicas(r.prefill(c.hit), r.PeakOutputTokS, c.tput), size, e.target, e.minReplicas)
		c.hit, c.hitNote = r.prefixHit(c, inFlight, replicas, e.kvPerToken, e.mean)
		replicas = r.replicas(busyReplicas(r.prefill(c.hit), r.PeakOutputTokS, c.tput), size, e.target, e.minReplicas)
	}
	pack := cheapestPacking(r.Instances, size, replicas)
	if rpi := pack.GPUs / size; r.Model.Experts > 0 && rpi > 1 {
		// vLLM runs a mixture of experts' data-parallel ranks as one
		// expert-parallel group (--enable-expert-parallel): the experts
		// spread over the instance, every step synchronised. Figures
		// measured on independent replicas scale by what the
		// performance model says that costs or buys.
		// The scaled figure stands only if the packing it leads to
		// still runs rpi ranks an instance.
		if scale, note, ok := expertParallelScale(r, size, rpi); ok {
			scaled := c.tput
			scaled.PrefillTokS *= scale
			scaled.DecodeTokS *= scale
			n := r.replicas(busyReplicas(r.prefill(c.hit), r.PeakOutputTokS, scaled), size, e.target, e.minReplicas)
			if p := cheapestPacking(r.Instances, size, n); p.GPUs/size == rpi {
				c.tput, c.epNote, replicas, pack = scaled, note, n, p
			}
		}
	}
	billed := ceilDiv(replicas, pack.GPUs/size) * pack.GPUs
	cost = float64(billed) * pack.GPUHourUSD
	if r.FixedGPUs > 0 {
		// A fixed fleet runs on the instances its replicas need, every GPU
		// of them billed and serving: the cheapest wins, then the one
		// with the most capacity (the lowest peak utilization).
		served := billed / size
		cost += 1e-3 * busyReplicas(r.prefill(c.hit), r.PeakOutputTokS, c.tput) / float64(served)
	}
	return c, cost, "", true
}

// fleetOf is the fleet of the chosen tensor-parallel size: its notes,
// replicas, packing onto instances and the target-tracking rate.
func (r Request) fleetOf(chosen candidate, e sizingEnv) Fleet {
	f := Fleet{WeightsGB: r.Model.WeightsGB, MaxModelLen: e.maxCtx}
	if r.Model.WeightsDType == "fp8" {
		// vLLM quantizes BF16 weights to FP8 on load; an FP8 checkpoint
		// says the same in its config. The 4-bit formats (AWQ/GPTQ int4,
		// NVFP4, MXFP4) come only as checkpoints, whose quantization_config
		// vLLM reads: no flag (the spec holds hf_repo to such a checkpoint).
		f.Quantization = "fp8"
	}
	tp := chosen.tp
	f.TensorParallel, f.KVCacheGB, f.MaxNumSeqs = tp, chosen.kvGB, chosen.maxSeqs
	tput := chosen.tput
	if r.Explain && (tput.DerivedFrom != "" || tput.Estimate) {
		f.Notes = append(f.Notes, fmt.Sprintf("throughput of %s on %s at TP %d is an estimate: %s", r.Model.ID, r.GPU.ID, tp, describe(tput)))
	}
	if chosen.note != "" {
		f.Notes = append(f.Notes, chosen.note)
	}
	if chosen.epNote != "" && r.Explain {
		f.Notes = append(f.Notes, chosen.epNote)
	}
	f.Throughput = tput
	if row := chosen.row; r.Explain && chosen.published && row.InputTokens > 0 && row.OutputTokens > 0 {
		if n := r.comparePrediction(row); n != "" {
			f.Notes = append(f.Notes, n)
		}
	}
	f.TTFTMs = tput.TTFTMs
	if chosen.hitNote != "" && r.Explain {
		f.Notes = append(f.Notes, chosen.hitNote)
	}
	f.PrefixHitRate = chosen.hit
	busy := busyReplicas(r.prefill(chosen.hit), r.PeakOutputTokS, tput)
	f.Replicas = r.replicas(busy, tp, e.target, e.minReplicas)
	f.BaselineReplicas = min(f.Replicas, max(e.minReplicas, count(math.Ceil(busy/math.Max(r.PeakToAverage, 1)/e.target-1e-9), overLimit)))
	f.PeakUtilization = busy / float64(f.Replicas)

	pack := cheapestPacking(r.Instances, tp, f.Replicas)
	f.InstanceType = pack.Type
	f.ReplicasPerInstance = pack.GPUs / tp
	f.Instances = ceilDiv(f.Replicas, f.ReplicasPerInstance)
	f.BaselineInstances = ceilDiv(f.BaselineReplicas, f.ReplicasPerInstance)
	f.GPUs = f.Instances * pack.GPUs
	// AWS bills every GPU of an instance, so every GPU serves: the last
	// instance's spare GPUs run extra data-parallel replicas at no extra
	// cost. A fixed fleet of 4 H100s at TP 4 is a p5.48xlarge: 8 billed,
	// 2 replicas.
	f.BilledGPUs = f.GPUs
	f.Replicas = f.Instances * f.ReplicasPerInstance
	f.BaselineReplicas = min(f.Replicas, f.BaselineInstances*f.ReplicasPerInstance)
	f.PeakUtilization = busy / float64(f.Replicas)
	f.TargetRequestsPerMinute = targetRequests(r, tput, busy, e.target, e.mean, f.ReplicasPerInstance)
	return f
}

// targetRequests is the requests a minute an instance of rpi replicas takes
// at the target utilization. A request carries about the mean context as
// input; the peak's requests keep busy replicas busy, so one replica at
// the target takes (peak requests/s ÷ busy) × target. Without load, a
// replica's prefill rate bounds it.
func targetRequests(r Request, t modelcatalog.Throughput, busy, target, meanCtx float64, rpi int) float64 {
	perReplica := t.PrefillTokS / meanCtx * target
	if busy > 0 && r.PeakInputTokS > 0 {
		perReplica = r.PeakInputTokS / meanCtx / busy * target
	}
	return math.Round(perReplica * float64(rpi) * 60)
}

// candidate is one tensor-parallel size sizing considered.
type candidate struct {
	tp, maxSeqs int
	kvGB        float64
	tput        modelcatalog.Throughput
	note        string
	epNote      string
	hit         float64
	hitNote     string
	// published is true when the figure is a catalog row measured at
	// this size, neither scaled, derived nor predicted; row is that figure
	// as published.
	published bool
	row       modelcatalog.Throughput
}

// prefill is the input rate the fleet prefills when a share hit of it is
// served from the prefix cache.
func (r Request) prefill(hit float64) float64 { return r.PeakInputTokS * (1 - hit) }

// prefixHit is the share of input the fleet's prefix caches serve, and a
// note saying how it was reached. It starts from the spec's cached share
// and takes off two losses:
//
//   - Locality. The load balancer routes round-robin, so a session's
//     requests land on random replicas; a replica holds the session's
//     prefix only from its second visit on. A session of T requests over R
//     replicas visits R(1-(1-1/R)^T) of them, each first visit a miss;
//     relative to one replica (whose only miss is the session's first
//     request, which the cached share already counts) the hits scale by
//     (1 - visited/T) / (1 - 1/T).
//   - Room. Prefixes stay cached in the KV blocks running sequences do not
//     use. Between its requests a session waits on tools and on the model,
//     so as many sessions sit idle as run; keeping an idle session's
//     prefix takes as much room as a running one's context. The hits scale
//     by the spare room over that need, at most 1.
func (r Request) prefixHit(c candidate, inFlight float64, replicas int, kvPerToken, mean float64) (float64, string) {
	if r.CachedInputShare <= 0 || kvPerToken <= 0 {
		return 0, ""
	}
	turns := r.TurnsPerSession
	if turns < 2 {
		turns = DefaultTurnsPerSession
	}
	n := float64(max(replicas, 1))
	visited := n * (1 - math.Pow(1-1/n, turns))
	locality := math.Max(0, (1-visited/turns)/(1-1/turns))
	running := math.Max(math.Min(inFlight, float64(c.maxSeqs)), 1) * mean
	spare := c.kvGB/kvPerToken - running
	room := math.Min(1, math.Max(0, spare/(IdleSessionsPerRunning*running)))
	hit := r.CachedInputShare * locality * room
	if !r.Explain {
		return hit, ""
	}
	note := fmt.Sprintf("prefix caching: %.0f%% of input is taken as served from vLLM's prefix cache — the spec's cached share of %.0f%% × %.2f for %d replica(s) behind the round-robin load balancer (a session of %.0f requests reaches %.1f of them, a miss on each first visit) × %.2f for KV room (%.0fk tokens spare beside %.0fk in flight, one idle session's prefix for each running one); session-sticky or prefix-aware routing would keep the locality loss away",
		100*hit, 100*r.CachedInputShare, locality, replicas, turns, visited, room, math.Max(spare, 0)/1e3, running/1e3)
	return hit, note
}

// overLimit is the replica count that stands for any load above
// modelcatalog.MaxFleetGPUs: each replica holds at least one GPU, so such a
// fleet is over the cap whatever its tensor-parallel size, and no count
// sizing computes can overflow.
const overLimit = modelcatalog.MaxFleetGPUs + 1

// count converts a non-negative count computed in floating point to an
// int no larger than hi: NaN and anything above hi (+Inf included) give
// hi, a negative value 0. A bare int() of a float out of range is
// implementation-defined in Go, and wraps on amd64.
func count(x float64, hi int) int {
	switch {
	case math.IsNaN(x) || x >= float64(hi):
		return hi
	case x <= 0:
		return 0
	}
	return int(x)
}

// replicas is the replica count for the load: busy over the target
// utilization, at least minReplicas; a fixed fleet has as many as fit it.
func (r Request) replicas(busy float64, tp int, target float64, minReplicas int) int {
	if r.FixedGPUs > 0 {
		return max(1, r.FixedGPUs/tp)
	}
	return max(minReplicas, count(math.Ceil(busy/target-1e-9), overLimit))
}

// busyReplicas is how many replicas the load keeps fully busy.
//
// A throughput figure's prefill and decode rates were measured together, on
// the same requests (prefill = decode × the benchmark's input/output
// ratio), so a replica keeps up with a load while both rates do: the busier
// of the two decides.
func busyReplicas(in, out float64, t modelcatalog.Throughput) float64 {
	return math.Max(in/t.PrefillTokS, out/t.DecodeTokS)
}

// throughputAt returns the figure at tensor-parallel size tp, scaled from
// the nearest listed size when none is listed at tp.
func throughputAt(model, gpu string, tp int, list []modelcatalog.Throughput, explain bool) (modelcatalog.Throughput, error) {
	var best modelcatalog.Throughput
	found := false
	for _, t := range list {
		if t.Model != model || t.GPU != gpu || t.PrefillTokS <= 0 || t.DecodeTokS <= 0 {
			continue
		}
		// The nearest size wins; on equal distance, the larger (scaling down
		// from a measured larger size is the more conservative).
		d, db := absLog2(t.TensorParallel, tp), absLog2(best.TensorParallel, tp)
		if !found || d < db || (d == db && t.TensorParallel > best.TensorParallel) {
			best, found = t, true
		}
	}
	if !found {
		return modelcatalog.Throughput{}, fmt.Errorf("size fleet: the catalog has no throughput figure for %s on %s", model, gpu)
	}
	if best.TensorParallel == tp {
		return best, nil
	}
	doublings := math.Log2(float64(tp) / float64(best.TensorParallel))
	scale := math.Pow(TPScaling, doublings)
	scaled := best
	scaled.TensorParallel = tp
	scaled.PrefillTokS *= scale
	scaled.DecodeTokS *= scale
	scaled.Estimate = true
	if explain {
		scaled.Note = fmt.Sprintf("scaled ×%.2f from the TP %d figure (%s)", scale, best.TensorParallel, best.Source.Source)
	}
	return scaled, nil
}

// perfSource names the performance model as a throughput figure's source.
const perfSource = "inference/perf prediction (docs/SIZING.md)"

// comparePrediction puts the performance model's prediction beside a
// published figure at the figure's own request shape and load: the plan
// shows both and uses the figure.
func (r Request) comparePrediction(t modelcatalog.Throughput) string {
	p := perf.Predict(perf.Config{Model: r.Model, GPU: r.GPU, Engine: "vllm", Precision: r.Model.WeightsDType, TP: t.TensorParallel,
		InputTokens: t.InputTokens, OutputTokens: t.OutputTokens, Concurrency: max(t.Concurrency, 1)})
	if !p.Fits || p.TTFTP95Ms == nil {
		return ""
	}
	return fmt.Sprintf("the figure used (%.0f output tok/s, TTFT %.0f ms at %d in / %d out, %d in flight) is published; the performance model predicts %.0f output tok/s and a p95 TTFT of %.0f ms for vLLM there",
		t.DecodeTokS, t.TTFTMs, t.InputTokens, t.OutputTokens, t.Concurrency, p.OutputTokS, *p.TTFTP95Ms)
}

// PredictedConcurrency caps the requests in flight a predicted figure is
// taken at: enough to batch well, few enough that TTFT stays near its
// unqueued value (the published rows sit at 25-100).
const PredictedConcurrency = 64

// predictedThroughput asks the performance model (inference/perf) for the
// model on the GPU at tensor-parallel size tp under vLLM, at the load's
// request shape (the mean context in, the peak's output/input ratio out)
// and PredictedConcurrency requests (fewer if the KV cache holds fewer).
// The reason is empty on success.
func predictedThroughput(r Request, tp int) (modelcatalog.Throughput, string) {
	in := max(1, count(math.Round(r.MeanContextTokens), math.MaxInt32))
	out := max(1, in/10)
	if r.PeakInputTokS > 0 && r.PeakOutputTokS > 0 {
		out = max(1, count(math.Round(float64(in)*r.PeakOutputTokS/r.PeakInputTokS), math.MaxInt32))
	}
	most := 0
	for _, pi := range r.Instances {
		most = max(most, pi.GPUs)
	}
	c := perf.Config{Model: r.Model, GPU: r.GPU, Engine: "vllm", Precision: r.Model.WeightsDType, TP: tp,
		InputTokens: in, OutputTokens: out, MaxGPUsPerInstance: most}
	sat := perf.Predict(c)
	if !sat.Fits {
		return modelcatalog.Throughput{}, sat.Reason
	}
	c.Concurrency = min(PredictedConcurrency, sat.KVCacheSequences)
	p := perf.Predict(c)
	if !p.Fits || p.OutputTokS <= 0 || p.TTFTP95Ms == nil {
		return modelcatalog.Throughput{}, p.Reason
	}
	f := p.Factors
	return modelcatalog.Throughput{
		Model: r.Model.ID, GPU: r.GPU.ID, TensorParallel: tp,
		PrefillTokS: p.InputTokS, DecodeTokS: p.OutputTokS, TTFTMs: *p.TTFTP95Ms, Concurrency: c.Concurrency,
		InputTokens: in, OutputTokens: out,
		Source: modelcatalog.Source{Source: perfSource, AsOf: perf.CalibratedOn, Estimate: true,
			Note: fmt.Sprintf("predicted by the performance model for vLLM at %d in / %d out, %d in flight: %.0f output tok/s, TTFT p95 %.0f ms (memory efficiency %.2f, compute %.2f on %s); no published figure",
				in, out, c.Concurrency, p.OutputTokS, *p.TTFTP95Ms, f.MemoryEfficiency, f.ComputeEfficiency, f.Generation)},
	}, ""
}

// expertParallelScale is the throughput of rpi data-parallel ranks of TP
// tp run as one expert-parallel group over rpi independent replicas, by the
// performance model at the load's request shape, and a note saying so;
// false when the model cannot say. The note is written only when r.Explain.
func expertParallelScale(r Request, tp, rpi int) (float64, string, bool) {
	in := max(1, count(math.Round(r.MeanContextTokens), math.MaxInt32))
	out := max(1, in/10)
	if r.PeakInputTokS > 0 && r.PeakOutputTokS > 0 {
		out = max(1, count(math.Round(float64(in)*r.PeakOutputTokS/r.PeakInputTokS), math.MaxInt32))
	}
	one := perf.Config{Model: r.Model, GPU: r.GPU, Engine: "vllm", Precision: r.Model.WeightsDType, TP: tp, InputTokens: in, OutputTokens: out}
	sat := perf.Predict(one)
	if !sat.Fits {
		return 1, "", false
	}
	one.Concurrency = min(PredictedConcurrency, sat.KVCacheSequences)
	group := one
	group.GPUs, group.Concurrency = tp*rpi, one.Concurrency*rpi
	a, b := perf.Predict(one), perf.Predict(group)
	if !a.Fits || !b.Fits || a.OutputTokS <= 0 || b.OutputTokS <= 0 {
		return 1, "", false
	}
	scale := b.OutputTokS / (float64(rpi) * a.OutputTokS)
	if !r.Explain {
		return scale, "", true
	}
	return scale, fmt.Sprintf("%s is a mixture of experts: its %d data-parallel ranks of TP %d on each instance run as one expert-parallel group (--enable-expert-parallel), experts spread over %d GPUs and every step synchronised; the performance model puts that at %.2f× the throughput of independent replicas, applied to the figure",
		r.Model.ID, rpi, tp, tp*rpi, scale), true
}

func absLog2(a, b int) float64 { return math.Abs(math.Log2(float64(a) / float64(b))) }

func describe(t modelcatalog.Throughput) string {
	switch {
	case t.DerivedFrom != "":
		return "derived from " + t.DerivedFrom + " (" + t.Source.Source + ")"
	case t.Note != "" && t.Estimate:
		return t.Note
	default:
		return t.Source.Source
	}
}

// withRoofline raises a figure's prefill rate to the compute roofline of
// the replica. Benchmarks measure prefill and decode together at their own
// input/output ratio; one run on short chat prompts says little about how
// fast a replica reads a coding agent's long contexts, which is bound by
// compute: TP × peak FLOPS × PrefillMFU / (2 × active parameters).
func withRoofline(t modelcatalog.Throughput, m *modelcatalog.OpenModel, g *modelcatalog.GPU, tp int) modelcatalog.Throughput {
	peak := g.BF16TFLOPS
	switch {
	case m.WeightsDType == "fp8" && g.FP8TFLOPS > 0:
		peak = g.FP8TFLOPS
	case m.WeightsDType == "fp4" && g.FP4TFLOPS > 0:
		peak = g.FP4TFLOPS // NVFP4 on Blackwell's FP4 tensor cores
	}
	if m.ActiveParamsB <= 0 || peak <= 0 {
		return t
	}
	if roof := float64(tp) * peak * 1e12 * PrefillMFU / (2 * m.ActiveParamsB * 1e9); roof > t.PrefillTokS {
		t.PrefillTokS = roof
	}
	return t
}

// cheapestPacking picks the instance type whose instances hold the replicas
// for the least money; ties go to fewer, larger instances.
func cheapestPacking(instances []PricedInstance, tp, replicas int) PricedInstance {
	var best PricedInstance
	bestCost, bestCount := math.Inf(1), 0
	for _, in := range instances {
		if in.GPUs < tp {
			continue
		}
		count := ceilDiv(replicas, in.GPUs/tp)
		cost := float64(count*in.GPUs) * in.GPUHourUSD
		if cost < bestCost-1e-9 || (math.Abs(cost-bestCost) <= 1e-9 && count < bestCount) {
			best, bestCost, bestCount = in, cost, count
		}
	}
	return best
}

func ceilDiv(a, b int) int {
	if b <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
