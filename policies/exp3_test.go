package policies_test

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"
)

func BenchmarkExpPerFile(b *testing.B) {
	var data map[string]any
	_ = util.UnmarshalJSON([]byte(mustRead(b, "plan/data.json")), &data)
	for _, f := range []string{"capacity_peak", "checklist_self_hosting", "compliance_external_api", "compliance_provider", "latency_ttft", "spend_approval", "spend_limit", "spend_limit_risk", "spend_unknown"} {
		for _, fx := range []string{"allowed", "over_budget"} {
			b.Run(f+"/"+fx, func(b *testing.B) {
				pkg := map[string]string{"capacity_peak": "capacity", "checklist_self_hosting": "checklist", "compliance_external_api": "compliance", "compliance_provider": "compliance", "latency_ttft": "latency", "spend_approval": "spend", "spend_limit": "spend", "spend_limit_risk": "spend", "spend_unknown": "spend"}[f]
				pq, err := rego.New(rego.Query("x = data.costgate."+pkg+".deny; y = data.costgate."+pkg+".warn"), rego.Store(inmem.NewFromObject(data)),
					rego.Module("lib.rego", mustRead(b, "plan/lib.rego")), rego.Module(f, mustRead(b, "plan/"+f+".rego"))).PrepareForEval(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				v, _ := ast.InterfaceToValue(loadPlan(b, fx))
				for b.Loop() {
					if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(v)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
