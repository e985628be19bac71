package spec

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// numberHint says how to write a number given as a string: a quoted
// number ("200") without its quotes, a number with a unit ("5M", "200ms",
// "70%") as the plain number the attribute reads where the unit says it
// unambiguously, else the number alone, and a word ("all") as a number.
// It is empty for a value that is no string.
func numberHint(what string, v cty.Value) string {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	s := strings.TrimSpace(v.AsString())
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return " Write it without quotes: " + formatNumber(f) + "."
	}
	if n, ok := withUnit(what, s); ok {
		return " Write the number alone, without quotes or unit: " + formatNumber(n) + "."
	}
	if strings.ContainsAny(s, "0123456789") {
		return " Write the number alone, without quotes or unit."
	}
	return " Write a number, without quotes."
}

// withUnit reads a number followed by a unit the attribute's own unit
// converts exactly: K, M, B or G (thousands, millions, billions), ms for
// an attribute in milliseconds, % for a share or a utilization.
func withUnit(what, s string) (float64, bool) {
	lower := strings.ToLower(s)
	num := func(t string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f, err == nil
	}
	switch {
	case strings.HasSuffix(what, "_ms") && strings.HasSuffix(lower, "ms"):
		return num(lower[:len(lower)-2])
	case (strings.Contains(what, "share") || strings.Contains(what, "utilization")) && strings.HasSuffix(s, "%"):
		f, ok := num(s[:len(s)-1])
		return f / 100, ok
	}
	for suffix, scale := range map[string]float64{"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9} {
		if strings.HasSuffix(lower, suffix) && !strings.HasSuffix(what, "_ms") {
			if f, ok := num(lower[:len(lower)-1]); ok {
				return f * scale, true
			}
		}
	}
	return 0, false
}
