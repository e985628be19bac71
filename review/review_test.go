package review

import (
	"context"
	"github.com/costgate/costgate/internal/fixture"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestAttributionAddsUp: for each pair of specs, the inputs found are the
// ones edited, in the fixed order, and the steps add up (within a cent) to
// the change of the decided cost and of every option's expected cost.
func TestAttributionAddsUp(t *testing.T) {
	acme := fixture.Example(t, "acme-platform.hcl")
	ent := fixture.Enterprise600(t)
	tests := []struct {
		name       string
		base, head string
		wantInputs []string
	}{
		{
			name: "team, model and budget",
			base: acme,
			head: fixture.Edit(t, acme, "developers              = 200", "developers              = 260",
				`complex_model = "claude-sonnet-4.6"`, `complex_model = "claude-opus-4.8"`,
				"approval_above_usd = 15000", "approval_above_usd = 12000"),
			wantInputs: []string{"team.developers", "managed.complex_model", "budget.approval_above_usd"},
		},
		{
			name: "decision changes with a latency limit and shares",
			base: ent,
			head: fixture.Edit(t, ent, "developers           = 600", "developers           = 700",
				"max_ttft_ms    = 500", "max_ttft_ms    = 3000",
				"share          = 0.55", "share          = 0.5",
				"share      = 0.15", "share      = 0.2"),
			wantInputs: []string{"team.developers", "workloads", "workload.autocomplete.max_ttft_ms"},
		},
		{
			name: "workload added, complexity and fleet changed",
			base: acme,
			head: fixture.Edit(t, acme, "share          = 0.6", "share          = 0.5",
				`complexity = "complex"`, `complexity = "simple"`,
				`workload "agent" {`, "workload \"review\" {\n  share      = 0.1\n  complexity = \"complex\"\n}\n\nworkload \"agent\" {",
				"pricing            = \"reserved\"", "pricing            = \"on_demand\"",
				"gpu_hour_usd       = [2.5, 3.5]", "gpu_hour_usd       = [3, 4]",
				"min_replicas       = 1", "min_replicas       = 2"),
			// context_tokens follows complexity by default: 32768 complex, 8192 simple.
			wantInputs: []string{"workloads", "workload.agent.complexity", "workload.agent.context_tokens", "self_hosted.pricing", "self_hosted.gpu_hour_usd", "self_hosted.min_replicas"},
		},
		{
			name: "override removed, ranges and compliance",
			base: acme,
			head: fixture.Edit(t, acme, "override \"q1-migration\"", "override \"q2-migration\"",
				"tokens_per_developer    = [2e6, 5e6]", "tokens_per_developer    = [3e6, 6e6]",
				"peak_to_average         = 2", "peak_to_average         = [2, 3]",
				"ops_usd_per_month  = [2000, 4000]", "ops_usd_per_month  = [3000, 5000]",
				`allowed_providers      = ["bedrock", "openai"]`, `allowed_providers      = ["bedrock"]`,
				"rework_hours        = 0.5", "rework_hours        = [0.25, 1]"),
			wantInputs: []string{"team.tokens_per_developer", "team.peak_to_average", "self_hosted.ops_usd_per_month",
				"compliance.allowed_providers", "quality.rework_hours", "override.q1-migration", "override.q2-migration"},
		},
		{
			name:       "nothing changed",
			base:       acme,
			head:       acme,
			wantInputs: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := fixture.Parse(t, "base.hcl", tt.base)
			head := fixture.Parse(t, "head.hcl", tt.head)
			pristine := fixture.Parse(t, "base.hcl", tt.base)
			d, err := Compare(context.Background(), base, head, fixture.Options())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pristine, base, cmpopts.IgnoreFields(spec.Spec{}, "Ranges")); diff != "" {
				t.Errorf("Compare changed the base spec (-before +after):\n%s", diff)
			}
			var got []string
			for i, in := range d.Inputs {
				got = append(got, in.Input)
				if in.Step != i+1 {
					t.Errorf("input %s has step %d, want %d", in.Input, in.Step, i+1)
				}
			}
			if diff := cmp.Diff(tt.wantInputs, got); diff != "" {
				t.Errorf("inputs (-want +got):\n%s", diff)
			}
			for _, o := range d.Options {
				if o.Delta == nil {
					continue
				}
				sum := 0.0
				for _, in := range d.Inputs {
					sum += in.OptionsUSD[o.Architecture]
				}
				if math.Abs(sum-o.Delta.Expected) > 0.01 {
					t.Errorf("%s: steps add up to %.2f, the expected cost moved %.2f", o.Architecture, sum, o.Delta.Expected)
				}
				if want := o.Head.Expected - o.Base.Expected; math.Abs(o.Delta.Expected-want) > 0.005 {
					t.Errorf("%s: delta %.2f, want head − base = %.2f", o.Architecture, o.Delta.Expected, want)
				}
				if math.Abs(d.Totals.OptionsUSD[o.Architecture]-o.Delta.Expected) > 0.01 {
					t.Errorf("%s: total %.2f, want %.2f", o.Architecture, d.Totals.OptionsUSD[o.Architecture], o.Delta.Expected)
				}
			}
			if dc := d.Decision; dc.DeltaUSD != nil {
				sum := 0.0
				for _, in := range d.Inputs {
					sum += *in.DecisionUSD
				}
				if math.Abs(sum-*dc.DeltaUSD) > 0.01 {
					t.Errorf("decided: steps add up to %.2f, the decided cost moved %.2f", sum, *dc.DeltaUSD)
				}
				if want := *dc.HeadUSD - *dc.BaseUSD; math.Abs(*dc.DeltaUSD-want) > 0.005 {
					t.Errorf("decided delta %.2f, want %.2f", *dc.DeltaUSD, want)
				}
			}
			if len(d.Inputs) > 0 && d.Inputs[len(d.Inputs)-1].Decision != d.Head.Decision.Architecture {
				t.Errorf("the last step decides %s, head decides %s", d.Inputs[len(d.Inputs)-1].Decision, d.Head.Decision.Architecture)
			}
		})
	}
}

