// Package units is the one home of the units every layer shares: money in
// US dollars and how it is written, counts, dates, and the hours of a
// month. No other package writes a "$" (report aside, which lays money out
// in tables); TestDollarSignOnlyInUnitsAndReport keeps it so.
package units

import (
	"math"
	"strconv"
	"strings"
)

// HoursPerMonth is the month every monthly figure is counted in: 8,760
// hours a year over 12, the billed hours of an always-on fleet.
const HoursPerMonth = 730

// The working day of a business-hours fleet's schedule: the article's 176
// working hours a month are 22 weekdays of 8 hours, from 09:00 to 17:00
// (the stack's time zone).
const (
	BusinessDayStartHour = 9
	BusinessDayHours     = 8
)

// WeekdaysPerMonth is the weekdays of the month every monthly figure is
// counted in (365 days a year, 5 of each 7, over 12: 21.73), the days the
// business-hours schedule's MON-FRI actions start the fleet whatever a
// team's working hours: 173.8 hours of 09:00-17:00 a month.
const WeekdaysPerMonth = 365.0 * 5 / 7 / 12

// USD is an amount of US dollars.
type USD float64

// Whole writes whole dollars with thousands separators: 12345.6 →
// "$12,346" (see Count for the number itself).
func (v USD) Whole() string { return "$" + Count(float64(v)) }

// Cents writes dollars and cents with thousands separators: 1234.5 →
// "$1,234.50"; beyond a quadrillion dollars, where an int64 of cents is
// no longer exact, whole dollars.
func (v USD) Cents() string { return "$" + cents(float64(v)) }

// Signed writes a change with its sign, in whole dollars: +$1,234, -$56,
// $0.
func (v USD) Signed() string {
	r := math.Round(float64(v))
	switch {
	case r > 0:
		return "+" + v.Whole()
	case r < 0:
		return "-" + (-v).Whole()
	}
	return "$0"
}

// Rate writes a unit price with up to four decimals and no trailing
// zeros: 0.1 → "$0.1", 2.5 → "$2.5", 0.00125 → "$0.0013".
func (v USD) Rate() string { return "$" + Decimal(float64(v)) }

// Decimal writes a figure rounded to four decimals, without trailing
// zeros.
func Decimal(v float64) string {
	r := math.Round(v*1e4) / 1e4
	if math.IsInf(r, 0) && !math.IsInf(v, 0) {
		// v*1e4 overflows above 1.8e304: a finite figure shown as +Inf.
		// Four decimals are moot at that size.
		r = v
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Count writes any float64 rounded to a whole number with thousands
// separators, 12345.6 → "12,346": exactly in digits (strconv, not an int64
// that overflows above 9.2e18), "unknown" for NaN, "∞" for infinities, and
// no "-0". Developer counts, tokens and whole dollars all use it.
func Count(v float64) string {
	switch {
	case math.IsNaN(v):
		return "unknown"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	s := strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	sign := ""
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		s = rest
		if s != "0" {
			sign = "-"
		}
	}
	return sign + group(s)
}

// cents writes v with cents and thousands separators: 1234.5 → "1,234.50".
func cents(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e15 {
		// Beyond 2^53 cents an int64 of them is no longer exact, and
		// above 9.2e16 dollars it overflows: whole dollars say enough.
		return Count(v)
	}
	c := int64(math.Round(v * 100))
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + group(strconv.FormatInt(c/100, 10)) + "." + strconv.FormatInt(100+c%100, 10)[1:]
}

// group puts a comma between each three digits of a run of digits.
func group(s string) string {
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// RoundCents rounds dollars to cents, as plans and reports show them.
func RoundCents(v float64) float64 { return math.Round(v*100) / 100 }

// ParseUSD reads an amount of dollars as people write it: "500", "$500",
// "1,250.50".
func ParseUSD(s string) (USD, error) {
	v, err := strconv.ParseFloat(strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), "$"), 64)
	return USD(v), err
}

// Tokens writes a token count with an SI suffix: 950, 12.5k, 3.20M,
// 1.05B, 2.00T.
func Tokens(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e12:
		return strconv.FormatFloat(v/1e12, 'f', 2, 64) + "T"
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 2, 64) + "B"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// Days writes a period's length: "1 day", "30 days", "0.0014 days".
func Days(d float64) string {
	if d == 1 {
		return "1 day"
	}
	return strconv.FormatFloat(d, 'g', -1, 64) + " days"
}

// Millis writes a time in milliseconds: "2235.64 ms" below ten seconds;
// above, whole milliseconds grouped, with minutes and seconds beside
// them: "1,475,080 ms (24 min 35 s)", never "1.47508025e+06 ms".
func Millis(ms float64) string {
	if math.Abs(ms) < 1e4 {
		return strconv.FormatFloat(ms, 'f', -1, 64) + " ms"
	}
	s := int64(math.Round(ms / 1e3))
	long := strconv.FormatInt(s%60, 10) + " s"
	if s >= 60 {
		long = strconv.FormatInt(s/60, 10) + " min " + long
	}
	return Count(math.Round(ms)) + " ms (" + long + ")"
}

// AndList writes items as a sentence lists them: "a", "a and b",
// "a, b and c".
func AndList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Plural counts a noun: "1 workload", "2 workloads".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Multiple writes a ratio such as a load over its limit: two decimals
// below 10 (1.24), one below 100 (12.5), whole above (1,250).
func Multiple(x float64) string {
	switch {
	case x >= 100:
		return Count(x)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}
