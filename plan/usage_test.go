package plan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/usage"
)

const usageSpec = `team "u" {
  developers           = [10, 20]
  tokens_per_developer = [5e6, 10e6]
  cost_center          = "eng"
}

workload "chat" {
  share      = 0.5
  complexity = "simple"
}

workload "agents" {
  share      = 0.5
  complexity = "complex"
}

managed {
  simple_model  = "claude-sonnet-4.6"
  complex_model = "claude-opus-4.8"
}

quality {
  include_in_decision = false
}
`

// measured is a token import of devs developers at perDev tokens a month,
// three quarters on the simple model.
func measured(devs int, perDev float64) *plan.Measured {
	peak := 2.5
	total := float64(devs) * perDev
	return &plan.Measured{Tokens: &usage.Result{Format: usage.AnthropicUsage, Period: usage.Period{Since: "2026-11-01", Until: "2026-12-01", Days: 30},
		Tokens: &usage.Tokens{Developers: devs, TokensPerDeveloperMonth: usage.Quantiles{Mean: perDev, P25: perDev, P50: perDev, P75: perDev},
			InputShare: 0.8, CachedInputShare: 0.5, CacheWriteShare: 0.05, PeakToAverage: &peak, Timezone: "UTC",
			Models: map[string]float64{"claude-sonnet-4.6": 0.75 * total, "claude-opus-4.8": 0.25 * total}, UnmappedModels: map[string]float64{}}}}
}

func TestMeasuredSpec(t *testing.T) {
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("u.hcl", []byte(usageSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ms, notes := plan.MeasuredSpec(s, measured(40, 3e6).Tokens.Tokens)
	tm := ms.Team
	if tm.Developers != spec.Scalar(40) || tm.TokensPerDeveloper != spec.Scalar(3e6) || tm.CachedInputShare != spec.Scalar(0.5) ||
		tm.CacheWriteShare != spec.Scalar(0.05) || tm.PeakToAverage != spec.Scalar(2.5) || tm.InputShare != spec.Scalar(0.8) {
		t.Errorf("measured team %+v", tm)
	}
	if ms.Workloads[0].Share != 0.75 || ms.Workloads[1].Share != 0.25 {
		t.Errorf("workload shares %v %v, want 0.75 0.25", ms.Workloads[0].Share, ms.Workloads[1].Share)
	}
	if s.Workloads[0].Share != 0.5 || s.Team.Developers.High != 20 {
		t.Error("MeasuredSpec changed the spec it was given")
	}
	if len(notes) != 0 {
		t.Errorf("notes %q", notes)
	}
}

func TestUsageWarnings(t *testing.T) {
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("u.hcl", []byte(usageSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tests := []struct {
		name      string
		m         *plan.Measured
		drift     string // "" none
		breakeven bool
	}{
		// 15 developers at 7.5M is the middle of the guess: no drift.
		{"inside the range", measured(15, 7.5e6), "", false},
		{"fewer tokens", measured(15, 1e6), "below the plan's low", false},
		{"far more usage", measured(300, 80e6), "above the plan's high", true},
		{"no usage", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: policies, Usage: tt.m})
			if err != nil {
				t.Fatal(err)
			}
			var drift, be string
			for _, w := range p.Warnings {
				switch w.Policy {
				case plan.UsageDrift:
					drift = w.Message
				case plan.UsageBreakeven:
					be = w.Message
				}
			}
			if (tt.drift == "") != (drift == "") || !strings.Contains(drift, tt.drift) {
				t.Errorf("drift %q, want %q", drift, tt.drift)
			}
			if tt.breakeven != (be != "") {
				t.Errorf("breakeven warning %q, want one: %v", be, tt.breakeven)
			}
			if tt.m == nil {
				if p.Usage != nil {
					t.Error("a usage section without usage")
				}
				return
			}
			if len(p.Usage.Options) != len(p.Options) || p.Usage.Decision == "" {
				t.Fatalf("usage section %+v", p.Usage)
			}
			// The decision at measured usage is the cheapest allowed option
			// there, and differs from the plan's exactly when it warns.
			best := p.Usage.Options[0]
			for _, o := range p.Usage.Options {
				if o.Measured.Expected < best.Measured.Expected {
					best = o
				}
			}
			if p.Usage.Decision != best.Architecture || (best.Architecture != p.Decision.Architecture) != tt.breakeven {
				t.Errorf("usage decision %s, cheapest %s, plan decision %s", p.Usage.Decision, best.Architecture, p.Decision.Architecture)
			}
		})
	}
}
