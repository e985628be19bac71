// Package inference sizes a self-hosted vLLM fleet: memory fit, the
// tensor-parallel size, the instance type and the replicas, chosen together
// for the least billed cost that carries the peak load at the target
// utilization and meets every workload's time-to-first-token target. Every
// rate and latency comes from the performance model (inference/perf) at
// the fleet's own operating point; published figures of the same model on
// the same GPU only calibrate it. It also writes the vLLM launch arguments
// of a sized replica.
package inference

import (
	"errors"
	"fmt"
	"math"

	"github.com/costgate/costgate/modelcatalog"
)

// GPUMemoryUtilization is the share of GPU memory vLLM may use
// (vLLM's --gpu-memory-utilization default); the rest holds activations
// and the CUDA context.
const GPUMemoryUtilization = 0.9

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
	// Throughput lists the catalog's (and the spec's) published figures.
	// Only rows measured on this model (no derived_from), on this GPU or
	// another of GPUs, are read, to calibrate the performance model
	// (calibrate); any other row is ignored.
	Throughput []modelcatalog.Throughput
	// GPUOf looks a row's GPU up (the catalog's Catalog.GPU): a row
	// measured on one is predicted on it; nil reads rows of GPU alone.
	GPUOf func(id string) (*modelcatalog.GPU, bool)
	// Instances are the instance types selling the GPU in the region, each
	// with a price for the pricing model.
	Instances []PricedInstance
	// PeakInputTokS and PeakOutputTokS are the fleet's peak-hour load.
	PeakInputTokS  float64
	PeakOutputTokS float64
	// MaxContextTokens is the longest context a request carries; one full
	// context must fit a replica's KV cache.
	MaxContextTokens int
	// MeanContextTokens is the token-weighted mean context: the request
	// shape the fleet's capacity is predicted at.
	MeanContextTokens float64
	// Workloads are the workloads the fleet serves, each with its own
	// prompt and TTFT target; none stands for one workload at the mean
	// context without a target.
	Workloads         []Workload
	TargetUtilization float64
	MinReplicas       int
	// FixedGPUs, when above 0, is the spec's fixed fleet: replicas follow
	// from it rather than from load.
	FixedGPUs int
	// FixedTP, when above 0, is the only tensor-parallel size tried: a
	// launched fleet's, judged at another load.
	FixedTP int
	// MaxInstances, when above 0, caps the fleet's instances below the
	// GPU cap (modelcatalog.MaxFleetGPUs): one capacity block's
	// modelcatalog.MaxCapacityBlockInstances. A fleet that needs more is
	// over the limit (Fleet.OverLimit), as one above the GPU cap is.
	MaxInstances int
	// CachedInputShare is the share of input tokens that re-read a prefix
	// the same session sent before (the spec's team.cached_input_share):
	// vLLM's prefix cache (--enable-prefix-caching) serves what it still
	// holds without prefill. TurnsPerSession is how many requests a session
	// makes; 0 takes DefaultTurnsPerSession.
	CachedInputShare float64
	TurnsPerSession  float64
	// Bill, when set, is what AWS bills a month for a packing (its GPUs for
	// the hours they run or are committed, and whatever else grows with
	// its instances): the sizer chooses the packing with the least. Unset,
	// packings compare by their peak's hourly GPU price.
	Bill func(Packing) float64
	// Budget, when above 0, is a bill at which a fleet is of no use to the
	// caller (a note asking whether another GPU is cheaper): the search
	// neither predicts nor returns a fleet billed that much or more, and
	// Size errs when every fleet is (ErrOverBudget). A fleet it returns
	// below the budget that carries the load within every target is the
	// one it returns without a budget; any other answer says only that no
	// such fleet is billed less.
	Budget float64
	// Explain asks for Notes; sweeps leave it off.
	Explain bool
	// Memo, when set, remembers the performance model's answers across
	// the Requests that share it (Memo says which may).
	Memo *Memo
}

// Packing is a fleet's instances as the bill counts them: the instance
// type with its GPU-hour price, and how many.
type Packing struct {
	Instance  PricedInstance
	Instances int
}

// Workload is one workload the fleet serves.
type Workload struct {
	Name string
	// ContextTokens is its prompt (its context).
	ContextTokens int
	// MaxTTFTMs is its p95 time-to-first-token target; 0 means none.
	MaxTTFTMs float64
}

