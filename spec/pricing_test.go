package spec

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/hashicorp/hcl/v2"
)

// TestPricingAttributeChecks covers the checks of the price-structure
// attributes that the golden file of invalid specs does not show one by
// one: the cache shares' sum at its boundary, and the timezone names that
// time.LoadLocation takes but that name no place.
func TestPricingAttributeChecks(t *testing.T) {
	tests := []struct {
		name    string
		team    string
		managed string
		want    string // summary of the one diagnostic; "" for none
		warning bool
	}{
		{name: "cache shares sum to exactly 1", team: "cached_input_share = 0.6\n  cache_write_share = 0.4"},
		{name: "cache shares above 1 at their highs", team: "cached_input_share = [0, 0.6]\n  cache_write_share = [0, 0.41]", want: "Cache shares exceed the input"},
		{name: "empty timezone", team: `timezone = ""`, want: "Unknown timezone"},
		{name: "Local timezone", team: `timezone = "Local"`, want: "Unknown timezone"},
		{name: "IANA timezone", team: `timezone = "America/Los_Angeles"`},
		{name: "every cache lifetime", team: `cache_ttl = "12h"`},
		{name: "bedrock profile without bedrock", managed: `bedrock_profile = "regional"`, want: "Attribute has no effect", warning: true},
		{name: "bedrock profile with bedrock", managed: "provider = \"bedrock\"\n  bedrock_profile = \"global\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "team \"acme\" {\n  developers = 10\n  tokens_per_developer = 1e6\n  cost_center = \"x\"\n  " + tt.team +
				"\n}\nworkload \"w\" {\n  share = 1\n  complexity = \"simple\"\n}\nmanaged {\n  " + tt.managed + "\n}\n"
			s, diags := NewParser(modelcatalog.Default()).Parse("p.hcl", []byte(src))
			if tt.want == "" {
				if len(diags) > 0 {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != tt.want {
				t.Fatalf("diagnostics = %v, want one %q", diags, tt.want)
			}
			if got := diags[0].Severity == hcl.DiagWarning; got != tt.warning {
				t.Errorf("warning = %v, want %v", got, tt.warning)
			}
			if tt.warning && (s == nil || s.Managed.BedrockProfile != "regional") {
				t.Errorf("a warning must keep the decoded spec: %+v", s)
			}
			if !strings.Contains(diags[0].Detail, "team.") && !strings.Contains(diags[0].Detail, "managed.") {
				t.Errorf("detail %q names no attribute", diags[0].Detail)
			}
		})
	}
}
