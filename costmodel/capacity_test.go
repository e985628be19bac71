package costmodel

import (
	"math"
	"testing"

	"github.com/costgate/costgate/inference"
)

// TestShownPeakNeverUnderstates: the peak utilization the plan shows, and
// capacity.exceeded reads, is rounded up to the thousandth: rounded to
// the nearest, a fixed fleet at 100.04 % of its capacity read 1.000 and
// passed capacity.exceeded (above 1) with an unbounded queue. Below 100 %
// it reads at most 0.999, beside the TTFT the plan gives there (null from
// 100 %).
func TestShownPeakNeverUnderstates(t *testing.T) {
	for _, tt := range []struct {
		u, want float64
		over    bool
	}{
		{0.7, 0.7, false},
		{0.69999999999, 0.7, false},
		{0.8971, 0.898, false},
		{0.9991, 0.999, false},
		{0.99999, 0.999, false},
		{1, 1, false},
		// A fleet a hair above 100 %: the rounding's slack had shown it
		// 1.000, not over capacity, its queue unbounded.
		{1 + 1e-12, 1.001, true},
		{math.Nextafter(1, 2), 1.001, true},
		{1.0004, 1.001, true},
		{1.00001, 1.001, true},
		{2.537, 2.537, true},
	} {
		if got := shownPeak(tt.u); got != tt.want {
			t.Errorf("shownPeak(%g) = %g, want %g", tt.u, got, tt.want)
		}
		if got := overCapacity(inference.Fleet{PeakUtilization: tt.u}); got != tt.over {
			t.Errorf("overCapacity at %g = %v, want %v", tt.u, got, tt.over)
		}
	}
}
