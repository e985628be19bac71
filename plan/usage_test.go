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

// perModelMeasured is a month of devs developers at 3M tokens each: 75 % of the tokens on
// Sonnet with 4.2 % output, 25 % on Opus with 18.75 % output (an agent
// writes more), and — with other — 5 % more on a model the spec does not
// name.
func perModelMeasured(other bool, devs int) *plan.Measured {
	m := measured(devs, 3e6)
	t := m.Tokens.Tokens
	total := float64(devs) * 3e6
	shape := func(tokens, out float64) usage.Buckets {
		in := tokens * (1 - out)
		return usage.Buckets{Uncached: in * 0.4, CacheRead: in * 0.55, CacheWrite: in * 0.05, Output: tokens * out}
	}
	t.ModelBuckets = map[string]usage.Buckets{
		"claude-sonnet-4.6": shape(0.75*total, 0.042),
		"claude-opus-4.8":   shape(0.25*total, 0.1875),
	}
	if other {
		t.ModelBuckets["gpt-5.5"] = shape(0.05*total, 0.1)
		t.Models["gpt-5.5"] = 0.05 * total
	}
	var all usage.Buckets
	for _, b := range t.ModelBuckets {
		all.Uncached, all.CacheRead, all.CacheWrite, all.Output = all.Uncached+b.Uncached, all.CacheRead+b.CacheRead, all.CacheWrite+b.CacheWrite, all.Output+b.Output
	}
	t.InputShare, t.CachedInputShare, t.CacheWriteShare = all.Input()/all.Total(), all.CacheRead/all.Input(), all.CacheWrite/all.Input()
	per := all.Total() / float64(devs)
	t.TokensPerDeveloperMonth = usage.Quantiles{Mean: per, P25: per, P50: per, P75: per}
	return m
}

