package spec

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestRegionIsAnAWSRegion: self_hosted.region names a Region AWS has; a
// well-formed typo ("us-east-11") left the fleet unpriced and managed won,
// exit 0, with no word of it.
func TestRegionIsAnAWSRegion(t *testing.T) {
	for _, tt := range []struct{ region, want string }{
		{"eu-west-1", ""}, {"us-gov-west-1", ""}, {"mx-central-1", ""},
		{"us-east-11", `Did you mean "us-east-1"?`}, {"us-gov-west-9", `AWS has no Region "us-gov-west-9"`},
		{"eu-wset-1", `Did you mean "eu-west-1"?`},
	} {
		src := "team \"acme\" {\n  developers = 10\n  tokens_per_developer = 1e6\n  cost_center = \"x\"\n}\n" +
			"workload \"w\" {\n  share = 1\n  complexity = \"simple\"\n}\n" +
			"self_hosted {\n  region = \"" + tt.region + "\"\n}\n"
		_, diags := NewParser(modelcatalog.Default()).Parse("p.hcl", []byte(src))
		if tt.want == "" {
			if diags.HasErrors() {
				t.Errorf("%s: %v", tt.region, diags)
			}
			continue
		}
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.want) || diags[0].Subject.Start.Line != 11 {
			t.Errorf("%s: %v, want %q at line 11", tt.region, diags, tt.want)
		}
	}
}
