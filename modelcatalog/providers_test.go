package modelcatalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProviderFacts(t *testing.T) {
	cat := Default()
	if d := cmp.Diff([]string{"5m", "30m", "1h", "12h"}, cat.CacheTTLs()); d != "" {
		t.Errorf("cache lifetimes (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"anthropic", "bedrock", "deepseek", "google", "openai"}, cat.ProviderIDs()); d != "" {
		t.Errorf("provider ids (-want +got):\n%s", d)
	}
	profiles := []struct {
		id, prefix string
		global     bool
	}{
		{"global.anthropic.claude-sonnet-5-5", "global.", true},
		{"us.anthropic.claude-sonnet-5-5", "us.", false},
		{"us-gov.anthropic.claude-sonnet-4-6", "us-gov.", false},
		{"apac.anthropic.claude-sonnet-4-6", "apac.", false},
		{"anthropic.claude-3-haiku-20240307-v1:0", "", false},
	}
	for _, p := range profiles {
		prefix, global := cat.ProfilePrefix(p.id)
		if prefix != p.prefix || global != p.global {
			t.Errorf("ProfilePrefix(%q) = %q, %v; want %q, %v", p.id, prefix, global, p.prefix, p.global)
		}
	}
	routes := []struct{ model, provider, want string }{
		{"gemini-4-carbon", "", "gemini/gemini-4-carbon"},
		{"claude-sonnet-4.6", "", "anthropic/claude-sonnet-4-6"},
		{"claude-sonnet-4.6", ProviderBedrock, "bedrock/global.anthropic.claude-sonnet-4-6"},
	}
	for _, r := range routes {
		m, _ := cat.ManagedModel(r.model)
		p, err := cat.RouteProvider(m, r.provider)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.LiteLLMModel(m); got != r.want {
			t.Errorf("LiteLLMModel(%s via %q) = %q, want %q", r.model, r.provider, got, r.want)
		}
	}
}

// withProvider returns a copy of the embedded catalog that sells a new
// model through a fictional direct-API provider, "mistral" — what adding a
// provider to catalog.json takes.
func withProvider(t *testing.T) *Catalog {
	t.Helper()
	cat := clone(Default())
	cat.Providers = append(cat.Providers, Provider{ID: "mistral", Name: "Mistral API", Auth: AuthAPIKey, APIKeyEnv: "MISTRAL_API_KEY",
		LiteLLM:     LiteLLMRoute{Prefix: "mistral", PriceTableProviders: []string{"mistral"}, CacheWriteTTL: "10m"},
		PromptCache: &PromptCache{TTLs: []string{"10m"}, Source: src}, Source: src})
	m := *mustManaged(t, "gpt-5.4-mini")
	m.ID, m.Name, m.Vendor, m.APIID, m.Providers, m.Successor = "devstral-2", "Devstral 2", "mistral", "devstral-2-2512", []string{"mistral"}, ""
	m.Prices = []Price{{EffectiveFrom: "2026-11-01", InputPerM: 0.4, OutputPerM: 2, CacheWritePerM: map[string]float64{"10m": 0.5}, Source: src}}
	m.RateLimits = nil // another provider's
	cat.Managed = append(cat.Managed, m)
	if err := cat.Validate(); err != nil {
		t.Fatalf("catalog with a new provider: %v", err)
	}
	return cat
}

func TestNewProviderIsData(t *testing.T) {
	cat := withProvider(t)
	m, _ := cat.ManagedModel("devstral-2")
	r, err := cat.Rates(m, Usage{Date: "2026-11-26", CacheTTL: "10m"})
	if err != nil {
		t.Fatal(err)
	}
	if r.CacheTTL != "10m" || r.CacheWritePerM != 0.5 {
		t.Errorf("rates = %+v, want the 10m cache write at 0.5", r)
	}
	if got := cat.CacheTTLs(); !strings.Contains(strings.Join(got, " "), "10m") {
		t.Errorf("cache lifetimes %v miss the new provider's", got)
	}
	table := []byte(`{"mistral/devstral-2-2512": {"input_cost_per_token": 5e-07, "output_cost_per_token": 2e-06,
		"cache_creation_input_token_cost": 6e-07, "litellm_provider": "mistral", "mode": "chat"}}`)
	res, err := ImportLiteLLM(cat, table, "2026-11-26", "litellm test")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Book.Managed) != 1 || res.Book.Managed[0].ID != "devstral-2" {
		t.Fatalf("import = %+v, want devstral-2's new price", res.Book.Managed)
	}
	p := res.Book.Managed[0].Prices[len(res.Book.Managed[0].Prices)-1]
	if p.InputPerM != 0.5 || p.CacheWritePerM["10m"] != 0.6 {
		t.Errorf("imported price = %+v, want 0.5 in and a 0.6 write for 10m", p)
	}
}

// TestRateLimitValidation: a rate limit is sourced, for a provider that
// sells the model, and a combined limit says what it counts.
func TestRateLimitValidation(t *testing.T) {
	tpm := 1e6
	for _, tt := range []struct {
		name, provider, want string
		edit                 func(*RateLimit)
	}{
		{"valid", "openai", "", func(*RateLimit) {}},
		{"provider not selling it", "anthropic", `names "anthropic", which does not sell the model`, func(*RateLimit) {}},
		{"tpm without counts", "openai", "tpm needs counts", func(r *RateLimit) { r.Counts = "" }},
		{"no source", "openai", "source", func(r *RateLimit) { r.Source = Source{} }},
		{"zero limit", "openai", "tpm", func(r *RateLimit) { zero := 0.0; r.TPM = &zero }},
		{"quota without service", "openai", "service_code", func(r *RateLimit) { r.QuotaName = "x" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cat := clone(Default())
			var m *ManagedModel
			for i := range cat.Managed {
				if cat.Managed[i].ID == "gpt-6.2-sol" {
					m = &cat.Managed[i]
				}
			}
			r := RateLimit{Tier: "Tier 5", TPM: &tpm, Counts: CountsInputOutput, Raise: "ask", Source: src}
			tt.edit(&r)
			m.RateLimits = map[string]RateLimit{tt.provider: r}
			err := cat.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