// TestAttributionSteps pins a case worked by hand on a 600-developer
// enterprise whose managed option is denied only by its autocomplete
// latency target: a team of 600 → 700
// scales the managed cost by 7/6 with nothing else changed, so the whole
// change of managed is in the first step and none in the later one.
func TestAttributionSteps(t *testing.T) {
	ent := fixture.Enterprise600(t)
	head := fixture.Edit(t, ent, "developers           = 600", "developers           = 700", "max_ttft_ms    = 500", "max_ttft_ms    = 3000")
	d, err := Compare(context.Background(), fixture.Parse(t, "base.hcl", ent), fixture.Parse(t, "head.hcl", head), fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Inputs) != 2 {
		t.Fatalf("got %d inputs, want 2", len(d.Inputs))
	}
	mgdBase := d.Base.Options[0].MonthlyUSD.Expected
	// The managed option carries a few dollars of line items that do not
	// scale with the team; allow for them.
	if got, want := d.Inputs[0].OptionsUSD[architecture.Managed], mgdBase/6; math.Abs(got-want) > 5 {
		t.Errorf("team.developers moves managed by %.2f, want about %.2f", got, want)
	}
	if got := d.Inputs[1].OptionsUSD[architecture.Managed]; got != 0 {
		t.Errorf("max_ttft_ms moves managed cost by %.2f, want 0", got)
	}
	// The latency limit un-denies managed, the cheapest option: the decision moves.
	if d.Inputs[0].Decision != architecture.Hybrid || d.Inputs[1].Decision != architecture.Managed {
		t.Errorf("decisions after each step: %s, %s; want hybrid, managed", d.Inputs[0].Decision, d.Inputs[1].Decision)
	}
	if !d.Decision.Changed() {
		t.Error("the decision did not change")
	}
	wantCleared := PolicyChange{Change: Cleared, Kind: "deny", Option: string(architecture.Managed), Policy: "latency.ttft"}
	found := false
	for _, pc := range d.Policies {
		pc.Message = ""
		if pc == wantCleared {
			found = true
		}
	}
	if !found {
		t.Errorf("latency.ttft on managed did not clear: %+v", d.Policies)
	}
}

