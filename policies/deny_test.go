package policies_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/costgate/costgate/policies"
)

// warnFields are the fields the built-in warn rules read, each set below
// to numbers of every kind a plan may hold; deny-only evaluation must
// give EvaluatePlan's denials, and fail exactly where it fails.
var warnFields = [][]string{
	{"sizing", "peak_utilization"}, {"sizing", "target_utilization"}, {"sizing", "gpus"},
	{"sizing", "required_gpus"}, {"sizing", "required_monthly_usd"},
	{"cash_usd", "expected"}, {"cash_usd", "high"},
	{"routes", "0", "ttft_ms"}, {"routes", "0", "max_ttft_ms"},
}

var warnValues = []any{0, -1, 0.5, 1, 1.5, 29999.5, 30000.5, 125000, 7.2e6, 1e21, -1e21, 1e300, 9223372036854775808.0, nil}

// TestEvaluatePlanDenyAsWhole holds EvaluatePlanDeny to EvaluatePlan's
// denials and errors on the gate's single-option plans of every fixture,
// with each field a built-in warn rule reads set to numbers from tiny to
// 1e300, and the checklist below and at its threshold.
func TestEvaluatePlanDenyAsWhole(t *testing.T) {
	e := engine(t)
	names, err := filepath.Glob(filepath.Join("testdata", "plans", "*", "plan.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("fixtures: %v", err)
	}
	n := 0
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var whole map[string]any
		if err := json.Unmarshal(raw, &whole); err != nil {
			t.Fatal(err)
		}
		for i := range whole["options"].([]any) {
			for _, met := range []any{0, 1, 3, "3"} {
				n++
				sameDenials(t, e, gateInput(t, raw, i, met), fmt.Sprintf("%s option %d met %v", name, i, met))
			}
			for _, f := range warnFields {
				for _, v := range warnValues {
					one := gateInput(t, raw, i, 1)
					if set(one["options"].([]any)[0], f, v) {
						n++
						sameDenials(t, e, one, fmt.Sprintf("%s option %d %v=%v", name, i, f, v))
					}
				}
			}
		}
	}
	if n < 500 {
		t.Fatalf("only %d inputs compared", n)
	}
}

// gateInput is the plan of raw with its i-th option alone and the
// checklist's met count set, as the search's gate judges an option.
func gateInput(t *testing.T, raw []byte, i int, met any) map[string]any {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	p["options"] = []any{p["options"].([]any)[i]}
	p["checklist"].(map[string]any)["met"] = met
	return p
}

// set writes v at path below x, reporting whether the path exists.
func set(x any, path []string, v any) bool {
	for i, k := range path {
		switch c := x.(type) {
		case map[string]any:
			if i == len(path)-1 {
				c[k] = v
				return true
			}
			x = c[k]
		case []any:
			if len(c) == 0 {
				return false
			}
			x = c[0]
		default:
			return false
		}
	}
	return false
}

func sameDenials(t *testing.T, e *policies.Engine, input map[string]any, what string) {
	t.Helper()
	ctx := context.Background()
	whole, werr := e.EvaluatePlan(ctx, input)
	deny, derr := e.EvaluatePlanDeny(ctx, input)
	if (werr == nil) != (derr == nil) {
		t.Fatalf("%s: EvaluatePlan error %v, EvaluatePlanDeny error %v", what, werr, derr)
	}
	if werr == nil && !cmp.Equal(whole.Deny, deny) {
		t.Fatalf("%s: denials differ (-whole +deny-only):\n%s", what, cmp.Diff(whole.Deny, deny))
	}
}