// PricedInstance is an instance type with the GPU-hour price sizing
// compares packings by.
type PricedInstance struct {
	Type       string
	GPUs       int
	GPUHourUSD float64
	// MaxInstances is the most instances its price holds (0: no cap):
	// a spot fleet's type priced on demand only runs within the fleet's
	// on-demand base.
	MaxInstances int
}

// Fleet is a sized fleet.
type Fleet struct {
	TensorParallel      int
	Replicas            int
	InstanceType        string
	Instances           int
	ReplicasPerInstance int
	// GPUs are the GPUs of the instances, all billed (BilledGPUs), a
	// fixed fleet's too: AWS sells no part of an instance.
	GPUs       int
	BilledGPUs int
	WeightsGB  float64
	// CheckpointGB is what the model's checkpoint downloads, mirrors and
	// stores (modelcatalog.OpenModel.CheckpointGB): the volumes, the
	// mirror and the instances' start times follow it.
	CheckpointGB float64
	// KVCacheGB is the memory a replica has left for the KV cache.
	KVCacheGB float64
	// MaxModelLen is vLLM's --max-model-len: the longest request's prompt
	// and its output together, which vLLM refuses a request above.
	MaxModelLen  int
	MaxNumSeqs   int
	Quantization string // "fp8" when vLLM quantizes the weights on load
	// Throughput is a replica's capacity at the fleet's mean request
	// shape: the performance model's saturated rates, calibrated
	// (Calibration), marked an estimate.
	Throughput modelcatalog.Throughput
	// Calibration lists the published rows of this model on this GPU that
	// calibrated the prediction; CalibrationFactor is the correction they
	// gave (1 without rows).
	Calibration       []modelcatalog.Throughput
	CalibrationFactor float64
	PeakUtilization   float64
	// Routes is each workload's p95 time to first token at the peak
	// utilization and its own prompt; TTFTMs the slowest of them, 0 when
	// the fleet runs at or above its capacity (no TTFT holds there).
	// Without Explain only the workloads with a target have theirs.
	Routes []RouteTTFT
	TTFTMs float64
	// MeetsTTFT is false when a workload's TTFT is above its target (or
	// unknown) or the idle timeout, or the fleet is at its capacity: no
	// tensor-parallel size, packing and replica count within the GPU cap
	// met them, or a fixed fleet does not.
	MeetsTTFT bool
	// PrefixHitRate is the share of input the fleet's prefix caches are
	// taken to serve (see prefixHit).
	PrefixHitRate float64
	// TargetRequestsPerMinute is how many requests a minute one instance
	// takes at the target utilization: the auto scaling group's target
	// tracking value on the load balancer's request count per target.
	TargetRequestsPerMinute float64
	// OverLimit is set when the load needs more than
	// modelcatalog.MaxFleetGPUs GPUs, or more instances than
	// Request.MaxInstances (a fixed fleet too): the counts above then stand
	// at the cap's edge, not at what the load needs, and the fleet is not
	// one to provision (the policy capacity.fleet_limit denies it).
	OverLimit bool
	Notes     []string
}

// RouteTTFT is one workload's time to first token on the fleet.
type RouteTTFT struct {
	Workload string
	// TTFTMs is the p95 at the fleet's peak utilization; 0 at or above
	// its capacity, where the queue grows without bound. TailMs is the
	// p99.9 (perf.TailShare): one request in a thousand waits longer.
	TTFTMs    float64
	TailMs    float64
	MaxTTFTMs float64
	// Meets is true when the fleet is below its capacity, TTFTMs is
	// within the workload's target (when it has one; an unknown TTFT
	// meets none) and TailMs within the load balancer's idle timeout
	// (IdleTimeoutSeconds): at peak, fewer than one request in a
	// thousand fails for want of a first token.
	Meets bool
}

// Route returns workload name's route, and whether the fleet serves it.
func (f Fleet) Route(name string) (RouteTTFT, bool) {
	for _, r := range f.Routes {
		if r.Workload == name {
			return r, true
		}
	}
	return RouteTTFT{}, false
}

