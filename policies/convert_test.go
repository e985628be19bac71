package policies

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The types below take the shapes of plan.Plan (pointers for unknown
// figures, omitempty, nil slices, free-form properties) plus the corners
// of encoding/json that the reflection path hands back to it.

type money struct {
	Low      float64 `json:"low"`
	Expected float64 `json:"expected"`
	High     float64 `json:"high"`
}

type route struct {
	Workload  string   `json:"workload"`
	ServedBy  string   `json:"served_by"`
	Provider  string   `json:"provider,omitempty"`
	TTFTMs    *float64 `json:"ttft_ms"`
	MaxTTFTMs *float64 `json:"max_ttft_ms"`
}

type sizing struct {
	GPUs     int      `json:"gpus"`
	Peak     float64  `json:"peak_utilization"`
	VLLMArgs []string `json:"vllm_args"`
}

type option struct {
	Architecture string         `json:"architecture"`
	MonthlyUSD   money          `json:"monthly_usd"`
	Sizing       *sizing        `json:"sizing,omitempty"`
	Routes       []route        `json:"routes"`
	Allowed      bool           `json:"allowed"`
	Properties   map[string]any `json:"properties"`
	hidden       int
	Skipped      string `json:"-"`
	NoTag        int
}

type planLike struct {
	Spec    string      `json:"spec"`
	Options []option    `json:"options"`
	Limit   *float64    `json:"monthly_limit_usd"`
	Emails  []string    `json:"alert_emails"`
	Count   uint8       `json:"count,omitempty"`
	Ratio   float32     `json:"ratio"`
	Fixed   [2]int      `json:"fixed"`
	Any     any         `json:"any"`
	Number  json.Number `json:"number"`
}

type embedded struct {
	money
	Name string `json:"name"`
}

type stringOpt struct {
	N int `json:"n,string"`
}

// clash has two fields named x, which encoding/json drops. It is built at
// run time because vet rightly rejects such a struct literal.
func clash() any {
	t := reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: reflect.TypeFor[string](), Tag: `json:"x"`},
		{Name: "B", Type: reflect.TypeFor[string](), Tag: `json:"x"`},
		{Name: "C", Type: reflect.TypeFor[string](), Tag: `json:"c"`},
	})
	v := reflect.New(t).Elem()
	v.Field(0).SetString("a")
	v.Field(1).SetString("b")
	v.Field(2).SetString("c")
	return v.Interface()
}

