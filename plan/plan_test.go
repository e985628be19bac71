package plan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/costgate/costgate/internal/fixture"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/internal/golden"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	gate "github.com/costgate/costgate/policies"
	"github.com/costgate/costgate/report"
	"github.com/costgate/costgate/spec"
)

// asOf fixes the plan date so goldens and override expiry are stable.
var asOf = fixture.AsOf

var policies = fixture.Policies()

func examples(t *testing.T) []string {
	t.Helper()
	a, _ := filepath.Glob("../examples/*.hcl")
	b, _ := filepath.Glob("../examples/seed/*.hcl")
	if len(a)+len(b) < 8 {
		t.Fatalf("found %d example specs, want the bundled ones", len(a)+len(b))
	}
	return append(a, b...)
}

func build(t *testing.T, path string, at time.Time) *plan.Plan {
	t.Helper()
	p, diags, err := plan.BuildFile(context.Background(), path, plan.Options{AsOf: at, Policies: policies})
	if diags.HasErrors() || err != nil {
		t.Fatalf("build %s: %v %v", path, diags, err)
	}
	return p
}

func buildSource(t *testing.T, src string, at time.Time) *plan.Plan {
	t.Helper()
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("inline.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	p, err := plan.Build(context.Background(), s, plan.Options{AsOf: at, Policies: policies})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGolden renders every example's plan as JSON and text and compares
// them with testdata/golden; run with -update to rewrite.
func TestGolden(t *testing.T) {
	for _, path := range examples(t) {
		name := strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(path, "../examples/"), "/", "_"), ".hcl")
		t.Run(name, func(t *testing.T) {
			p := build(t, path, asOf)
			for _, format := range []string{"json", "text"} {
				var buf bytes.Buffer
				if err := report.Write(&buf, format, []*plan.Plan{p}); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", "golden", name+"."+format), buf.Bytes())
			}
		})
	}
}

// TestInvariants holds for every example: JSON byte-identical across
// builds, the decision is an allowed option (or blocked when none is), and
// low <= expected <= high.
func TestInvariants(t *testing.T) {
	for _, path := range examples(t) {
		t.Run(path, func(t *testing.T) {
			a, b := build(t, path, asOf), build(t, path, asOf)
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Error("two builds of the same spec differ")
			}
			anyAllowed := false
			for _, o := range a.Options {
				anyAllowed = anyAllowed || o.Allowed
				if o.Allowed != (len(o.Violations) == 0) {
					t.Errorf("%s: allowed=%t with %d violations", o.Architecture, o.Allowed, len(o.Violations))
				}
				if m := o.MonthlyUSD; !(m.Low <= m.Expected && m.Expected <= m.High) || m.Low < 0 {
					t.Errorf("%s: monthly %+v out of order", o.Architecture, m)
				}
			}
			c := a.Chosen()
			switch {
			case !anyAllowed && a.Decision.Architecture != architecture.Blocked:
				t.Errorf("no option allowed, decision %s", a.Decision.Architecture)
			case anyAllowed && (c == nil || !c.Allowed):
				t.Errorf("decision %s is not an allowed option", a.Decision.Architecture)
			}
			if c != nil {
				for _, o := range a.Options {
					if o.Allowed && o.MonthlyUSD.Expected < c.MonthlyUSD.Expected {
						t.Errorf("%s is allowed and cheaper than the chosen %s", o.Architecture, c.Architecture)
					}
				}
			}
		})
	}
}

const approvalSpec = `
team "t" {
  developers           = 300
  tokens_per_developer = [4e6, 6e6]
  cost_center          = "x"
}
workload "agent" {
  share      = 1
  complexity = "complex"
}
managed {
  complex_model = "claude-opus-4.8"
}
self_hosted {
  model = "qwen3-coder-30b-a3b"
}
budget {
  approval_above_usd = 100
}
override "q4" {
  policy   = "spend.approval"
  approver = "cfo@x.example"
  reason   = "Pilot"
  expires  = "2026-12-31"
}
`

// TestOverrides: an override waives its policy through its expiry day and
// nothing after it, and says so either way.
func TestOverrides(t *testing.T) {
	tests := []struct {
		name        string
		at          time.Time
		wantWaived  bool
		wantBlocked bool
	}{
		{"the day before expiry", time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC), true, false},
		{"the expiry day", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), true, false},
		{"the day after", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := buildSource(t, approvalSpec, tt.at)
			if got := p.Decision.Architecture == architecture.Blocked; got != tt.wantBlocked {
				t.Errorf("blocked = %t, want %t: %v", got, tt.wantBlocked, p.Decision.Reasons)
			}
			w := p.Waivers[0]
			if w.Expired == tt.wantWaived {
				t.Errorf("expired = %t on %s", w.Expired, tt.at.Format(time.DateOnly))
			}
			if tt.wantWaived {
				if len(w.Waived) == 0 {
					t.Error("the override waived nothing")
				}
				for _, o := range p.Options {
					if !o.Allowed || len(o.Waived) == 0 || !strings.Contains(o.Waived[0].Message, "cfo@x.example") {
						t.Errorf("%s: allowed=%t waived=%v, want waived by the CFO's override", o.Architecture, o.Allowed, o.Waived)
					}
				}
				return
			}
			found := false
			for _, f := range p.Warnings {
				found = found || (f.Policy == "override.expired" && strings.Contains(f.Message, "q4"))
			}
			if !found {
				t.Errorf("no override.expired warning in %v", p.Warnings)
			}
		})
	}
}

