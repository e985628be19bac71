package stacks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

// TestGateDeniesPublicIngress: a stack configured to open the endpoint to
// the internet has its option denied by resources.public_ingress, and the
// decision moves on or blocks; never an allowed option with open ingress.
func TestGateDeniesPublicIngress(t *testing.T) {
	p := examplePlan(t, "regulated") // self_hosted is the only allowed option
	if err := Gate(context.Background(), p, evaluator(t), Config{AllowedCIDRs: []string{"0.0.0.0/0"}}); err != nil {
		t.Fatal(err)
	}
	if p.Decision.Architecture != architecture.Blocked {
		t.Fatalf("decision %s, want blocked", p.Decision.Architecture)
	}
	found := false
	for _, o := range p.Options {
		for _, v := range o.Violations {
			found = found || (o.Architecture == architecture.SelfHosted && v.Policy == "resources.public_ingress")
		}
	}
	if !found || len(p.Resources) != 0 {
		t.Errorf("public ingress not denied (or resources kept: %d)", len(p.Resources))
	}
}

// TestGateFailsClosed: a resource policy that errors at run time blocks
// the plan instead of moving to another option.
func TestGateFailsClosed(t *testing.T) {
	dir := t.TempDir()
	rule := "package costgate.resources.acme\n\ndeny contains {\"policy\": \"acme.broken\", \"msg\": sprintf(\"%v\", [1 / 0])} if {\n\tinput.type != \"\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	en, err := plan.NewPolicies(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := examplePlan(t, "company-50")
	if err := Gate(context.Background(), p, en, Config{}); err != nil {
		t.Fatal(err)
	}
	if p.Decision.Architecture != architecture.Blocked || !strings.Contains(strings.Join(p.Decision.Reasons, " "), "resource policy evaluation failed") {
		t.Fatalf("decision %s %v, want blocked by the failing policy", p.Decision.Architecture, p.Decision.Reasons)
	}
	for _, o := range p.Options {
		if o.Allowed {
			t.Errorf("%s allowed despite the failing resource policy", o.Architecture)
		}
	}
}

// TestProgramGatesResources: the Pulumi program re-plans with the stack's
// own configuration, so a stack that opens the endpoint is refused before
// any resource is registered.
func TestProgramGatesResources(t *testing.T) {
	p, err := BuildPlan(context.Background(), Config{SpecPath: filepath.Join("..", "examples", "regulated.hcl"), AllowedCIDRs: []string{"0.0.0.0/0"}})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := run(t, p, Config{AllowedCIDRs: []string{"0.0.0.0/0"}})
	if err == nil || !strings.Contains(err.Error(), "resources.public_ingress") {
		t.Fatalf("deploy error %v, want a blocked plan naming resources.public_ingress", err)
	}
	if len(rs) != 0 {
		t.Errorf("%d resources registered for a blocked plan", len(rs))
	}
}

// TestGateHonoursOverrides: an unexpired override waives a resource-policy
// id as it does a plan-policy id, and says who approved it.
func TestGateHonoursOverrides(t *testing.T) {
	p := examplePlan(t, "regulated")
	p.Waivers = append(p.Waivers, plan.Waiver{Name: "open-lab", Policy: "resources.public_ingress", Approver: "ciso@payments.example",
		Reason: "Load test from the lab network", Expires: "2027-01-31", Waived: []string{}})
	if err := Gate(context.Background(), p, evaluator(t), Config{AllowedCIDRs: []string{"0.0.0.0/0"}}); err != nil {
		t.Fatal(err)
	}
	if p.Decision.Architecture != architecture.SelfHosted || len(p.Resources) == 0 {
		t.Fatalf("decision %s with %d resources, want self_hosted provisioned under the override", p.Decision.Architecture, len(p.Resources))
	}
	o := p.Chosen()
	if len(o.Waived) == 0 || !strings.Contains(o.Waived[0].Message, "ciso@payments.example") {
		t.Errorf("waived findings %v, want the public ingress waived by the CISO's override", o.Waived)
	}
	if w := p.Waivers[len(p.Waivers)-1]; len(w.Waived) != 1 || w.Waived[0] != string(architecture.SelfHosted) {
		t.Errorf("override records %v, want self_hosted", w.Waived)
	}
}
