package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/costgate/costgate/internal/fixture"
	"github.com/costgate/costgate/plan"
)

type jsonItem struct {
	Name  string         `json:"name"`
	HTML  string         `json:"html"`
	Tags  []string       `json:"tags"`
	Inner map[string]any `json:"inner,omitempty"`
	Empty []int          `json:"empty"`
}

// TestWriteJSONListAsOneEncode holds the chunked, concurrent writer to the
// bytes one encoder writes for the whole value, at every length around a
// chunk's edges, nil and empty lists included.
func TestWriteJSONListAsOneEncode(t *testing.T) {
	for _, n := range []int{0, 1, 2, 63, 64, 65, 131} {
		vs := make([]jsonItem, n)
		for i := range vs {
			vs[i] = jsonItem{Name: fmt.Sprint("item-", i), HTML: "<a & b>", Tags: []string{"x", "y"}, Inner: map[string]any{"n": i, "deep": []any{map[string]any{"k": "v"}}}}
		}
		var want, got, wantArr, gotArr bytes.Buffer
		if n == 1 {
			_ = writeJSON(&want, vs[0])
		} else {
			_ = writeJSON(&want, vs)
		}
		if err := writeJSONList(&got, vs); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d elements: writeJSONList differs from one encode:\n%s\nwant\n%s", n, got.String(), want.String())
		}
		_ = writeJSON(&wantArr, vs)
		if err := writeJSONArray(&gotArr, vs); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gotArr.Bytes(), wantArr.Bytes()) {
			t.Errorf("%d elements: writeJSONArray differs from one encode", n)
		}
	}
	var got, want bytes.Buffer
	var none []jsonItem
	_ = writeJSON(&want, none)
	_ = writeJSONArray(&got, none)
	if got.String() != want.String() || got.String() != "null\n" {
		t.Errorf("nil list: got %q, want %q", got.String(), want.String())
	}
}

// TestEncodedPlansAsPlans holds every PlanEncoder format (json, text) to
// its own Plans: plans rendered one by one and written together are the
// bytes the format writes for the plans, for one plan and for several,
// real plans of the bundled examples included.
func TestEncodedPlansAsPlans(t *testing.T) {
	var real []*plan.Plan
	for _, name := range []string{"startup-10.hcl", "enterprise-hybrid.hcl", "regulated.hcl"} {
		p, err := plan.Build(context.Background(), fixture.Parse(t, name, fixture.Example(t, name)), fixture.Options())
		if err != nil {
			t.Fatal(err)
		}
		real = append(real, p)
	}
	formats := FormatsOf[PlanEncoder]()
	if len(formats) < 2 {
		t.Fatalf("plan encoders %v, want json and text at least", formats)
	}
	for _, format := range formats {
		enc, _ := Lookup[PlanEncoder](format)
		for _, n := range []int{1, 2, 65} {
			plans := make([]*plan.Plan, n)
			for i := range plans {
				plans[i] = &plan.Plan{Spec: fmt.Sprintf("team-%d.hcl", i), Resources: []plan.Resource{{Type: "aws:ec2/vpc:Vpc", Name: "v", Properties: map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"a": "<b>"}}}}}
				if i < len(real) {
					plans[i] = real[i]
				}
			}
			encoded := make([][]byte, n)
			for i, p := range plans {
				b, err := enc.EncodePlan(p, n)
				if err != nil {
					t.Fatal(err)
				}
				encoded[i] = b
			}
			var want, got bytes.Buffer
			if err := enc.Plans(&want, plans); err != nil {
				t.Fatal(err)
			}
			if err := enc.WriteEncodedPlans(&got, encoded); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, %d plans: rendered one by one differs from the format's own output", format, n)
			}
		}
	}
}