func TestValue(t *testing.T) {
	lim := 30000.0
	tests := []struct {
		in   any
		want string
	}{
		{spec.Scalar(200), "200"},
		{spec.Range{Low: 2e6, High: 14e6}, "[2e6, 1.4e7]"},
		{&spec.Range{Low: 2.5, High: 3.5}, "[2.5, 3.5]"},
		{(*spec.Range)(nil), "unset"},
		{&lim, "30000"},
		{"bedrock", `"bedrock"`},
		{[]string{"a", "b"}, `["a", "b"]`},
		{[]string(nil), "unset"},
		{optional(0), "unset"},
		{true, "true"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := value(tt.in); got != tt.want {
				t.Errorf("value(%#v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestInputChangesCoverEveryField changes each field of each block, one at
// a time, and checks that it is found as an input of its own and that
// applying the inputs reaches the head exactly. A field added to the spec
// without a line in inputChanges fails here, not as an "other" row.
func TestInputChangesCoverEveryField(t *testing.T) {
	base := fixture.Parse(t, "base.hcl", fixture.Example(t, "acme-platform.hcl"))
	blocks := []struct {
		name string
		get  func(*spec.Spec) reflect.Value
	}{
		{"team", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Team).Elem() }},
		{"workload", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Workloads[0]).Elem() }},
		{"managed", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Managed).Elem() }},
		{"self_hosted", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.SelfHosted).Elem() }},
		{"compliance", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Compliance).Elem() }},
		{"organization", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Organization).Elem() }},
		{"budget", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Budget).Elem() }},
		{"quality", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Quality).Elem() }},
		{"override", func(s *spec.Spec) reflect.Value { return reflect.ValueOf(&s.Overrides[0]).Elem() }},
	}
	for _, blk := range blocks {
		typ := blk.get(base).Type()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			t.Run(blk.name+"."+f.Name, func(t *testing.T) {
				head := cloneSpec(base)
				head.Budget.AlertEmails = slices.Clone(base.Budget.AlertEmails)
				if !perturb(blk.get(head).Field(i)) {
					t.Skipf("no way to change a %s", f.Type)
				}
				changes := inputChanges(base, head)
				want := 1
				if blk.name == "override" && f.Name == "Name" {
					want = 2 // a renamed override is one removed and one added
				}
				if len(changes) != want {
					var names []string
					for _, c := range changes {
						names = append(names, c.input)
					}
					t.Fatalf("changing %s.%s gives inputs %v, want %d", blk.name, f.Name, names, want)
				}
				work := cloneSpec(base)
				for _, c := range changes {
					c.apply(work)
				}
				if !specsEqual(work, head) {
					t.Errorf("applying %s does not reach the head:\n%s", changes[0].input, cmp.Diff(head, work, cmpopts.IgnoreFields(spec.Spec{}, "Ranges")))
				}
				if !specsEqual(base, fixture.Parse(t, "base.hcl", fixture.Example(t, "acme-platform.hcl"))) {
					t.Error("applying changed the base")
				}
			})
		}
	}
}

// perturb sets v to a different value of its type.
func perturb(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "-x")
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Pointer:
		n := reflect.New(v.Type().Elem())
		if !v.IsNil() {
			n.Elem().Set(v.Elem())
		}
		if !perturb(n.Elem()) {
			return false
		}
		v.Set(n)
	case reflect.Struct:
		switch x := v.Addr().Interface().(type) {
		case *spec.Range:
			*x = spec.Range{Low: x.Low + 1, High: x.High + 2}
		case *time.Time:
			*x = x.AddDate(0, 1, 0)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// TestModelChangeNamesTheFields: a model block on both sides shows the
// fields that changed, which its name and size alone would not (a pull
// request raising dense_layers read "mine, 212 GB → mine, 212 GB").
func TestModelChangeNamesTheFields(t *testing.T) {
	b := &modelDecl{Model: modelcatalog.OpenModel{ID: "mine", WeightsGB: 212, Layers: 46, DenseLayers: 1}}
	h := &modelDecl{Model: b.Model}
	h.Model.DenseLayers = 45
	h.Throughput = []modelcatalog.Throughput{{Model: "mine", GPU: "h100", TensorParallel: 8}}
	bs, hs := modelChange(b, h)
	if bs != "mine: dense_layers 1, 0 throughput rows" || hs != "mine: dense_layers 45, 1 throughput rows (changed)" {
		t.Errorf("shown as %q → %q", bs, hs)
	}
}
