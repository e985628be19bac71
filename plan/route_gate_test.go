package plan_test

import (
	"os"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
)

// TestPinnedRouteCannotOpenTheGate: a change that pins a workload of a
// team whose code may not leave the network to a managed API, or to a
// weaker model than its floor, leaves every option that uses the pin
// denied: the pin moves the options, the policies still decide.
func TestPinnedRouteCannotOpenTheGate(t *testing.T) {
	b, err := os.ReadFile("../examples/regulated.hcl")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, attrs string
		denied      string
	}{
		{"managed route", `route = "managed"`, "compliance.external_api"},
		{"managed model", `model = "claude-haiku-5.5"`, "compliance.external_api"},
		{"unmeetable floor on the fleet", `route = "self_hosted"` + "\n  min_quality = 0.99", "quality.floor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(b), `complexity  = "simple"`, `complexity  = "simple"`+"\n  "+tt.attrs, 1)
			if src == string(b) {
				t.Fatal("the example has no simple workload to pin")
			}
			p := buildSource(t, src, asOf)
			for _, o := range p.Options {
				uses := false
				for _, r := range o.Routes {
					uses = uses || (r.ServedBy == architecture.Managed) || (r.MinQuality != nil && *r.MinQuality >= 0.99)
				}
				if uses && o.Allowed {
					t.Errorf("%s is allowed with routes %+v", o.Architecture, o.Routes)
				}
			}
			found := false
			for _, o := range p.Options {
				for _, v := range o.Violations {
					found = found || v.Policy == tt.denied
				}
			}
			if !found {
				t.Errorf("no option denied by %s; decision %s", tt.denied, p.Decision.Architecture)
			}
		})
	}
}
