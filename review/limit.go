package review

import (
	"fmt"
	"math"
	"strings"

	"github.com/costgate/costgate/units"
)

// IncreaseLimit is diff's --fail-on-increase-above: USD per month, or a
// percentage of the base's decided cost. The zero value sets no limit.
type IncreaseLimit struct {
	set     bool
	value   float64
	percent bool
}

// ParseIncreaseLimit reads a limit as people write it: "500", "$1,250",
// "10%"; "" sets none.
func ParseIncreaseLimit(s string) (IncreaseLimit, error) {
	if s == "" {
		return IncreaseLimit{}, nil
	}
	l := IncreaseLimit{set: true}
	num := strings.TrimSpace(s)
	if strings.HasSuffix(num, "%") {
		l.percent, num = true, strings.TrimSuffix(num, "%")
	}
	v, err := units.ParseUSD(num)
	// NaN compares false with every increase and an infinity is above
	// them all: either would let every change through.
	if err != nil || v < 0 || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return l, fmt.Errorf("%q: want an amount in USD per month such as 500, or a percentage such as 10%%", s)
	}
	l.value = float64(v)
	return l, nil
}

// Exceeded says, for each diff whose decided cost rose by more than the
// limit, by how much. A side that is blocked has no decided cost to
// compare; the gate handles that.
func (l IncreaseLimit) Exceeded(diffs []*Diff) []string {
	if !l.set {
		return nil
	}
	var over []string
	for _, d := range diffs {
		dc := d.Decision
		if dc.DeltaUSD == nil {
			continue
		}
		switch {
		case l.percent && dc.DeltaPct != nil && *dc.DeltaPct > l.value:
			over = append(over, fmt.Sprintf("%s: decided cost rises %.1f%% (%s/month), above the limit of %g%%", d.Spec, *dc.DeltaPct, units.USD(*dc.DeltaUSD).Whole(), l.value))
		case !l.percent && *dc.DeltaUSD > l.value:
			over = append(over, fmt.Sprintf("%s: decided cost rises %s/month, above the limit of %s", d.Spec, units.USD(*dc.DeltaUSD).Whole(), units.USD(l.value).Whole()))
		}
	}
	return over
}
