package inference

import (
	"fmt"
	"slices"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/google/go-cmp/cmp"
)

// sweepRequests are sizing requests over the catalog's open models and
// GPUs (their us-east-1 instance types at the on-demand price), loads
// from a trickle to past one fleet's cap, with and without TTFT targets,
// cached shares and a bill that favours fewer instances.
func sweepRequests(t testing.TB) []Request {
	t.Helper()
	cat := modelcatalog.Default()
	bill := func(pk Packing) float64 {
		return float64(pk.Instances*pk.Instance.GPUs)*pk.Instance.GPUHourUSD*730 + 400*float64(pk.Instances)
	}
	var out []Request
	for _, gid := range cat.GPUIDs() {
		g, _ := cat.GPU(gid)
		var insts []PricedInstance
		for _, in := range cat.InstancesFor(gid, "us-east-1") {
			if p, ok := in.GPUHourUSD["on_demand"]; ok && p.High > 0 {
				insts = append(insts, PricedInstance{Type: in.Type, GPUs: in.GPUs, GPUHourUSD: (p.Low + p.High) / 2})
			}
		}
		if len(insts) == 0 {
			continue
		}
		for _, mid := range []string{"qwen2.5-coder-7b", "qwen3-coder-30b-a3b", "llama-3.3-70b", "gpt-oss-120b", "gpt-oss-20b"} {
			m, ok := cat.OpenModel(mid)
			if !ok {
				t.Fatalf("catalog has no %s", mid)
			}
			for i, load := range []float64{50, 900, 6000, 40000, 250000} {
				ctx := []int{2048, 8192, 16384}[i%3]
				req := Request{Model: m, GPU: g, GPUOf: cat.GPU, Throughput: cat.Throughput, Instances: insts,
					PeakInputTokS: 6 * load, PeakOutputTokS: load, MaxContextTokens: ctx, MeanContextTokens: float64(ctx),
					TargetUtilization: []float64{0.7, 0.9, 1}[i%3], MinReplicas: 1 + i%2, CachedInputShare: []float64{0, 0.3, 0.6}[(i+1)%3],
					Workloads: []Workload{{Name: "simple", ContextTokens: ctx / 2, MaxTTFTMs: []float64{0, 300, 1500}[i%3]}, {Name: "agent", ContextTokens: ctx}}}
				if i%2 == 1 {
					req.Bill = bill
				}
				out = append(out, req)
			}
		}
	}
	return out
}

// TestBoundedIsEager sizes every request of the sweep with its layouts
// placed lazily (bounded) and all placed (eagerSearch): the same fleet,
// or the same error, every time.
func TestBoundedIsEager(t *testing.T) {
	if testing.Short() {
		t.Skip("sizes the sweep twice")
	}
	for i, req := range sweepRequests(t) {
		free, err := Size(req)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		// Under budgets around the fleet's bill too, as the note
		// comparing other GPUs sizes (Request.Budget).
		bill := req.cost(option{inst: PricedInstance{Type: free.InstanceType, GPUs: free.BilledGPUs / free.Instances, GPUHourUSD: hourOf(req, free.InstanceType)}, n: free.Instances}, nil)
		for _, budget := range []float64{0, bill / 2, bill, bill + 1, 2 * bill} {
			req.Budget = budget
			name := fmt.Sprintf("%d/%s/%s/%.0f/budget %.0f", i, req.Model.ID, req.GPU.ID, req.PeakOutputTokS, budget)
			lazy, lazyErr := Size(req)
			eagerSearch = true
			all, allErr := Size(req)
			eagerSearch = false
			if fmt.Sprint(lazyErr) != fmt.Sprint(allErr) {
				t.Errorf("%s: error %v, placing every layout %v", name, lazyErr, allErr)
				continue
			}
			if d := cmp.Diff(all, lazy); d != "" {
				t.Errorf("%s: the lazy search's fleet differs (-every layout +lazy):\n%s", name, d)
			}
		}
	}
}

// hourOf is the GPU-hour price of req's instance type typ.
func hourOf(req Request, typ string) float64 {
	for _, in := range req.Instances {
		if in.Type == typ {
			return in.GPUHourUSD
		}
	}
	return 0
}

