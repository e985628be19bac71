package spec

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
)

// TestPeakWithinTheMonth: peak_to_average is the peak hour's load over
// the average working hour's, the month's tokens over its working hours,
// so it is at most the working hours. A peak of 500 over 176 hours put
// 2.8 months of tokens in one hour, and the fleet was priced for it with
// no word (600,384 dollars a month for 100 developers).
func TestPeakWithinTheMonth(t *testing.T) {
	for _, tt := range []struct {
		name, lines string
		err         bool
	}{
		{"the default hours, a peak of 176", "peak_to_average = 176", false},
		{"the default hours, a peak of 500", "peak_to_average = 500", true},
		{"a range whose high is above the hours", "peak_to_average = [2, 177]", true},
		{"744 hours, a peak of 500", "working_hours_per_month = 744\n  peak_to_average = 500", false},
		{"one hour, a peak of 2", "working_hours_per_month = 1\n  peak_to_average = 2", true},
		{"one hour, a peak of 1", "working_hours_per_month = 1\n  peak_to_average = 1", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "team \"acme\" {\n  developers = 100\n  tokens_per_developer = 1e7\n  cost_center = \"x\"\n  " + tt.lines + "\n}\n" +
				"workload \"w\" {\n  share = 1\n  complexity = \"simple\"\n}\n"
			_, diags := NewParser(modelcatalog.Default()).Parse("p.hcl", []byte(src))
			if diags.HasErrors() != tt.err {
				t.Fatalf("errors %v, want %v: %v", diags.HasErrors(), tt.err, diags)
			}
			if tt.err && (!strings.Contains(diags.Error(), "Peak above the month") || diags[0].Subject == nil || diags[0].Subject.Start.Line < 5) {
				t.Errorf("want the error at the peak_to_average line: %v", diags)
			}
		})
	}
}