type failing struct{}

func (failing) WaiverRules() gate.WaiverRules { return nil }

func (failing) CanEmit(string) bool { return false }

func (failing) EvaluateResource(context.Context, map[string]any) (deny, warn []plan.Finding, err error) {
	return nil, nil, errors.New("rego_type_error: undefined function")
}

func (failing) EvaluatePlan(context.Context, any) (deny, warn []plan.Finding, err error) {
	return nil, nil, errors.New("rego_type_error: undefined function")
}

// TestFailClosed: a policy error never yields an allowed option.
func TestFailClosed(t *testing.T) {
	s, diags := spec.NewParser(modelcatalog.Default()).ParseFile("../examples/startup-10.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: failing{}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Decision.Architecture != architecture.Blocked {
		t.Errorf("decision = %s, want blocked", p.Decision.Architecture)
	}
	for _, o := range p.Options {
		if o.Allowed {
			t.Errorf("%s allowed despite the policy error", o.Architecture)
		}
	}
	if !strings.Contains(strings.Join(p.Decision.Reasons, " "), "undefined function") {
		t.Errorf("reasons %v do not carry the policy error", p.Decision.Reasons)
	}
}

// TestBadPolicyDir: a policy folder that does not compile is an error, not
// an empty policy set.
func TestBadPolicyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.rego"), []byte("package costgate.broken\n\ndeny contains v if {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.NewPolicies(dir); err == nil || !strings.Contains(err.Error(), "broken.rego") {
		t.Fatalf("NewPolicies = %v, want a compile error naming broken.rego", err)
	}
}

// TestStaleCatalog: a plan priced more than 180 days after the catalog's
// date warns that prices may have moved; one priced within them does not.
func TestStaleCatalog(t *testing.T) {
	cat := modelcatalog.Default()
	asOfCat, err := time.Parse(time.DateOnly, cat.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		days int
		want bool
	}{{180, false}, {181, true}} {
		p, diags, err := plan.BuildFile(context.Background(), "../examples/startup-10.hcl", plan.Options{AsOf: asOfCat.AddDate(0, 0, tt.days), Policies: policies})
		if err != nil || diags.HasErrors() {
			t.Fatal(err, diags)
		}
		got := false
		for _, w := range p.Warnings {
			got = got || w.Policy == "catalog.stale"
		}
		if got != tt.want {
			t.Errorf("%d days after the catalog: stale warning %t, want %t", tt.days, got, tt.want)
		}
	}
}

// TestDecisionNamesUnpricedOptions: an option the plan lacks because it
// cannot be priced is in the decision's reasons, blocked or not, and the
// verdict's "none" does not blame the routes. startup-10's agent carries
// the complex default, 32,768 tokens, the whole of qwen2.5-coder-7b's
// window: no fleet of it can serve the agent.
func TestDecisionNamesUnpricedOptions(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "startup-10.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	pinned := string(src) + "\nself_hosted {\n  model = \"qwen2.5-coder-7b\"\n}\n"
	for _, tt := range []struct {
		name, src string
		want      architecture.Name
	}{
		{"allowed", pinned, architecture.Managed},
		{"blocked", pinned + "\ncompliance {\n  code_may_leave_network = false\n}\n", architecture.Blocked},
	} {
		p := buildSource(t, tt.src, asOf)
		if p.Decision.Architecture != tt.want {
			t.Fatalf("%s: decided %s, want %s: %v", tt.name, p.Decision.Architecture, tt.want, p.Decision.Reasons)
		}
		for _, o := range p.Options {
			if o.Architecture == architecture.SelfHosted {
				t.Fatalf("%s: self_hosted is in the plan", tt.name)
			}
		}
		var said bool
		for _, r := range p.Decision.Reasons {
			said = said || strings.HasPrefix(r, "self_hosted cannot be priced: ") && strings.Contains(r, "fills qwen2.5-coder-7b's whole window")
		}
		if !said {
			t.Errorf("%s: the reasons do not say self_hosted cannot be priced: %q", tt.name, p.Decision.Reasons)
		}
		if got := p.Verdict.Text(); strings.Contains(got, "routes") {
			t.Errorf("%s: verdict %q blames the routes", tt.name, got)
		}
	}
}
