package costmodel

import (
	"math"
	"testing"
)

func TestUSDWithCentsExtremes(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{1234.5, "1,234.50"},
		{-0.004, "0.00"},
		{-12.345, "-12.35"},
		{9.99e14, "999,000,000,000,000.00"},
		// int64 cents overflowed from 9.2e16 dollars: whole dollars instead.
		{1e17, "100,000,000,000,000,000"},
		{-3.8e22, "-38,000,000,000,000,000,000,000"},
		{math.Inf(1), "∞"},
		{math.NaN(), "unknown"},
	}
	for _, tt := range tests {
		if got := usd(tt.v); got != tt.want {
			t.Errorf("usd(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