// Size sizes the fleet: every tensor-parallel size that holds the weights
// and one full context, on every instance type, with the fewest instances
// that carry the peak at the target utilization and meet every TTFT
// target; the cheapest wins (fleetsearch.go). It returns an error when the
// model fits no tensor-parallel size or the performance model cannot
// predict any.
func Size(r Request) (Fleet, error) {
	e, maxCtx, err := r.begin()
	if err != nil {
		return Fleet{}, err
	}
	best, why, ok := r.search(&e)
	if !ok && r.Budget > 0 && why == "" {
		return Fleet{}, ErrOverBudget
	}
	if !ok {
		if why != "" {
			return Fleet{}, fmt.Errorf("size fleet: the performance model cannot predict %s on %s: %s", r.Model.ID, r.GPU.ID, why)
		}
		return Fleet{}, fmt.Errorf("size fleet: %s (%.0f GB of weights) with a %d-token request (a %d-token prompt and its output) fits no tensor-parallel size up to %d %s GPUs", r.Model.ID, r.Model.WeightsGB, e.maxCtx, maxCtx, e.limit, r.GPU.ID)
	}
	return r.fleetOf(best, &e), nil
}

// begin checks what Size needs before it searches (a model, a GPU, a
// priced instance, every prompt and its answer within the model's
// window) and resolves the sizing's environment; maxCtx is the longest
// prompt.
func (r *Request) begin() (e sizingEnv, maxCtx int, err error) {
	if r.Model == nil || r.GPU == nil {
		return e, 0, fmt.Errorf("size fleet: model and GPU are required")
	}
	if len(r.Instances) == 0 {
		return e, 0, fmt.Errorf("size fleet: no priced instance type sells %s", r.GPU.ID)
	}
	maxCtx = max(r.MaxContextTokens, 1)
	for _, w := range r.Workloads {
		maxCtx = max(maxCtx, w.ContextTokens)
	}
	switch r.Model.Window(maxCtx) {
	case modelcatalog.WindowExceeded:
		return e, 0, fmt.Errorf("size fleet: a workload needs %d context tokens, above %s's maximum of %d", maxCtx, r.Model.ID, r.Model.MaxContext)
	case modelcatalog.WindowFilled:
		// The fleet could serve none of its requests.
		return e, 0, fmt.Errorf("size fleet: a workload's %d-token prompt fills %s's whole window of %d tokens, leaving no room for its answer", maxCtx, r.Model.ID, r.Model.MaxContext)
	}
	if err := r.answersFit(); err != nil {
		return e, 0, err
	}
	return r.env(maxCtx), maxCtx, nil
}

// ErrOverBudget is Size's error when every fleet is billed at least the
// request's Budget.
var ErrOverBudget = errors.New("size fleet: every fleet is billed at least the budget")

// sizingEnv holds what every candidate fleet is sized against.
type sizingEnv struct {
	// maxCtx is the longest request in tokens, prompt and output: the
	// fleet's --max-model-len, one of which a replica's KV cache holds.
	maxCtx      int
	mean        float64 // mean context tokens of a request
	target      float64 // target utilization
	minReplicas int
	limit       int // most GPUs one instance (or the fixed fleet) holds
	// shape is the mean request the capacity is predicted at; work the
	// workloads, and shapes the mean request with each one's prompt as
	// the one whose TTFT is asked: one fleet serves the mix, and a
	// workload's prompt is prefilled among the mix's decoding requests
	// and behind the mix's queued prefills, at the mix's utilization.
	shape  shape
	work   []Workload
	shapes []shape
	cal    calibration
	// works is the Memo's number for work and shapes (Memo.workOf), valid
	// while the Memo's works are of generation gen.
	works, gen int32
}

