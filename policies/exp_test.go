package policies_test

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

func BenchmarkExpConvert(b *testing.B) {
	p := loadPlan(b, "over_budget")
	for b.Loop() {
		if _, err := ast.InterfaceToValue(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpTrivial(b *testing.B) {
	pq, err := rego.New(rego.Query("x = input.spec")).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	v, _ := ast.InterfaceToValue(loadPlan(b, "over_budget"))
	for b.Loop() {
		if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(v)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpAllowed(b *testing.B) {
	e := engine(b)
	p := loadPlan(b, "allowed")
	for b.Loop() {
		if _, err := e.EvaluatePlan(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpUSD(b *testing.B) {
	pq, err := rego.New(rego.Query(`x = data.costgate.lib.usd(31200.4)`), rego.Module("lib.rego", mustRead(b, "plan/lib.rego"))).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := pq.Eval(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