type ptrMarshaler struct{ _ int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type withPtrMarshaler struct {
	M ptrMarshaler `json:"m"`
}

type valueMarshaler struct{}

func (valueMarshaler) MarshalText() ([]byte, error) { return []byte("text"), nil }

func ptr(f float64) *float64 { return &f }

// resourceInput is a resource's input as stacks.PolicyInput builds it: the
// properties at the top level too, the same maps and slices. With other
// set, the top level holds values of the same keys that differ from the
// properties': equal in form but other maps, a slice of another length,
// another string.
func resourceInput(other bool) map[string]any {
	tags := map[string]any{"cost_center": "cc", "team": "t"}
	ports := []any{80.0, 443.0}
	props := map[string]any{"tags": tags, "ports": ports, "empty": []any{}, "none": nil, "nilMap": map[string]any(nil),
		"name": "n", "n": 2.5, "nested": map[string]any{"tags": tags, "list": []any{tags, ports}}}
	in := map[string]any{"__type": "aws:ec2/vpc:Vpc", "__name": "n", "type": "aws:ec2/vpc:Vpc", "properties": props}
	for k, v := range props {
		in[k] = v
	}
	if other {
		in["tags"] = map[string]any{"cost_center": "other"}
		in["ports"] = ports[:1]
		in["name"] = "top"
		in["nested"] = map[string]any{"tags": tags}
	}
	return in
}

func TestToValueMatchesJSON(t *testing.T) {
	full := planLike{
		Spec: "teams/acme.hcl",
		Options: []option{
			{Architecture: "managed", MonthlyUSD: money{1, 2.5, 3}, Routes: []route{{Workload: "review", ServedBy: "managed", Provider: "anthropic", TTFTMs: ptr(450.25)}}, Properties: map[string]any{"tags": map[string]any{"cost_center": "platform"}, "ports": []any{8000, 443.0}, "n": json.Number("12")}},
			{Architecture: "self_hosted", Sizing: &sizing{GPUs: 4, Peak: 0.95}, Routes: []route{}, hidden: 3, Skipped: "x", NoTag: 7},
		},
		Limit:  ptr(30000),
		Ratio:  0.1,
		Fixed:  [2]int{1, 2},
		Any:    route{Workload: "w"},
		Number: "1e3",
	}
	tests := []struct {
		name  string
		input any
	}{
		{"plan-like struct", full},
		{"pointer to struct", &full},
		{"zero struct", planLike{}},
		{"embedded struct", embedded{money: money{1, 2, 3}, Name: "n"}},
		{"string option", stringOpt{N: 5}},
		{"clashing names", clash()},
		{"pointer marshaler, addressable", &withPtrMarshaler{}},
		{"pointer marshaler, not addressable", withPtrMarshaler{}},
		{"value marshaler", map[string]valueMarshaler{"k": {}}},
		{"time", struct {
			At time.Time `json:"at"`
		}{time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}},
		{"bytes", struct {
			B []byte `json:"b"`
		}{[]byte("hi")}},
		{"int keys", map[int]string{2: "b", 1: "a"}},
		{"nil pointer", (*planLike)(nil)},
		{"nil map and slice", map[string]any{"m": map[string]any(nil), "s": []any(nil), "e": []any{}}},
		{"resource input sharing its properties", resourceInput(false)},
		{"resource input with other values at the top level", resourceInput(true)},
		{"resource input with nil properties", map[string]any{"__type": "t", "properties": map[string]any(nil), "tags": map[string]any{}}},
		{"scalars", []any{true, 1, int64(-3), uint(4), 2.5, "s", nil}},
		{"floats as encoding/json writes them", []any{2e6, 1e21, 1e-7, 0.000001, math.Copysign(0, -1), 123456789.125, float32(0.1), float32(1e-7), 5e-324}},
		{"float fields", struct {
			A float64  `json:"a"`
			B float32  `json:"b"`
			C *float64 `json:"c"`
		}{A: 2e6, B: 3.4e25, C: ptr(1e22)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.input)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ast.ValueFromReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			got, err := toValue(tt.input)
			if err != nil {
				t.Fatalf("toValue: %v", err)
			}
			// Compare the text too: 2e6 and 2000000 are equal numbers but
			// print differently in a policy's message.
			if got.Compare(want) != 0 || got.String() != want.String() {
				t.Errorf("toValue differs from the JSON form\n got: %v\nwant: %v", got, want)
			}
		})
	}
}

func TestToValueFixturesRoundTrip(t *testing.T) {
	// Every fixture plan decoded into maps, and as bytes, gives the same value.
	dirs, err := filepath.Glob(filepath.Join("testdata", "plans", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixture plans: %v", err)
	}
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		var maps map[string]any
		if err := json.Unmarshal(raw, &maps); err != nil {
			t.Fatal(err)
		}
		a, err := toValue(maps)
		if err != nil {
			t.Fatal(err)
		}
		b, err := toValue(json.RawMessage(raw))
		if err != nil {
			t.Fatal(err)
		}
		if a.Compare(b) != 0 {
			t.Errorf("%s: maps and bytes convert differently", dir)
		}
	}
}

func TestToValueRejectsWhatJSONRejects(t *testing.T) {
	for _, in := range []any{
		struct {
			F float64 `json:"f"`
		}{math.NaN()},
		map[string]any{"inf": math.Inf(1)},
		struct {
			C chan int `json:"c"`
		}{make(chan int)},
	} {
		if _, err := json.Marshal(in); err == nil {
			t.Fatalf("json.Marshal(%T) succeeded; the case is wrong", in)
		}
		if _, err := toValue(in); err == nil {
			t.Errorf("toValue(%T) succeeded, want an error as json.Marshal gives", in)
		}
	}
	if _, err := toValue(json.RawMessage(`{"a":`)); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("toValue(truncated JSON) = %v, want a parse error", err)
	}
}