// env resolves the request's defaults: target utilization, workloads,
// request shapes and the calibration.
func (r *Request) env(maxCtx int) sizingEnv {
	// The longest request is the longest prompt with its output: vLLM
	// refuses one whose prompt and max_tokens exceed --max-model-len.
	longest := r.shapeOf(maxCtx, 0)
	e := sizingEnv{
		maxCtx:      longest.in + longest.out,
		mean:        math.Max(r.MeanContextTokens, 1),
		target:      r.TargetUtilization,
		minReplicas: max(r.MinReplicas, 1),
		work:        r.Workloads,
	}
	if e.target <= 0 || e.target > 1 {
		e.target = 0.7
	}
	for _, in := range r.Instances {
		e.limit = max(e.limit, in.GPUs)
	}
	if r.FixedGPUs > 0 {
		// A fixed fleet's replicas may span the GPUs it is billed for on
		// the smallest instance that holds them all: 2 A100s where AWS
		// sells only 8-GPU instances are 8 billed, and TP 8 serves them
		// at 80 % where TP 2 ran at 99 %.
		least := math.MaxInt
		for _, in := range r.Instances {
			if in.GPUs >= r.FixedGPUs {
				least = min(least, in.GPUs)
			}
		}
		if least == math.MaxInt {
			least = r.FixedGPUs // no instance holds them all: the GPUs asked
		}
		e.limit = min(e.limit, least)
	}
	if len(e.work) == 0 {
		e.work = []Workload{{ContextTokens: count(math.Round(e.mean), math.MaxInt32)}}
	}
	e.shape = r.shapeOf(count(math.Round(e.mean), math.MaxInt32), 0)
	for _, w := range e.work {
		// Within the model's window: Size refuses a prompt that fills it.
		at := e.shape
		at.p95 = max(w.ContextTokens, 1)
		if at.p95 == at.in {
			at.p95 = 0
		}
		e.shapes = append(e.shapes, at)
	}
	if r.Memo != nil {
		e.cal = r.Memo.calibration(r)
	} else {
		e.cal = r.calibrate()
	}
	return e
}

// answersFit refuses a workload whose prompt and the answer the load's
// token mix gives it (modelcatalog.OpenModel.Answer) exceed the model's
// window: clamped to the window, the answers were shorter and the fleet
// was sized to prefill as many more prompts as it took to give the
// stated output, up to 32,768 times the input the team sends
// (gpt-oss-120b at 131,071 tokens a prompt), while managed was priced
// at the stated tokens.
func (r *Request) answersFit() error {
	if r.PeakInputTokS <= 0 && r.PeakOutputTokS > 0 {
		// Unbounded whatever the window, or with none stated (each
		// request was answered with 2^31 tokens).
		return fmt.Errorf("size fleet: the team's token mix has no input (input_share 0), so every prompt would carry an unbounded answer, which no window of %s holds", r.Model.ID)
	}
	ratio := r.outPerIn()
	prompts := []int{max(count(math.Round(r.MeanContextTokens), math.MaxInt32), 1)}
	for _, w := range r.Workloads {
		prompts = append(prompts, w.ContextTokens)
	}
	for _, p := range prompts {
		if answer, ok := r.Model.Answer(p, ratio); !ok {
			return fmt.Errorf("size fleet: a workload's %d-token prompt and the %d-token answer the team's token mix gives it (%.3g output tokens an input token) exceed %s's window of %d tokens: the stated output would take more, shorter-answered requests, each prefilling its prompt, than the team's input holds", p, answer, ratio, r.Model.ID, r.Model.MaxContext)
		}
	}
	return nil
}

// kvPerToken is the KV cache of one token across a replica at
// tensor-parallel size tp, in GB (modelcatalog.OpenModel.KVBytesAt).
func (r *Request) kvPerToken(tp int) float64 { return float64(r.Model.KVBytesAt(tp)) / 1e9 }

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

func ceilDiv(a, b int) int {
	if b <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// instanceCap is the most instances of type in the fleet may launch: the
// GPU cap's, or Request.MaxInstances where lower.
func (r *Request) instanceCap(in PricedInstance) int {
	n := modelcatalog.MaxFleetGPUs / in.GPUs
	if r.MaxInstances > 0 {
		n = min(n, r.MaxInstances)
	}
	if in.MaxInstances > 0 {
		n = min(n, in.MaxInstances)
	}
	return n
}

// limitText names the cap on the fleet: its instances where
// Request.MaxInstances sets one (the GPU cap is then far above it), else
// its GPUs.
func (r *Request) limitText() string {
	if r.MaxInstances > 0 {
		return fmt.Sprintf("%d instances (the most one EC2 Capacity Block holds)", r.MaxInstances)
	}
	return fmt.Sprintf("%d GPUs (the cap on one fleet)", modelcatalog.MaxFleetGPUs)
}
