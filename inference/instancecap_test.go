package inference

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestInstanceCap holds a fleet on one capacity block to its 64 instances:
// the sizer picks among fleets within the cap, and a load (or a fixed
// fleet) that needs more is over the limit, as one past the GPU cap is.
func TestInstanceCap(t *testing.T) {
	l70, h := catalogPair(t, "llama-3.3-70b", "h100")
	p548 := []PricedInstance{{Type: "p5.48xlarge", GPUs: 8, GPUHourUSD: 4.916}}
	base := Request{Model: l70, GPU: h, Instances: p548, MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, MinReplicas: 1}
	uncapped := base
	uncapped.PeakInputTokS, uncapped.PeakOutputTokS = 2e6, 5e5
	need := mustSize(t, uncapped)
	if need.OverLimit || need.Instances <= modelcatalog.MaxCapacityBlockInstances {
		t.Fatalf("the uncapped load sizes %d instances (over the limit %v); the test needs more than %d", need.Instances, need.OverLimit, modelcatalog.MaxCapacityBlockInstances)
	}
	small := base
	small.PeakInputTokS, small.PeakOutputTokS = 2e4, 5e3
	fits := mustSize(t, small)
	tests := []struct {
		name      string
		req       Request
		over      bool
		instances int
		note      string
	}{
		{"a load past the block", with(uncapped, func(r *Request) { r.MaxInstances = modelcatalog.MaxCapacityBlockInstances }), true, modelcatalog.MaxCapacityBlockInstances + 1,
			"the load needs more than 64 instances (the most one EC2 Capacity Block holds)"},
		{"a load within the block", with(small, func(r *Request) { r.MaxInstances = modelcatalog.MaxCapacityBlockInstances }), false, fits.Instances, ""},
		{"a fixed fleet past the block", with(small, func(r *Request) { r.MaxInstances, r.FixedGPUs = modelcatalog.MaxCapacityBlockInstances, 8*70 }), true, 70,
			"the fixed fleet's 70 instances are more than 64 instances (the most one EC2 Capacity Block holds)"},
		{"a fixed fleet of the whole block", with(small, func(r *Request) { r.MaxInstances, r.FixedGPUs = modelcatalog.MaxCapacityBlockInstances, 8*64 }), false, 64, ""},
		{"the same fixed fleet without a block", with(small, func(r *Request) { r.FixedGPUs = 8 * 70 }), false, 70, ""},
		// Minimum replicas past the block are over it at any load, and the
		// fleet stands at its minimum, never one past the cap below it.
		{"minimum replicas past the block", with(small, func(r *Request) { r.MaxInstances, r.MinReplicas = modelcatalog.MaxCapacityBlockInstances, 600 }), true, 600 / tp2PerInstance,
			"the minimum of 600 replicas needs 150 instances, more than 64 instances (the most one EC2 Capacity Block holds)"},
		// The load alone needs 269 instances at TP 4: of the fleets over
		// the cap, the one that carries the peak (TP 4, two replicas an
		// instance) goes before TP 2's 150 instances, which do not.
		{"minimum replicas and a load past the block", with(uncapped, func(r *Request) { r.MaxInstances, r.MinReplicas = modelcatalog.MaxCapacityBlockInstances, 600 }), true, 600 / 2,
			"the minimum of 600 replicas needs 300 instances"},
		{"minimum replicas within the block", with(small, func(r *Request) { r.MaxInstances, r.MinReplicas = modelcatalog.MaxCapacityBlockInstances, 4*64 }), false, 64, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Explain = true
			f := mustSize(t, tt.req)
			if f.OverLimit != tt.over || f.Instances != tt.instances {
				t.Errorf("OverLimit %v with %d instances, want %v with %d", f.OverLimit, f.Instances, tt.over, tt.instances)
			}
			if tt.note != "" && !strings.Contains(strings.Join(f.Notes, "\n"), tt.note) {
				t.Errorf("notes do not say %q:\n%s", tt.note, strings.Join(f.Notes, "\n"))
			}
		})
	}
}

// tp2PerInstance is llama-3.3-70b's replicas on a p5.48xlarge: TP 2, the
// least that holds its weights on 80 GB parts.
const tp2PerInstance = 4

// TestMinReplicasPastTheCapMoveTheFleet sizes a small model whose minimum
// replicas need more one-GPU instances than a capacity block holds: the
// sizer takes the eight-GPU instance, within the block, instead of a
// fleet the stack would refuse (it was once fit within the sizer at 100
// one-GPU instances, and only the plan policy denied it).
func TestMinReplicasPastTheCapMoveTheFleet(t *testing.T) {
	m, h := catalogPair(t, "qwen2.5-coder-7b", "h100")
	r := Request{Model: m, GPU: h, MaxContextTokens: 8192, MeanContextTokens: 4096, TargetUtilization: 0.7, MinReplicas: 100,
		PeakInputTokS: 2e4, PeakOutputTokS: 5e3, MaxInstances: modelcatalog.MaxCapacityBlockInstances,
		Instances: []PricedInstance{{Type: "p5.4xlarge", GPUs: 1, GPUHourUSD: 4.916}, {Type: "p5.48xlarge", GPUs: 8, GPUHourUSD: 4.916}}}
	f := mustSize(t, r)
	if f.OverLimit || f.InstanceType != "p5.48xlarge" || f.Instances != 13 || f.TensorParallel != 1 {
		t.Errorf("sized %d × %s at TP %d (over the limit %v), want 13 × p5.48xlarge at TP 1 within the block", f.Instances, f.InstanceType, f.TensorParallel, f.OverLimit)
	}
	r.Instances = r.Instances[:1]
	if f := mustSize(t, r); !f.OverLimit || f.Instances != 100 {
		t.Errorf("on one-GPU instances alone: %d instances (over the limit %v), want 100 over the limit", f.Instances, f.OverLimit)
	}
}

func with(r Request, edit func(*Request)) Request {
	edit(&r)
	return r
}

// TestNearIdleFleetHasItsFirstToken: a fleet whose load rounds to no
// throughput at all (30 tokens a developer a month) still answers its
// first token at the load (the prompt alone), and meets a target it
// meets at a little more load: it was unknown, the option denied by its
// target, and the plan blocked as the load fell.
func TestNearIdleFleetHasItsFirstToken(t *testing.T) {
	m, h := catalogPair(t, "gpt-oss-20b", "h100")
	r := Request{Model: m, GPU: h, MaxContextTokens: 8192, MeanContextTokens: 8192, TargetUtilization: 0.7, MinReplicas: 1,
		Workloads: []Workload{{Name: "autocomplete", ContextTokens: 8192, MaxTTFTMs: 1000}},
		Instances: []PricedInstance{{Type: "p5.4xlarge", GPUs: 1, GPUHourUSD: 4.916}}}
	for _, peak := range []float64{1e-9, 1e-6, 1e-3, 1} {
		r.PeakInputTokS, r.PeakOutputTokS = peak, peak/10
		f := mustSize(t, r)
		if !f.MeetsTTFT || f.TTFTMs <= 0 || f.TTFTMs > 1000 {
			t.Errorf("at %g input tok/s: TTFT %.1f ms, meets the 1,000 ms target %v", peak, f.TTFTMs, f.MeetsTTFT)
		}
	}
}
