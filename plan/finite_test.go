package plan

import (
	"math"
	"strings"
	"testing"
)

// TestFiniteCostsCoversEveryFigure: a plan with a figure that is not
// finite anywhere in an option is refused, naming the option and the
// figure by its JSON path. A NaN peak utilization passed (only the costs
// were checked): the JSON encoder then failed with no word of which
// figure, and the text read "peak utilization NaN%".
func TestFiniteCostsCoversEveryFigure(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		edit func(*Option)
		want string
	}{
		{"finite", func(*Option) {}, ""},
		{"cost", func(o *Option) { o.MonthlyUSD.High = inf }, "the self_hosted option's monthly cost is +Inf"},
		{"peak utilization", func(o *Option) { o.Sizing.PeakUtilization = nan }, "the self_hosted option's sizing.peak_utilization is NaN"},
		{"fleet ttft", func(o *Option) { o.Sizing.TTFTMs = &nan }, "the self_hosted option's sizing.ttft_ms is NaN"},
		{"route ttft", func(o *Option) { o.Routes[1].TTFTMs = &inf }, "the self_hosted option's routes[1].ttft_ms is +Inf"},
		{"line item", func(o *Option) { o.LineItems[0].MonthlyUSD.Low = nan }, "the self_hosted option's line_items[0].monthly_usd.low is NaN"},
	} {
		ttft := 120.0
		o := Option{Architecture: "self_hosted", Sizing: &Sizing{PeakUtilization: 0.5, TTFTMs: &ttft},
			LineItems: []LineItem{{Name: "GPU instances", MonthlyUSD: Money{Low: 1, Expected: 2, High: 3}}},
			Routes:    []Route{{Workload: "a", TTFTMs: &ttft}, {Workload: "b", TTFTMs: &ttft}}}
		tc.edit(&o)
		err := finiteCosts(&Plan{Options: []Option{o}})
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