// TestEncodedGatesAsGate holds every GateEncoder format (json, text) to
// its own Gate: each spec's result rendered on its own and written
// together are the bytes the format writes for all of them.
func TestEncodedGatesAsGate(t *testing.T) {
	var gs []Gated
	for _, name := range []string{"startup-10.hcl", "enterprise-hybrid.hcl", "regulated.hcl", "seed/200-devs-mixed.hcl"} {
		s := fixture.Parse(t, name, fixture.Example(t, name))
		p, err := plan.Build(context.Background(), s, fixture.Options())
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, Gated{Spec: s, Plan: p})
	}
	formats := FormatsOf[GateEncoder]()
	if len(formats) < 2 {
		t.Fatalf("gate encoders %v, want json and text at least", formats)
	}
	for _, format := range formats {
		enc, _ := Lookup[GateEncoder](format)
		for _, n := range []int{1, len(gs)} {
			encoded := make([][]byte, n)
			for i, g := range gs[:n] {
				b, err := enc.EncodeGate(g)
				if err != nil {
					t.Fatal(err)
				}
				encoded[i] = b
			}
			var want, got bytes.Buffer
			if err := enc.Gate(&want, gs[:n]); err != nil {
				t.Fatal(err)
			}
			if err := enc.WriteEncodedGates(&got, encoded); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, %d specs: rendered one by one differs from the format's own output:\n%s\nwant\n%s", format, n, got.String(), want.String())
			}
		}
	}
}

// TestWriteJSONListFailsWhole: an element that cannot be encoded fails the
// list before any of it is written.
func TestWriteJSONListFailsWhole(t *testing.T) {
	vs := make([]map[string]any, 100)
	for i := range vs {
		vs[i] = map[string]any{"n": float64(i)}
	}
	vs[70]["n"] = math.NaN()
	var b bytes.Buffer
	if err := writeJSONList(&b, vs); err == nil || b.Len() != 0 {
		t.Errorf("err %v, wrote %d bytes; want an error and nothing written", err, b.Len())
	}
}

// TestAppendJSONAsEncoder holds the one-pass indentation to what
// json.Encoder writes with SetIndent and SetEscapeHTML(false), byte for
// byte: brackets, commas and colons inside strings, escaped quotes and
// backslashes, empty and nested containers, top-level scalars, and real
// plans of the bundled examples.
func TestAppendJSONAsEncoder(t *testing.T) {
	values := []any{
		nil, 1, "x", "", true, 2.5e-9, []int{}, map[string]int{}, []any{[]any{}, map[string]any{}},
		[]any{[]any{[]any{1}}, map[string]any{"a": map[string]any{"b": []any{}}}},
		map[string]any{
			"quote":   `a"b`,
			"slash":   `\`,
			"both":    `\"{[,:]}\\"`,
			"punct":   "{}[],: x",
			"html":    "<a & b>",
			"unicode": "é ü \u2028 \u0001",
			"list":    []any{1, "two", nil, false, []string{}, map[string]any{"k": []int{1, 2}}},
		},
		jsonItem{Name: "n", HTML: "<>", Tags: []string{"[", "]"}, Inner: map[string]any{"{": "}"}},
	}
	for _, name := range []string{"startup-10.hcl", "enterprise-hybrid.hcl", "regulated.hcl"} {
		p, err := plan.Build(context.Background(), fixture.Parse(t, name, fixture.Example(t, name)), fixture.Options())
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, p)
	}
	for i, v := range values {
		for _, prefix := range []string{"", "  "} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent(prefix, "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			got, err := appendJSON([]byte("keep"), v, prefix)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "keep"+want.String() {
				t.Errorf("value %d, prefix %q:\ngot  %q\nwant %q", i, prefix, got, "keep"+want.String())
			}
		}
	}
	if _, err := appendJSON(nil, math.NaN(), ""); err == nil {
		t.Error("appendJSON(NaN) succeeded, want the encoder's error")
	}
}

// BenchmarkEncodePlanJSON measures encoding one plan as the json format
// writes it among many (PlanEncoder), for the bundled examples' plans.
func BenchmarkEncodePlanJSON(b *testing.B) {
	var plans []*plan.Plan
	for _, name := range []string{"startup-10.hcl", "enterprise-hybrid.hcl", "regulated.hcl"} {
		p, err := plan.Build(context.Background(), fixture.Parse(b, name, fixture.Example(b, name)), fixture.Options())
		if err != nil {
			b.Fatal(err)
		}
		plans = append(plans, p)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range plans {
			if _, err := encodePlanJSON(p, 2); err != nil {
				b.Fatal(err)
			}
		}
	}
}
