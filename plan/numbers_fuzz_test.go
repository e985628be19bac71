package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// FuzzSpecNumbers drives every number of a whole spec that the cost and
// sizing arithmetic reads — the team's figures, the utilization target,
// the fleet's prices, hours, replicas and GPUs — through decode, plan and
// JSON. A spec that decodes must plan; every cost, count and rate of the
// plan is finite and non-negative (checkPlan); JSON encodes it; and no
// fleet above modelcatalog.MaxFleetGPUs is allowed: one is denied by
// capacity.fleet_limit, its counts stopped just past the cap. The seeds
// are the figures that once made the sizer's counts wrap.
//
//	go test ./plan -run XXX -fuzz FuzzSpecNumbers -fuzztime 30s
func FuzzSpecNumbers(f *testing.F) {
	// developers, tokens, peak_to_average, working hours, target
	// utilization, gpu_hour_usd (0: the catalog's), hours_per_month,
	// ops_usd_per_month, gpus (0: sized), min_replicas, model and GPU picks
	// (GPU 255: rework figures at their limits too).
	f.Add(100.0, 5e6, 2.0, 176.0, 3e-19, 0.0, 730.0, 2000.0, uint16(0), uint16(1), uint8(1), uint8(0))
	f.Add(100.0, 5e6, 2.0, 176.0, 1e-30, 0.0, 730.0, 2000.0, uint16(0), uint16(1), uint8(1), uint8(0))
	f.Add(1e7, 1e12, 1e6, 1.0, 0.7, 0.0, 730.0, 2000.0, uint16(0), uint16(1), uint8(0), uint8(0))
	f.Add(1e7, 1e12, 1e6, 1.0, 0.1, 0.0, 744.0, 2000.0, uint16(0), uint16(1), uint8(1), uint8(3))
	f.Add(1e7, 1e12, 1e6, 1.0, 1.0, 1e4, 744.0, 1e9, uint16(20000), uint16(1), uint8(1), uint8(1))
	f.Add(20.0, 3e6, 2.0, 176.0, 0.7, 1e-9, 1e-9, 0.0, uint16(4), uint16(1), uint8(1), uint8(0))
	f.Add(20.0, 3e6, 2.0, 176.0, 0.7, 0.0, 730.0, 2000.0, uint16(0), uint16(10000), uint8(1), uint8(2))
	// With the rework figures at their limits the quality gap reaches
	// 1e23 USD, past an int64 of cents.
	f.Add(1e7, 1e12, 1e6, 1.0, 0.7, 0.0, 730.0, 2000.0, uint16(0), uint16(1), uint8(0), uint8(255))
	cat := modelcatalog.Default()
	open := append([]string{spec.AutoModel}, cat.OpenModelIDs()...)
	gpus := cat.GPUIDs()
	f.Fuzz(func(t *testing.T, developers, tokens, peak, workingHours, target, gpuHour, hours, ops float64,
		fixed, minReplicas uint16, modelPick, gpuPick uint8) {
		num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		var b strings.Builder
		fmt.Fprintf(&b, "team \"fuzz\" {\n  developers = %s\n  tokens_per_developer = %s\n  peak_to_average = %s\n  working_hours_per_month = %s\n  cost_center = \"fuzz\"\n",
			num(math.Round(developers)), num(tokens), num(peak), num(workingHours))
		if gpuPick == 255 {
			b.WriteString("  developer_hourly_usd = 1e6\n}\nquality {\n  rework_hours = 1000\n}\n")
		} else {
			b.WriteString("}\n")
		}
		b.WriteString("workload \"agent\" {\n  share = 0.7\n  complexity = \"complex\"\n}\nworkload \"chat\" {\n  share = 0.3\n  complexity = \"simple\"\n}\n")
		fmt.Fprintf(&b, "self_hosted {\n  model = %q\n  gpu = %q\n  target_utilization = %s\n  hours_per_month = %s\n  ops_usd_per_month = %s\n  min_replicas = %d\n",
			open[int(modelPick)%len(open)], gpus[int(gpuPick)%len(gpus)], num(target), num(hours), num(ops), minReplicas)
		if gpuHour != 0 {
			fmt.Fprintf(&b, "  gpu_hour_usd = %s\n", num(gpuHour))
		}
		if fixed > 0 {
			fmt.Fprintf(&b, "  gpus = %d\n", fixed)
		}
		b.WriteString("}\ncompliance {\n  code_may_leave_network = false\n}\n")
		src := b.String()
		s, diags := spec.NewParser(cat).Parse("fuzz.hcl", []byte(src))
		if diags.HasErrors() {
			return
		}
		p, err := plan.Build(context.Background(), s, plan.Options{Catalog: cat, AsOf: fuzzDate, Policies: builtinPolicies()})
		if err != nil {
			t.Fatalf("a spec that decodes does not plan: %v\n%s", err, src)
		}
		if err := checkPlan(p); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if err := checkFleetLimit(p); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("plan does not encode as JSON: %v\n%s", err, src)
		}
	})
}

// checkFleetLimit checks that a fleet above the cap on one fleet's GPUs is
// denied by capacity.fleet_limit, with counts that stop just past the cap.
func checkFleetLimit(p *plan.Plan) error {
	for _, o := range p.Options {
		s := o.Sizing
		if s == nil {
			continue
		}
		if s.MaxGPUs != modelcatalog.MaxFleetGPUs {
			return fmt.Errorf("%s: sizing.max_gpus is %d, want %d", o.Architecture, s.MaxGPUs, modelcatalog.MaxFleetGPUs)
		}
		for name, v := range map[string]int{"gpus": s.GPUs, "replicas": s.Replicas, "instances": s.Instances,
			"baseline_instances": s.BaselineInstances, "peak_instances": s.PeakInstances} {
			if v < 0 || v > 8*(modelcatalog.MaxFleetGPUs+1) {
				return fmt.Errorf("%s: sizing %s is %d, outside [0, %d]", o.Architecture, name, v, 8*(modelcatalog.MaxFleetGPUs+1))
			}
		}
		denied := false
		for _, v := range o.Violations {
			denied = denied || v.Policy == "capacity.fleet_limit"
		}
		if over := s.GPUs > s.MaxGPUs; over != denied {
			return fmt.Errorf("%s: %d GPUs against a cap of %d, capacity.fleet_limit denial %t", o.Architecture, s.GPUs, s.MaxGPUs, denied)
		}
	}
	return nil
}
