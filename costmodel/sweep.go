package costmodel

import (
	"fmt"
	"math"
	"slices"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
)

// Point is every priced option's monthly cost at one team size.
type Point struct {
	Developers int
	// Options maps an architecture to its monthly cost range. An option
	// that cannot be priced (hybrid without both complexities, a
	// self-hosted model that fits no GPU, a fleet above
	// modelcatalog.MaxFleetGPUs at this team size or a smaller one) is
	// absent.
	Options map[architecture.Name]Money
}

// Sweep re-prices the spec at each team size: developers set to exactly
// that size, every other range kept, and the fleet re-sized. It prices the
// options only — no breakeven search, no checklist — so a chart of a few
// dozen sizes costs about as much as one Evaluate. A fixed fleet that
// cannot carry the load is priced as the fleet that would, as the
// breakeven compares it.
func Sweep(s *spec.Spec, cat *modelcatalog.Catalog, date string, sizes []int) ([]Point, error) {
	out := make([]Point, 0, len(sizes))
	// over marks the options whose fleet went above the cap on one fleet's
	// GPUs: the sweep stops pricing them there.
	over := map[architecture.Name]bool{}
	for _, n := range sizes {
		if n < 1 {
			return nil, fmt.Errorf("sweep: team size %d is below 1", n)
		}
		at := *s
		at.Team.Developers = spec.Scalar(float64(n))
		opts, err := priceOptions(&at, cat, date)
		if err != nil {
			return nil, fmt.Errorf("sweep at %d developers: %w", n, err)
		}
		p := Point{Developers: n, Options: map[architecture.Name]Money{}}
		for _, o := range opts {
			if o.Sized != nil && o.Sized.OverLimit {
				over[o.Architecture] = true
			}
			if !over[o.Architecture] {
				p.Options[o.Architecture] = o.carrying()
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// priceOptions prices the options the way Evaluate does, leaving out the
// verdict, the breakeven search and the checklist.
func priceOptions(s *spec.Spec, cat *modelcatalog.Catalog, date string) ([]Option, error) {
	m, err := newModel(s, cat, date)
	if err != nil {
		return nil, err
	}
	opts, _, _, err := m.options(nil)
	return opts, err
}

// LogSizes returns team sizes from 1 to maxDevelopers spaced evenly on a
// log scale, perDecade to a decade, rounded to round numbers and ending at
// maxDevelopers. Three to a decade gives the familiar 1, 2, 5, 10, 20, 50.
func LogSizes(maxDevelopers, perDecade int) []int {
	maxDevelopers = min(max(maxDevelopers, 1), MaxDevelopers)
	perDecade = max(perDecade, 1)
	digits := 2
	if perDecade <= 3 {
		digits = 1
	}
	var out []int
	for i := 0; ; i++ {
		v := roundSignificant(math.Pow(10, float64(i)/float64(perDecade)), digits)
		if v >= maxDevelopers {
			break
		}
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return append(out, maxDevelopers)
}

// WithSizes adds sizes to a sorted list of sizes, keeping it sorted and
// free of duplicates; sizes below 1 are dropped.
func WithSizes(sizes []int, extra ...int) []int {
	out := slices.Clone(sizes)
	for _, n := range extra {
		if n >= 1 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// roundSignificant rounds v to the given number of significant digits.
func roundSignificant(v float64, digits int) int {
	if v < 1 {
		return 1
	}
	scale := math.Pow(10, math.Floor(math.Log10(v))-float64(digits-1))
	return int(math.Round(math.Round(v/scale) * scale))
}

// Chart is a breakeven table's or chart's data: the breakeven, each
// option's cost at log-spaced team sizes up to MaxDevelopers, and the team
// today (the spec's midpoint), which the sizes always include with the
// breakeven when they are in range.
type Chart struct {
	Breakeven     *int
	Points        []Point
	MaxDevelopers int
	TeamToday     int
}

// BreakevenChart prices the spec for costgate breakeven: maxDevelopers
// bounds the sizes (0: the first power of ten at or above four times the
// team and twice the breakeven), perDecade sizes a decade.
func BreakevenChart(s *spec.Spec, cat *modelcatalog.Catalog, date string, maxDevelopers, perDecade int) (*Chart, error) {
	res, err := Evaluate(s, cat, date)
	if err != nil {
		return nil, err
	}
	c := &Chart{Breakeven: res.Breakeven, MaxDevelopers: maxDevelopers, TeamToday: int(math.Round(s.Team.Developers.Mid()))}
	if c.MaxDevelopers == 0 {
		c.MaxDevelopers = defaultMaxDevelopers(s.Team.Developers, res.Breakeven)
	}
	extra := []int{}
	if c.TeamToday <= c.MaxDevelopers {
		extra = append(extra, c.TeamToday)
	}
	if be := res.Breakeven; be != nil && *be <= c.MaxDevelopers {
		extra = append(extra, *be)
	}
	c.Points, err = Sweep(s, cat, date, WithSizes(LogSizes(c.MaxDevelopers, perDecade), extra...))
	if err != nil {
		return nil, err
	}
	if err := c.priceToday(s, cat, date); err != nil {
		return nil, err
	}
	return c, nil
}

// priceToday prices the team-today point at the spec's own midpoint, as
// the plan's expected figures take it, where that is not a whole team:
// developers = [100, 201] is 150.5 developers in the plan and was priced
// as 151 on the row that marks the team, a half developer's tokens apart.
func (c *Chart) priceToday(s *spec.Spec, cat *modelcatalog.Catalog, date string) error {
	mid := s.Team.Developers.Mid()
	if mid == float64(c.TeamToday) {
		return nil
	}
	for i := range c.Points {
		p := &c.Points[i]
		if p.Developers != c.TeamToday {
			continue
		}
		at := *s
		at.Team.Developers = spec.Scalar(mid)
		opts, err := priceOptions(&at, cat, date)
		if err != nil {
			return fmt.Errorf("sweep at %g developers: %w", mid, err)
		}
		for _, o := range opts {
			if _, ok := p.Options[o.Architecture]; ok {
				p.Options[o.Architecture] = o.carrying()
			}
		}
	}
	return nil
}

// defaultMaxDevelopers is the first power of ten at or above four times the
// team and twice the breakeven, so both sit well inside the sweep.
func defaultMaxDevelopers(team spec.Range, be *int) int {
	want := 4 * team.High
	if be != nil {
		want = math.Max(want, 2*float64(*be))
	}
	n := int(math.Pow(10, math.Ceil(math.Log10(math.Max(want, 100)))))
	return min(n, MaxDevelopers)
}