// TestMeasuredCostPerModel: each model's measured tokens are priced with
// their own shares and rates, not one pooled output share; a model the
// spec does not name is priced at its own rates and named.
func TestMeasuredCostPerModel(t *testing.T) {
	cat := modelcatalog.Default()
	s, diags := spec.NewParser(cat).Parse("u.hcl", []byte(usageSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	build := func(m *plan.Measured) *plan.Plan {
		t.Helper()
		p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: policies, Usage: m})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	managed := func(p *plan.Plan) float64 {
		for _, o := range p.Usage.Options {
			if o.Architecture == "managed" {
				return o.Measured.Expected
			}
		}
		t.Fatal("no managed option")
		return 0
	}
	m := perModelMeasured(false, 40)
	byModel := build(m)
	pooledM := *m.Tokens
	pooledT := *m.Tokens.Tokens
	pooledT.ModelBuckets = nil
	pooledM.Tokens = &pooledT
	pooled := build(&plan.Measured{Tokens: &pooledM})

	// The difference is each model's own-shape cost less its tokens at the
	// pooled shape, by the catalog's rates.
	tk := m.Tokens.Tokens
	var want float64
	for id, b := range tk.ModelBuckets {
		mm, _ := cat.ManagedModel(id)
		own, err := cat.Rates(mm, modelcatalog.Usage{Date: asOf.Format("2006-01-02"), CacheReadShare: b.CacheRead / b.Input(), CacheWriteShare: b.CacheWrite / b.Input(), BedrockProfile: modelcatalog.BedrockGlobal})
		if err != nil {
			t.Fatal(err)
		}
		pool, _ := cat.Rates(mm, modelcatalog.Usage{Date: asOf.Format("2006-01-02"), CacheReadShare: tk.CachedInputShare, CacheWriteShare: tk.CacheWriteShare, BedrockProfile: modelcatalog.BedrockGlobal})
		want += (b.Uncached*own.InputPerM + b.CacheRead*own.CacheReadPerM + b.CacheWrite*own.CacheWritePerM + b.Output*own.OutputPerM) / 1e6
		want -= b.Total() * pool.PerM(tk.InputShare, tk.CachedInputShare, tk.CacheWriteShare) / 1e6
	}
	got := managed(byModel) - managed(pooled)
	if diff := got - want; diff > 0.02 || diff < -0.02 {
		t.Errorf("per-model less pooled: $%.2f, want $%.2f", got, want)
	}
	if rel := got / managed(pooled); rel < 0.03 {
		t.Errorf("per-model pricing moved the managed cost by %.1f %%: the shares differ enough to move it more", rel*100)
	}

	other := build(perModelMeasured(true, 40))
	notes := strings.Join(other.Usage.Notes, "\n")
	if !strings.Contains(notes, "gpt-5.5 (measured, none of the option's models) is priced at its own catalog rates") {
		t.Errorf("notes %q do not name gpt-5.5", notes)
	}
	if managed(other) <= managed(byModel) {
		t.Errorf("gpt-5.5's tokens added nothing: $%.2f vs $%.2f", managed(other), managed(byModel))
	}
}

// TestDriftNamesModels: the drift warning names the models behind the
// measured managed cost.
func TestDriftNamesModels(t *testing.T) {
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("u.hcl", []byte(usageSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: policies, Usage: perModelMeasured(false, 400)})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Warnings {
		if w.Policy == plan.UsageDrift {
			if !strings.Contains(w.Message, "by model: ") || !strings.Contains(w.Message, "claude-sonnet-4.6 $") || !strings.Contains(w.Message, "claude-opus-4.8 $") || !strings.Contains(w.Message, "(output 18.8 % of its tokens)") {
				t.Errorf("drift %q does not name the models", w.Message)
			}
			return
		}
	}
	t.Error("no drift warning")
}

// TestUnpriceableModelsAreNotFree: when none of the measured models is one
// the managed option can price (a report not grouped by model, a Bedrock
// application profile, a self-hosted model behind a proxy), the tokens are
// priced at the spec's own managed models' rates and said so: they once
// priced the managed option at nothing.
func TestUnpriceableModelsAreNotFree(t *testing.T) {
	s, diags := spec.NewParser(modelcatalog.Default()).Parse("u.hcl", []byte(usageSpec))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	managed := func(m *plan.Measured) (float64, string) {
		t.Helper()
		p, err := plan.Build(context.Background(), s, plan.Options{AsOf: asOf, Policies: policies, Usage: m})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Usage.Options {
			if o.Architecture == "managed" {
				return o.Measured.Expected, strings.Join(p.Usage.Notes, "\n")
			}
		}
		t.Fatal("no managed option")
		return 0, ""
	}
	// The same tokens measured on the spec's two models, half each (the
	// spec's workload shares, which an unnamed model's tokens keep).
	pooledM := measured(40, 3e6)
	pooledM.Tokens.Tokens.Models = map[string]float64{"claude-sonnet-4.6": 60e6, "claude-opus-4.8": 60e6}
	pooled, _ := managed(pooledM)
	for _, tc := range []struct{ id, note string }{
		{"(none)", "the export does not name the model of these tokens (group the report by model as well); they are priced at the spec's own managed models' rates"},
		{"qwen3-coder-30b-a3b", "qwen3-coder-30b-a3b (measured, not in the catalog) is priced at the spec's own managed models' rates"},
		{"bedrock/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5", "(measured, not in the catalog) is priced at the spec's own managed models' rates"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			m := measured(40, 3e6)
			tk := m.Tokens.Tokens
			total := 40 * 3e6
			in := total * tk.InputShare
			tk.ModelBuckets = map[string]usage.Buckets{tc.id: {Uncached: in * (1 - tk.CachedInputShare - tk.CacheWriteShare),
				CacheRead: in * tk.CachedInputShare, CacheWrite: in * tk.CacheWriteShare, Output: total - in}}
			tk.Models, tk.UnmappedModels = map[string]float64{}, map[string]float64{tc.id: total}
			got, notes := managed(m)
			if got < 0.995*pooled || got > 1.005*pooled {
				t.Errorf("managed at the measured usage %.2f USD, want %.2f USD (the same tokens at the spec's models)", got, pooled)
			}
			if !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q do not say %q", notes, tc.note)
			}
		})
	}
}
