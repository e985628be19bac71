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
			for _, n := range []float64{0, 1000, 8192, 32768, 200000} {
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
