package costmodel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
)

// TestNoFleetReasonNamesTheCause: when no fleet serves a workload, the
// alternative says why — the price the catalog lacks, or the one rule
// every sized fleet breaks — rather than listing every rule.
func TestNoFleetReasonNamesTheCause(t *testing.T) {
	for _, tt := range []struct {
		name, edit, want string
	}{
		{"unpriced GPU", "pricing = \"reserved\"\n  gpu = \"h200\"", "no fleet can be sized: the catalog has no reserved price for h200"},
		{"fixed fleet over capacity", "pricing = \"reserved\"\n  gpus = 1", "no fleet serves it: capacity: the fixed fleet runs at"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(base, 2000, 8e6), `pricing = "reserved"`, tt.edit, 1)
			r := evaluate(t, parse(t, "n.hcl", src))
			found := ""
			for _, a := range r.Search.Alternatives {
				if a.ServedBy == architecture.SelfHosted && strings.HasPrefix(a.Reason, "no fleet") {
					found = a.Reason
				}
			}
			if !strings.HasPrefix(found, tt.want) {
				t.Errorf("self-hosted alternative %q, want it to start %q", found, tt.want)
			}
		})
	}
}
