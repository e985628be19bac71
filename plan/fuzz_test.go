package plan_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
)

// fuzzDate fixes the plan date of fuzzing and invariants, so that
// override expiry and catalog staleness do not move under a test.
var fuzzDate = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// builtinPolicies compiles the built-in policies once for every fuzz
// input and invariant check.
var builtinPolicies = sync.OnceValue(func() plan.Evaluator {
	ev, err := plan.NewPolicies()
	if err != nil {
		panic(err)
	}
	return ev
})

// seedSpecs returns every bundled spec that decodes: the examples and the
// spec package's valid test specs.
func seedSpecs(tb testing.TB) []string {
	tb.Helper()
	var paths []string
	for _, pattern := range []string{"../examples/*.hcl", "../examples/*/*.hcl", "../spec/testdata/valid/*.hcl"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 8 {
		tb.Fatalf("found %d seed specs, want the bundled examples", len(paths))
	}
	return paths
}

// FuzzBuild: whatever decodes must plan. plan.Build with the built-in
// policies and a fixed date must not panic or fail, and the plan must
// hold finite, non-negative costs with low <= expected <= high on every
// option and line item, and decide for an allowed option or block.
//
//	go test ./plan -run XXX -fuzz FuzzBuild -fuzztime 5m
func FuzzBuild(f *testing.F) {
	for _, path := range seedSpecs(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	cat := modelcatalog.Default()
	f.Fuzz(func(t *testing.T, src []byte) {
		s, diags := spec.NewParser(cat).Parse("fuzz.hcl", src)
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
	})
}

// checkPlan checks what every plan promises, whatever its spec.
func checkPlan(p *plan.Plan) error {
	if len(p.Options) == 0 {
		return fmt.Errorf("plan has no option")
	}
	anyAllowed := false
	for _, o := range p.Options {
		anyAllowed = anyAllowed || o.Allowed
		if err := checkMoney(string(o.Architecture)+" monthly_usd", o.MonthlyUSD); err != nil {
			return err
		}
		if err := checkMoney(string(o.Architecture)+" quality_gap_usd", o.QualityGapUSD); err != nil {
			return err
		}
		for _, it := range o.LineItems {
			if err := checkMoney(fmt.Sprintf("%s line item %q", o.Architecture, it.Name), it.MonthlyUSD); err != nil {
				return err
			}
		}
		if o.Allowed != (len(o.Violations) == 0) {
			return fmt.Errorf("%s: allowed=%t with %d violations", o.Architecture, o.Allowed, len(o.Violations))
		}
		if s := o.Sizing; s != nil {
			if s.GPUs < 0 || s.Replicas < 0 || s.Instances < 0 || s.TensorParallel < 0 {
				return fmt.Errorf("%s: negative sizing %+v", o.Architecture, *s)
			}
			for name, v := range map[string]float64{"peak_utilization": s.PeakUtilization, "billed_hours": s.BilledHours, "weights_gb": s.WeightsGB, "kv_cache_gb": s.KVCacheGB} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					return fmt.Errorf("%s: sizing %s is %v", o.Architecture, name, v)
				}
			}
		}
	}
	c := p.Chosen()
	switch {
	case p.Decision.Architecture == architecture.Blocked && anyAllowed:
		return fmt.Errorf("blocked although an option is allowed")
	case p.Decision.Architecture != architecture.Blocked && (c == nil || !c.Allowed):
		return fmt.Errorf("decision %q is not an allowed option", p.Decision.Architecture)
	}
	if c != nil {
		for _, o := range p.Options {
			if o.Allowed && o.MonthlyUSD.Expected < c.MonthlyUSD.Expected {
				return fmt.Errorf("%s is allowed and cheaper than the chosen %s", o.Architecture, c.Architecture)
			}
		}
	}
	if d := p.Breakeven.Developers; d != nil && (*d < 1 || *d > 100000) {
		return fmt.Errorf("breakeven %d developers is outside [1, 100000]", *d)
	}
	return nil
}

// checkMoney checks one cost range: finite, non-negative and ordered.
func checkMoney(what string, m plan.Money) error {
	for _, v := range []float64{m.Low, m.Expected, m.High} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s is not finite: %+v", what, m)
		}
		if v < 0 {
			return fmt.Errorf("%s is negative: %+v", what, m)
		}
	}
	if !(m.Low <= m.Expected && m.Expected <= m.High) {
		return fmt.Errorf("%s is out of order: %+v", what, m)
	}
	return nil
}

// TestCheckPlan makes sure checkPlan can fail.
func TestCheckPlan(t *testing.T) {
	good := func() *plan.Plan {
		return &plan.Plan{
			Options: []plan.Option{
				{Architecture: architecture.Managed, MonthlyUSD: plan.Money{Low: 1, Expected: 2, High: 3}, Allowed: true,
					LineItems: []plan.LineItem{{Name: "tokens", MonthlyUSD: plan.Money{Low: 1, Expected: 2, High: 3}}}},
				{Architecture: architecture.SelfHosted, MonthlyUSD: plan.Money{Low: 5, Expected: 6, High: 7}, Violations: []plan.Finding{{Policy: "spend.limit"}}},
			},
			Decision: plan.Decision{Architecture: architecture.Managed},
		}
	}
	tests := []struct {
		name    string
		mutate  func(*plan.Plan)
		wantErr bool
	}{
		{"valid", func(*plan.Plan) {}, false},
		{"NaN", func(p *plan.Plan) { p.Options[0].MonthlyUSD.High = math.NaN() }, true},
		{"negative line item", func(p *plan.Plan) { p.Options[0].LineItems[0].MonthlyUSD.Low = -1 }, true},
		{"out of order", func(p *plan.Plan) { p.Options[1].MonthlyUSD.Expected = 8 }, true},
		{"denied option chosen", func(p *plan.Plan) { p.Decision.Architecture = architecture.SelfHosted }, true},
		{"blocked with an allowed option", func(p *plan.Plan) { p.Decision.Architecture = architecture.Blocked }, true},
		{"allowed with violations", func(p *plan.Plan) { p.Options[1].Allowed = true }, true},
		{"cheaper allowed option", func(p *plan.Plan) {
			p.Options[1].Violations, p.Options[1].Allowed = nil, true
			p.Decision.Architecture = architecture.SelfHosted
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good()
			tt.mutate(p)
			if err := checkPlan(p); (err != nil) != tt.wantErr {
				t.Errorf("checkPlan = %v, want error %t", err, tt.wantErr)
			}
		})
	}
}

