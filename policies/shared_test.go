package policies

import (
	"math"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

type sharedPlan struct {
	Spec    string   `json:"spec"`
	Before  float64  `json:"before"`
	Options []option `json:"options,omitempty"`
	After   any      `json:"after"`
	Omitted string   `json:"omitted,omitempty"`
}

// TestSharedMatchesWhole: an input With makes converts to what the whole
// struct converts to, and fails with the same error, whichever field
// fails (before, in or after the changed one), the changed field omitted
// or not; and a struct toValue does not walk is converted whole.
func TestSharedMatchesWhole(t *testing.T) {
	opts := map[string][]option{
		"none": nil,
		"some": {{Architecture: "managed", MonthlyUSD: money{1, 2.5, 3}, Routes: []route{{Workload: "w", TTFTMs: ptr(4)}}}},
		"nan":  {{Architecture: "managed", MonthlyUSD: money{1, math.NaN(), 3}}},
	}
	bases := map[string]sharedPlan{
		"ok":     {Spec: "a.hcl", Before: 2, After: map[string]any{"k": []any{1.5, "x"}}},
		"before": {Spec: "a.hcl", Before: math.Inf(1), After: 1.0},
		"after":  {Spec: "a.hcl", After: []any{math.NaN()}},
	}
	for bn, base := range bases {
		first := base
		first.Options = opts["some"]
		s := NewShared(&first, "options")
		if s.t == nil {
			t.Fatalf("%s: nothing shared", bn)
		}
		for on, o := range opts {
			x := base
			x.Options = o
			sameAsWhole(t, bn+"/"+on, s.With(&x), &x)
		}
	}
	for name, x := range map[string]any{
		"marshaler":  &withPtrMarshaler{},
		"embedded":   &embedded{Name: "n"},
		"value":      sharedPlan{Spec: "v"},
		"nil":        (*sharedPlan)(nil),
		"no field":   &money{1, 2, 3},
		"other type": &sharedPlan{Spec: "b"},
	} {
		s := NewShared(x, "options")
		if name == "other type" {
			s = NewShared(&money{}, "low")
		} else if s.t != nil {
			t.Errorf("%s: shared, want converted whole", name)
		}
		sameAsWhole(t, name, s.With(x), x)
	}
}

func sameAsWhole(t *testing.T, what string, in SharedInput, whole any) {
	t.Helper()
	got, gerr := toValue(in)
	want, werr := toValue(whole)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Errorf("%s: error %v, want %v", what, gerr, werr)
	}
	if werr == nil && (got == nil || ast.Compare(got, want) != 0) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}
