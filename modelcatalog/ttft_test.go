package modelcatalog

import (
	"math"
	"testing"
)

// Every model a team would choose today has a p95 time to first token on
// every route that sells it: unknown denies managed outright under any
// max_ttft_ms, which tilts the decision toward self-hosting.
func TestLatestManagedModelsHaveTTFT(t *testing.T) {
	c := Default()
	for _, m := range c.Managed {
		if m.Status != "latest" {
			continue
		}
		for _, p := range m.Providers {
			f, ok := m.ShortPromptTTFT(p)
			if !ok {
				t.Errorf("%s via %s: no p95 TTFT", m.ID, p)
				continue
			}
			if f.Source.Source == "" || f.AsOf == "" {
				t.Errorf("%s via %s: TTFT %g without source and date", m.ID, p, f.Value)
			}
		}
	}
	if c.ManagedPromptMsPerToken == nil {
		t.Fatal("no managed_prompt_ms_per_token: long prompts would be timed as short ones")
	}
}

func TestManagedTTFT(t *testing.T) {
	c := Default()
	per := c.ManagedPromptMsPerToken.Value
	sonnet, _ := c.ManagedModel("claude-sonnet-5.5")
	direct := sonnet.TTFTMs.Value
	bedrock := sonnet.TTFTByProvider["bedrock"].Value
	if bedrock == direct {
		t.Fatalf("sonnet 5.5: the Bedrock route has the direct figure %g; the catalog has a measurement of its own", direct)
	}
	tests := []struct {
		name     string
		model    string
		provider string
		uncached float64
		want     float64
		ok       bool
	}{
		{"short prompt, vendor route", "claude-sonnet-5.5", "anthropic", 0, direct, true},
		{"a route without its own figure takes the vendor's", "gpt-6.2-sol", "openai", 0, 800, true},
		{"bedrock route", "claude-sonnet-5.5", "bedrock", 0, bedrock, true},
		{"long prompt adds prefill", "claude-sonnet-5.5", "anthropic", 20000, direct + 20000*per, true},
		{"negative tokens add nothing", "claude-sonnet-5.5", "anthropic", -5, direct, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := c.ManagedModel(tt.model)
			if !ok {
				t.Fatalf("%s not in catalog", tt.model)
			}
			got, est, ok := c.ManagedTTFT(m, tt.provider, tt.uncached)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("ManagedTTFT = %g, %v; want %g, %v", got, ok, tt.want, tt.ok)
			}
			if tt.uncached > 0 && !est {
				t.Error("a figure with the estimated prompt term is not marked estimate")
			}
		})
	}
	unknown := &ManagedModel{ID: "x"}
	if _, _, ok := c.ManagedTTFT(unknown, "anthropic", 100); ok {
		t.Error("a model without a TTFT figure is known")
	}
}

// More prompt never gives a faster first token.
func TestManagedTTFTRisesWithPrompt(t *testing.T) {
	c := Default()
	for _, m := range c.Managed {
		for _, p := range m.Providers {
			prev := -1.0
			for _, n := range []float64{0, 1000, 8192, 32768, PromptLinearTokens, PromptLinearTokens + 1, 200000, 1e6} {
				got, _, ok := c.ManagedTTFT(&m, p, n)
				if !ok {
					break
				}
				if got < prev {
					t.Errorf("%s via %s: %g ms at %g tokens, below %g ms at fewer", m.ID, p, got, n, prev)
				}
				prev = got
			}
		}
	}
}

// TestLongPromptTTFT: the prompt term is the per-token figure up to the
// PromptLinearTokens it was measured at, then grows sub-linearly, as
// providers' prefill was measured to up to 1M tokens: continuous at the
// knee, slower than linear past it. GPT-5.4 mini, whose long prompts were
// measured, stays within 1–3× its published floor at 250,000 tokens (the
// linear term put a 200,000-token prompt at 48 s).
func TestLongPromptTTFT(t *testing.T) {
	c := Default()
	sonnet, _ := c.ManagedModel("claude-sonnet-5.5")
	at := func(m *ManagedModel, n float64) float64 {
		t.Helper()
		ms, _, ok := c.ManagedTTFT(m, m.Vendor, n)
		if !ok {
			t.Fatalf("%s has no TTFT", m.ID)
		}
		return ms
	}
	per := c.ManagedPromptMsPerToken.Value
	if d := at(sonnet, PromptLinearTokens) - at(sonnet, 0); math.Abs(d-per*PromptLinearTokens) > 1e-6 {
		t.Errorf("at the knee the prompt term is %g ms, want the linear %g", d, per*PromptLinearTokens)
	}
	if d := at(sonnet, PromptLinearTokens+1) - at(sonnet, PromptLinearTokens); d <= 0 || d > per+1e-9 {
		t.Errorf("one token past the knee adds %g ms (linear: %g)", d, per)
	}
	long := at(sonnet, 4*PromptLinearTokens) - at(sonnet, 0)
	if long >= 4*per*PromptLinearTokens || long <= per*PromptLinearTokens {
		t.Errorf("four times the knee adds %g ms: want sub-linear, above the knee's %g", long, per*PromptLinearTokens)
	}
	mini, _ := c.ManagedModel("gpt-5.4-mini")
	const floor = 3353 // ms at about 250,000 tokens, the study's minimum
	if got := at(mini, 250000); got < floor || got > 3*floor {
		t.Errorf("gpt-5.4-mini at 250,000 tokens: %g ms, want within 1-3x the measured floor of %d", got, floor)
	}
}

// TestWeekPeakShare: the share of a week's measured tokens in peak
// windows, a window's part of an hour taking that part of its tokens.
func TestWeekPeakShare(t *testing.T) {
	windows := []PeakWindow{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "01:00", Until: "04:00"}, {Days: []string{"mon"}, From: "06:30", Until: "07:00"}}
	var week [7 * 24]float64
	week[1*24+2] = 1 // Monday 02:00, in the first window
	week[1*24+6] = 2 // Monday 06:00, half in the second
	week[0*24+2] = 1 // Sunday 02:00, in none
	if got, ok := WeekPeakShare(windows, &week); !ok || got != (1+1)/4.0 {
		t.Errorf("share %v (%v), want 0.5", got, ok)
	}
	if _, ok := WeekPeakShare(windows, &[7 * 24]float64{}); ok {
		t.Error("no tokens: a share")
	}
}
