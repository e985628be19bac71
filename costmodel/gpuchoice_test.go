package costmodel

import (
	"strings"
	"testing"
)

// TestGPUChoiceNoteNamesTheReason: each unfit runner-up and an unfit
// winner carry the reason unfitSized gave, not always the TTFT.
func TestGPUChoiceNoteNamesTheReason(t *testing.T) {
	tests := []struct {
		name, own, other, want string
	}{
		{"fit runner-up", "", "", "runner-ups: l40s $900.00"},
		{"latency", "", "latency: the fleet's TTFT 900 ms is above chat's 500 ms target", "l40s $900.00 (misses a TTFT target)"},
		{"quality", "", "quality: 0.700 is below min_quality 0.80", "l40s $900.00 (below min_quality)"},
		{"fleet limit", "", "fleet limit: the fleet needs more than 4096 GPUs", "l40s $900.00 (over the"},
		{"capacity", "", "capacity: the fixed fleet runs at 140% of its capacity at peak", "l40s $900.00 (over its capacity at peak)"},
		{"winner late", "latency: the fleet has no TTFT at its peak load, chat's target is 500 ms", "", "none of 2 GPUs meets every TTFT target; h100 at $1,000.00"},
		{"winner below quality", "quality: unknown, min_quality is 0.80", "", "none of 2 GPUs is fit; h100 at $1,000.00 a month expected is the cheapest (below min_quality)"},
		{"winner fit", "", "", "h100 at $1,000.00 a month expected is the cheapest of 2 GPUs meeting"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Option{MonthlyUSD: Money{Expected: 1000}}
			got := gpuChoiceNote("h100", o, tc.own, func(yield func(string, float64, string) bool) {
				yield("l40s", 900, tc.other)
			}, 2)
			if !strings.Contains(got, tc.want) {
				t.Errorf("note %q does not contain %q", got, tc.want)
			}
			if tc.other != "" && !strings.HasPrefix(tc.other, "latency:") && strings.Contains(got, "misses a TTFT") {
				t.Errorf("note %q blames the TTFT for %q", got, tc.other)
			}
		})
	}
}