// TestMemoKeepsTheAnswers sizes the sweep with one Memo shared across it,
// as a plan's sizings share theirs, and without: the same fleets.
func TestMemoKeepsTheAnswers(t *testing.T) {
	memo := NewMemo()
	for i, req := range sweepRequests(t) {
		want, wantErr := Size(req)
		req.Memo = memo
		got, err := Size(req)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%d: error %v with the memo, %v without", i, err, wantErr)
			continue
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%d %s on %s: the memo changed the fleet (-without +with):\n%s", i, req.Model.ID, req.GPU.ID, d)
		}
	}
}

// TestFloorBoundsTheBill: Floor, asked without sizing, is never above
// the bill of the fleet Size returns, for every request of the sweep
// (targets tightened; a cap of two instances that puts the large loads
// over it; minimum replicas that alone exceed a one-instance cap, as a
// capacity block's minimum replicas may; the cheapest type held to one
// instance, as a spot fleet's on-demand base holds a type priced on
// demand only; with a Memo, as the cost model asks); and it is the bill
// itself wherever the fewest instances that carry the load meet every
// target, so it bounds tightly.
func TestFloorBoundsTheBill(t *testing.T) {
	tight, total := 0, 0
	for i, req := range sweepRequests(t) {
		for _, v := range []struct {
			name string
			edit func(*Request)
		}{
			{"as swept", func(*Request) {}},
			{"tight targets", func(r *Request) {
				r.Workloads = []Workload{{Name: "simple", ContextTokens: r.MaxContextTokens / 2, MaxTTFTMs: 150}, {Name: "agent", ContextTokens: r.MaxContextTokens, MaxTTFTMs: 900}}
			}},
			{"two instances at most", func(r *Request) { r.MaxInstances = 2 }},
			{"eight replicas, one instance at most", func(r *Request) { r.MinReplicas, r.MaxInstances = 8, 1 }},
			{"the first type held to one instance", func(r *Request) {
				r.Instances = slices.Clone(r.Instances)
				r.Instances[0].MaxInstances = 1
				r.MinReplicas = 3
			}},
			{"remembered", func(r *Request) { r.Memo = NewMemo() }},
		} {
			r := req
			v.edit(&r)
			name := fmt.Sprintf("%d/%s/%s/%.0f/%s", i, r.Model.ID, r.GPU.ID, r.PeakOutputTokS, v.name)
			f, err := Size(r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			floor, ok := Floor(r)
			if !ok {
				t.Fatalf("%s: no floor where Size sizes %d × %s", name, f.Instances, f.InstanceType)
			}
			bill := r.cost(option{inst: PricedInstance{Type: f.InstanceType, GPUs: f.BilledGPUs / f.Instances, GPUHourUSD: hourOf(r, f.InstanceType)}, n: f.Instances}, nil)
			if floor > bill+1e-9 {
				t.Errorf("%s: floor %.2f above the sized fleet's bill %.2f (%d × %s, TP %d)", name, floor, bill, f.Instances, f.InstanceType, f.TensorParallel)
			}
			total++
			if floor >= bill-1e-9 {
				tight++
			}
		}
	}
	if tight < total/4 {
		t.Errorf("the floor is the bill of %d of %d fleets: too loose to spare the cost model's search its sizings", tight, total)
	}
	t.Logf("the floor is the bill of %d of %d fleets", tight, total)
	// Where Size errs, or for a fixed fleet, there is no floor.
	m, g := catalogPair(t, "llama-3.3-70b", "h100")
	r := Request{Model: m, GPU: g, PeakOutputTokS: 100, PeakInputTokS: 600, MaxContextTokens: 4096, MeanContextTokens: 4096}
	if _, ok := Floor(r); ok {
		t.Error("a floor without a priced instance")
	}
	r.Instances, r.FixedGPUs = []PricedInstance{{Type: "p5.48xlarge", GPUs: 8, GPUHourUSD: 4}}, 8
	if _, ok := Floor(r); ok {
		t.Error("a floor for a fixed fleet")
	}
}
