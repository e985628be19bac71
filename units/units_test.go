package units

import (
	"math"
	"strings"
	"testing"
)

func TestCountExtremes(t *testing.T) {
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
		if got := Count(tt.v); got != tt.want {
			t.Errorf("Count(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
	// The largest float64: 309 digits, the shortest that round-trip, then zeros.
	got := Count(math.MaxFloat64)
	if !strings.HasPrefix(got, "179,769,313,486,231,570,000,") || len(strings.ReplaceAll(got, ",", "")) != 309 {
		t.Errorf("Count(MaxFloat64) = %q", got)
	}
}

func TestUSDFormats(t *testing.T) {
	tests := []struct {
		v                    float64
		whole, cents, signed string
	}{
		{1234.5, "$1,235", "$1,234.50", "+$1,235"},
		{-0.004, "$0", "$0.00", "$0"},
		{-12.345, "$-12", "$-12.35", "-$12"},
		{0.05, "$0", "$0.05", "$0"},
		{9.99e14, "$999,000,000,000,000", "$999,000,000,000,000.00", "+$999,000,000,000,000"},
		// int64 cents overflowed from 9.2e16 dollars: whole dollars instead.
		{1e17, "$100,000,000,000,000,000", "$100,000,000,000,000,000", "+$100,000,000,000,000,000"},
		{-3.8e22, "$-38,000,000,000,000,000,000,000", "$-38,000,000,000,000,000,000,000", "-$38,000,000,000,000,000,000,000"},
		{math.Inf(1), "$∞", "$∞", "+$∞"},
	}
	for _, tt := range tests {
		v := USD(tt.v)
		if got := v.Whole(); got != tt.whole {
			t.Errorf("USD(%g).Whole() = %q, want %q", tt.v, got, tt.whole)
		}
		if got := v.Cents(); got != tt.cents {
			t.Errorf("USD(%g).Cents() = %q, want %q", tt.v, got, tt.cents)
		}
		if got := v.Signed(); got != tt.signed {
			t.Errorf("USD(%g).Signed() = %q, want %q", tt.v, got, tt.signed)
		}
	}
	if got := USD(math.NaN()).Cents(); got != "$unknown" {
		t.Errorf("NaN cents = %q", got)
	}
}

func TestRate(t *testing.T) {
	for v, want := range map[float64]string{0.1: "$0.1", 2.5: "$2.5", 15: "$15", 0.00125: "$0.0013", 0.30000000000000004: "$0.3"} {
		if got := USD(v).Rate(); got != want {
			t.Errorf("USD(%g).Rate() = %q, want %q", v, got, want)
		}
	}
}

// TestDecimalExtremes: a figure too large to scale by 10^4 is still shown
// as the finite number it is (a price book's 1e306 per million tokens was
// summarised as +Inf), and four decimals stay four decimals.
func TestDecimalExtremes(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{2.4, "2.4"},
		{0.123456, "0.1235"},
		{1e306, "1" + strings.Repeat("0", 306)},
		{-1e306, "-1" + strings.Repeat("0", 306)},
		{math.Inf(1), "+Inf"},
	} {
		if got := Decimal(tt.v); got != tt.want {
			t.Errorf("Decimal(%g) = %.40q, want %.40q", tt.v, got, tt.want)
		}
	}
}

func TestAndList(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	} {
		if got := AndList(tt.in); got != tt.want {
			t.Errorf("AndList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPluralAndMultiple(t *testing.T) {
	if got := Plural(1, "workload") + "; " + Plural(2, "workload") + "; " + Plural(0, "route"); got != "1 workload; 2 workloads; 0 routes" {
		t.Errorf("Plural: %q", got)
	}
	for _, tt := range []struct {
		x    float64
		want string
	}{{1.2345, "1.23"}, {9.999, "10.00"}, {12.345, "12.3"}, {99.96, "100.0"}, {1250.4, "1,250"}} {
		if got := Multiple(tt.x); got != tt.want {
			t.Errorf("Multiple(%g) = %q, want %q", tt.x, got, tt.want)
		}
	}
}

// TestMillis: a time to first token reads in plain digits at any size;
// above ten seconds with minutes and seconds beside it.
func TestMillis(t *testing.T) {
	for _, tt := range []struct {
		ms   float64
		want string
	}{
		{0, "0 ms"},
		{280.23, "280.23 ms"},
		{9999.5, "9999.5 ms"},
		{12345.6, "12,346 ms (12 s)"},
		{1475080.25, "1,475,080 ms (24 min 35 s)"},
		{3.6e9, "3,600,000,000 ms (60000 min 0 s)"},
	} {
		if got := Millis(tt.ms); got != tt.want {
			t.Errorf("Millis(%g) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}
