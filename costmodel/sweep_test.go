package costmodel

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/google/go-cmp/cmp"
)

// TestSweepMatchesEvaluate checks each point against a full Evaluate of
// the spec with developers set to that size: the sweep must price exactly
// what the plan would.
func TestSweepMatchesEvaluate(t *testing.T) {
	tests := []struct {
		file  string
		sizes []int
		archs []architecture.Name
	}{
		{"acme-platform.hcl", []int{1, 40, 200, 3000}, architecture.All},
		{"enterprise-hybrid.hcl", []int{5, 600}, architecture.All},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := parseFile(t, filepath.Join("..", "examples", tt.file))
			before := s.Team.Developers
			points, err := Sweep(s, modelcatalog.Default(), date, tt.sizes)
			if err != nil {
				t.Fatal(err)
			}
			if s.Team.Developers != before {
				t.Fatalf("Sweep changed the spec's developers from %v to %v", before, s.Team.Developers)
			}
			if len(points) != len(tt.sizes) {
				t.Fatalf("got %d points, want %d", len(points), len(tt.sizes))
			}
			for i, n := range tt.sizes {
				p := points[i]
				if p.Developers != n {
					t.Errorf("point %d: developers %d, want %d", i, p.Developers, n)
				}
				at := *s
				at.Team.Developers = spec.Scalar(float64(n))
				want := evaluate(t, &at)
				got := map[architecture.Name]Money{}
				for _, o := range want.Options {
					got[o.Architecture] = o.MonthlyUSD
				}
				if diff := cmp.Diff(got, p.Options); diff != "" {
					t.Errorf("%d developers: sweep differs from Evaluate (-evaluate +sweep):\n%s", n, diff)
				}
				for _, a := range tt.archs {
					if _, ok := p.Options[a]; !ok {
						t.Errorf("%d developers: %s missing", n, a)
					}
				}
			}
		})
	}
}

// TestSweepManagedLinear checks the shape the chart relies on: managed cost
// grows in proportion to the team (plus fixed line items), and the
// self-hosted cost never falls as the team grows.
func TestSweepManagedLinear(t *testing.T) {
	s := parseFile(t, filepath.Join("..", "examples", "acme-platform.hcl"))
	points, err := Sweep(s, modelcatalog.Default(), date, []int{10, 20, 40, 80, 160})
	if err != nil {
		t.Fatal(err)
	}
	m := func(i int) float64 { return points[i].Options[architecture.Managed].Expected }
	slope := (m(1) - m(0)) / 10
	for i := 2; i < len(points); i++ {
		want := m(0) + slope*float64(points[i].Developers-10)
		if !near(m(i), want) {
			t.Errorf("managed at %d developers = %.2f, want %.2f on the line", points[i].Developers, m(i), want)
		}
	}
	for i := 1; i < len(points); i++ {
		if a, b := points[i-1].Options[architecture.SelfHosted].Expected, points[i].Options[architecture.SelfHosted].Expected; b < a {
			t.Errorf("self-hosted fell from %.2f to %.2f between %d and %d developers", a, b, points[i-1].Developers, points[i].Developers)
		}
	}
}

func TestSweepRejectsBadSize(t *testing.T) {
	s := parseFile(t, filepath.Join("..", "examples", "acme-platform.hcl"))
	if _, err := Sweep(s, modelcatalog.Default(), date, []int{10, 0}); err == nil {
		t.Fatal("Sweep accepted a team of 0")
	}
}

func TestLogSizes(t *testing.T) {
	tests := []struct {
		name           string
		max, perDecade int
		want           []int
	}{
		{"one-two-five", 1000, 3, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}},
		{"ends at an odd maximum", 300, 3, []int{1, 2, 5, 10, 20, 50, 100, 200, 300}},
		{"one", 1, 3, []int{1}},
		{"capped at the breakeven bound", 10 * MaxDevelopers, 1, []int{1, 10, 100, 1000, 10000, MaxDevelopers}},
		{"dense", 10, 10, []int{1, 2, 3, 4, 5, 6, 8, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, LogSizes(tt.max, tt.perDecade)); diff != "" {
				t.Errorf("LogSizes(%d, %d) (-want +got):\n%s", tt.max, tt.perDecade, diff)
			}
		})
	}
}

func TestWithSizes(t *testing.T) {
	got := WithSizes([]int{1, 10, 100}, 600, 10, 0, 42)
	if diff := cmp.Diff([]int{1, 10, 42, 100, 600}, got); diff != "" {
		t.Errorf("WithSizes (-want +got):\n%s", diff)
	}
}

// TestChartTodayIsThePlans: the breakeven chart's team-today point prices
// every option as the plan's expected figure does, at the spec's own
// midpoint, whole or not: developers = [100, 201] is 150.5 developers in
// the plan, and the row marking the team was priced at 151 ($16,308.40
// managed against the plan's $16,254.40).
func TestChartTodayIsThePlans(t *testing.T) {
	for _, devs := range []string{"[100, 201]", "[100, 200]", "57"} {
		src := mustRead(t, filepath.Join("..", "examples", "seed", "200-devs-mixed.hcl"))
		src = strings.Replace(src, "developers           = 200", "developers           = "+devs, 1)
		s := parse(t, "today.hcl", src)
		cat := modelcatalog.Default().ForDeployment(modelcatalog.Deployment{})
		ch, err := BreakevenChart(s, cat, date, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Evaluate(s, cat, date)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range ch.Points {
			if p.Developers != ch.TeamToday {
				continue
			}
			found = true
			for _, o := range r.Options {
				if got, want := p.Options[o.Architecture].Expected, o.carrying().Expected; math.Abs(got-want) > 0.005 {
					t.Errorf("developers %s: %s at the team's %d on the chart $%.2f, in the plan $%.2f", devs, o.Architecture, ch.TeamToday, got, want)
				}
			}
		}
		if !found {
			t.Errorf("developers %s: no point at the team's %d", devs, ch.TeamToday)
		}
	}
}
