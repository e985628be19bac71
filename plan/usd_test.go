package plan

import (
	"math"
	"strings"
	"testing"
)

func TestUSDExtremes(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{-0.4, "0"},
		{math.Copysign(0, -1), "0"},
		{12345.6, "12,346"},
		{-1234.5, "-1,235"},
		{999, "999"},
		{1e15, "1,000,000,000,000,000"},
		// int64 of these overflowed: math.MaxInt64 is 9.2e18.
		{1e19, "10,000,000,000,000,000,000"},
		{-1e19, "-10,000,000,000,000,000,000"},
		{3.8e22, "38,000,000,000,000,000,000,000"},
		{math.Inf(1), "∞"},
		{math.Inf(-1), "-∞"},
		{math.NaN(), "unknown"},
	}
	for _, tt := range tests {
		if got := USD(tt.v); got != tt.want {
			t.Errorf("USD(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
	// The largest float64: 309 digits, the shortest that round-trip, then zeros.
	got := USD(math.MaxFloat64)
	if !strings.HasPrefix(got, "179,769,313,486,231,570,000,") || len(strings.ReplaceAll(got, ",", "")) != 309 {
		t.Errorf("USD(MaxFloat64) = %q", got)
	}
}
