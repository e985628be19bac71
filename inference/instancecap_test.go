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

func with(r Request, edit func(*Request)) Request {
	edit(&r)
	return r
}
