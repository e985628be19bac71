package spec

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestNumberHint: a number written as a string, with or without a unit,
// is answered with the number to write.
func TestNumberHint(t *testing.T) {
	for _, tc := range []struct{ what, in, want string }{
		{"team.developers", "200", " Write it without quotes: 200."},
		{"team.tokens_per_developer", "5M", " Write the number alone, without quotes or unit: 5000000."},
		{"team.tokens_per_developer", "2.5k", " Write the number alone, without quotes or unit: 2500."},
		{"workload.a.max_ttft_ms", "200ms", " Write the number alone, without quotes or unit: 200."},
		{"workload.a.max_ttft_ms", "2m", " Write the number alone, without quotes or unit."},
		{"team.input_share", "80%", " Write the number alone, without quotes or unit: 0.8."},
		{"self_hosted.target_utilization", "70%", " Write the number alone, without quotes or unit: 0.7."},
		{"self_hosted.hours_per_month", "720h", " Write the number alone, without quotes or unit."},
		{"workload.a.share", "all", " Write a number, without quotes."},
	} {
		if got := numberHint(tc.what, cty.StringVal(tc.in)); got != tc.want {
			t.Errorf("%s = %q: %q, want %q", tc.what, tc.in, got, tc.want)
		}
	}
	if got := numberHint("x", cty.True); got != "" {
		t.Errorf("a bool: %q, want no hint", got)
	}
}