// FuzzBuildSpec reaches further into pricing and sizing than FuzzBuild,
// whose mutations of HCL text mostly stop at the parser: it composes a
// well-formed spec from fuzzed numbers and choices — extreme team sizes,
// token volumes, shares, context lengths, fleets, prices, budgets — and
// checks the same promises on every spec that decodes.
//
//	go test ./plan -run XXX -fuzz FuzzBuildSpec -fuzztime 5m
func FuzzBuildSpec(f *testing.F) {
	f.Add(200.0, 2e6, 5e6, 0.8, 0.0, 2.0, 0.6, uint32(8192), 200.0, uint8(0), uint8(3), uint8(0), uint16(0), uint16(1), 0.7, 30000.0, 15000.0, uint8(0))
	f.Add(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, uint32(1), 0.0, uint8(255), uint8(255), uint8(255), uint16(8), uint16(0), 1e-9, 0.0, 0.0, uint8(255))
	f.Add(1e7, 1e12, 1e12, 0.0, 0.0, 1e6, 0.001, uint32(1e8), 1e9, uint8(7), uint8(1), uint8(3), uint16(65535), uint16(1e4), 1.0, 1e15, 1e15, uint8(1))
	f.Add(600.0, 8e6, 14e6, 0.8, 0.2, 3.0, 0.55, uint32(65536), 500.0, uint8(2), uint8(4), uint8(1), uint16(0), uint16(2), 0.7, 250000.0, 150000.0, uint8(6))
	cat := modelcatalog.Default()
	managed := cat.ManagedIDs()
	open := append([]string{spec.AutoModel}, cat.OpenModelIDs()...)
	gpus := cat.GPUIDs()
	pricing := []string{spec.OnDemand, spec.Reserved, spec.Spot, spec.CapacityBlock}
	f.Fuzz(func(t *testing.T, developers, tokLow, tokHigh, inputShare, cached, peak, share float64, contextTokens uint32,
		maxTTFT float64, managedPick, openPick, pricePick uint8, fixedGPUs, minReplicas uint16, utilization, limit, approval float64, flags uint8) {
		var b strings.Builder
		num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		fmt.Fprintf(&b, "team \"fuzz\" {\n  developers = %s\n  tokens_per_developer = [%s, %s]\n  input_share = %s\n  cached_input_share = %s\n  peak_to_average = %s\n  cost_center = \"fuzz\"\n}\n",
			num(math.Round(developers)), num(tokLow), num(tokHigh), num(inputShare), num(cached), num(peak))
		complexity := [2]string{spec.Simple, spec.Complex}
		if flags&1 != 0 {
			complexity = [2]string{spec.Complex, spec.Simple}
		}
		fmt.Fprintf(&b, "workload \"a\" {\n  share = %s\n  complexity = %q\n  context_tokens = %d\n", num(share), complexity[0], contextTokens)
		if maxTTFT > 0 {
			fmt.Fprintf(&b, "  max_ttft_ms = %s\n", num(maxTTFT))
		}
		b.WriteString("}\n")
		if share < 1 {
			fmt.Fprintf(&b, "workload \"b\" {\n  share = %s\n  complexity = %q\n}\n", num(1-share), complexity[1])
		}
		fmt.Fprintf(&b, "managed {\n  simple_model = %q\n  complex_model = %q\n}\n",
			managed[int(managedPick)%len(managed)], managed[int(managedPick/16)%len(managed)])
		fmt.Fprintf(&b, "self_hosted {\n  model = %q\n  gpu = %q\n  pricing = %q\n  min_replicas = %d\n  target_utilization = %s\n",
			open[int(openPick)%len(open)], gpus[int(openPick/16)%len(gpus)], pricing[int(pricePick)%len(pricing)], minReplicas, num(utilization))
		if fixedGPUs > 0 {
			fmt.Fprintf(&b, "  gpus = %d\n", fixedGPUs)
		}
		if flags&2 != 0 {
			b.WriteString("  schedule = \"business_hours\"\n")
		}
		b.WriteString("}\n")
		fmt.Fprintf(&b, "compliance {\n  code_may_leave_network = %t\n}\n", flags&4 == 0)
		fmt.Fprintf(&b, "organization {\n  gpu_expertise = %t\n  latency_over_quality = %t\n}\n", flags&8 != 0, flags&16 != 0)
		fmt.Fprintf(&b, "budget {\n  monthly_limit_usd = %s\n  approval_above_usd = %s\n}\n", num(limit), num(approval))
		fmt.Fprintf(&b, "quality {\n  include_in_decision = %t\n}\n", flags&32 == 0)
		if flags&64 != 0 {
			b.WriteString("override \"o\" {\n  policy = \"spend.approval\"\n  approver = \"cfo@fuzz.example\"\n  reason = \"fuzz\"\n  expires = \"2026-12-31\"\n}\n")
		}
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
	})
}
