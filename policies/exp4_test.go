package policies_test

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
)

func BenchmarkExpQ(b *testing.B) {
	for _, q := range []string{`x = 1`, `x = round(3.4)`, `x = sprintf("%d", [5])`, `x = abs(round(31200.4))`, `x = concat("", ["a", "b"])`, `x = data.costgate.lib.sign(3)`, `x = data.costgate.lib.group_thousands(31200)`, `x = data.costgate.lib.usd(31200.4)`, `x = 31200 % 1000`, `x = floor(31200 / 1000)`} {
		b.Run(q, func(b *testing.B) {
			pq, err := rego.New(rego.Query(q), rego.Module("lib.rego", mustRead(b, "plan/lib.rego"))).PrepareForEval(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := pq.Eval(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
