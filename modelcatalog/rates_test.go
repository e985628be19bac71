package modelcatalog

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withDiscounts is the embedded catalog plus a price book's discounts.
func withDiscounts(ds ...Discount) *Catalog {
	return Merge(Default(), &Catalog{Discounts: ds})
}

var book = Source{Source: "MSA 2026-07", AsOf: "2026-07-01"}

// TestRates computes every price structure by hand: tiers, cache-write
// lifetimes, peak blending, the Bedrock surcharge and discounts.
func TestRates(t *testing.T) {
	type want struct{ in, read, write, out float64 }
	tests := []struct {
		name    string
		cat     *Catalog
		model   string
		u       Usage
		want    want
		ttl     string
		notices []string // notice ids
	}{
		// Sonnet 5.5 list: 2 in, 0.10 read, 2.50 (5m) / 4 (1h) write, 10 out.
		{name: "default lifetime is the shortest", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26"},
			want: want{2, 0.1, 2.5, 10}, ttl: "5m"},
		{name: "1h asked, 1h sold", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", CacheTTL: "1h", CacheWriteShare: 0.1},
			want: want{2, 0.1, 4, 10}, ttl: "1h"},
		{name: "30m asked: Anthropic's next longer is 1h", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", CacheTTL: "30m", CacheWriteShare: 0.1},
			want: want{2, 0.1, 4, 10}, ttl: "1h", notices: []string{"price.cache_ttl"}},
		{name: "12h asked: Anthropic keeps at most 1h", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", CacheTTL: "12h", CacheWriteShare: 0.1},
			want: want{2, 0.1, 4, 10}, ttl: "1h", notices: []string{"price.cache_ttl"}},
		// GPT-6.2 Sol: 2 in, 0.10 read, 2.50 (30m) / 5 (12h), 10 out.
		{name: "5m asked: OpenAI's shortest is 30m", model: "gpt-6.2-sol", u: Usage{Date: "2026-11-26", CacheTTL: "5m", CacheWriteShare: 0.1},
			want: want{2, 0.1, 2.5, 10}, ttl: "30m", notices: []string{"price.cache_ttl"}},
		{name: "1h asked: OpenAI sells 12h", model: "gpt-6.2-sol", u: Usage{Date: "2026-11-26", CacheTTL: "1h", CacheWriteShare: 0.1},
			want: want{2, 0.1, 5, 10}, ttl: "12h", notices: []string{"price.cache_ttl"}},
		// The tier applies above the threshold, not at it.
		{name: "Sol at exactly 272K: base tier", model: "gpt-6.2-sol", u: Usage{Date: "2026-11-26", ContextTokens: 272000},
			want: want{2, 0.1, 2.5, 10}, ttl: "30m"},
		{name: "Sol above 272K: whole request at 4 / 0.20 / 5 / 15", model: "gpt-6.2-sol", u: Usage{Date: "2026-11-26", ContextTokens: 272001},
			want: want{4, 0.2, 5, 15}, ttl: "30m"},
		{name: "Haiku at 100K: base", model: "claude-haiku-5.5", u: Usage{Date: "2026-11-26", ContextTokens: 100000},
			want: want{0.1, 0.01, 0.125, 0.5}, ttl: "5m"},
		{name: "Haiku above 100K: 0.50 / 0.05 / 0.625 / 2.50", model: "claude-haiku-5.5", u: Usage{Date: "2026-11-26", ContextTokens: 131072},
			want: want{0.5, 0.05, 0.625, 2.5}, ttl: "5m"},
		// Bedrock: the global profile bills list; a regional one 2 × 1.1 = 2.2,
		// 0.1 × 1.1 = 0.11, 2.5 × 1.1 = 2.75, 10 × 1.1 = 11.
		{name: "Bedrock global profile: list", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", Provider: "bedrock", BedrockProfile: "global"},
			want: want{2, 0.1, 2.5, 10}, ttl: "5m"},
		{name: "Bedrock regional profile: +10 % on every line", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", Provider: "bedrock", BedrockProfile: "regional"},
			want: want{2.2, 0.11, 2.75, 11}, ttl: "5m"},
		{name: "regional profile off Bedrock: no surcharge", model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", Provider: "anthropic", BedrockProfile: "regional"},
			want: want{2, 0.1, 2.5, 10}, ttl: "5m"},
		// DeepSeek V4.1 Flash at a 25 % peak share: in 0.75 × 0.15 + 0.25 × 0.30
		// = 0.1875; read 0.75 × 0.003 + 0.25 × 0.006 = 0.00375; no write
		// price, so writes bill as input (0.1875); out 0.75 × 0.6 + 0.25 × 1.2 = 0.75.
		{name: "DeepSeek peak blend", model: "deepseek-v4.1-flash", u: Usage{Date: "2026-11-26", PeakShare: 0.25, CacheWriteShare: 0.1},
			want: want{0.1875, 0.00375, 0.1875, 0.75}, notices: []string{"price.cache_write"}},
		{name: "DeepSeek all off-peak", model: "deepseek-v4.1-flash", u: Usage{Date: "2026-11-26"},
			want: want{0.15, 0.003, 0.15, 0.6}},
		// Effective dates: Gemini 4 Carbon doubles on 2026-12-01.
		{name: "Carbon the day before", model: "gemini-4-carbon", u: Usage{Date: "2026-11-30"}, want: want{2, 0.1, 2, 10}},
		{name: "Carbon the day of", model: "gemini-4-carbon", u: Usage{Date: "2026-12-01"}, want: want{4, 0.2, 4, 20}},
		{name: "Carbon the day after", model: "gemini-4-carbon", u: Usage{Date: "2026-12-02"}, want: want{4, 0.2, 4, 20}},
		{name: "Flash after its promotion: cache read unknown", model: "gemini-3.8-flash", u: Usage{Date: "2027-01-01", CacheReadShare: 0.3},
			want: want{1.5, 1.5, 1.5, 7.5}, notices: []string{"catalog.unknown"}},
		// Discounts: 15 % off Anthropic bought direct until 2027-06-30:
		// 2 × 0.85 = 1.7, 0.1 × 0.85 = 0.085, 2.5 × 0.85 = 2.125, 10 × 0.85 = 8.5.
		{name: "discount on its last day", cat: withDiscounts(Discount{Vendor: "anthropic", PercentOff: 15, EffectiveUntil: "2027-06-30", Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2027-06-30"}, want: want{1.7, 0.085, 2.125, 8.5}, ttl: "5m"},
		{name: "discount the day after it expires", cat: withDiscounts(Discount{Vendor: "anthropic", PercentOff: 15, EffectiveUntil: "2027-06-30", Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2027-07-01"}, want: want{2, 0.1, 2.5, 10}, ttl: "5m", notices: []string{"price.discount_expired"}},
		{name: "discount before it starts", cat: withDiscounts(Discount{Vendor: "anthropic", PercentOff: 15, EffectiveFrom: "2026-12-01", Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-30"}, want: want{2, 0.1, 2.5, 10}, ttl: "5m"},
		{name: "vendor discount does not cover Bedrock billing", cat: withDiscounts(Discount{Vendor: "anthropic", PercentOff: 15, Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", Provider: "bedrock"}, want: want{2, 0.1, 2.5, 10}, ttl: "5m"},
		// 2 × 1.1 × 0.9 = 1.98; 10 × 1.1 × 0.9 = 9.9.
		{name: "Bedrock discount and regional surcharge", cat: withDiscounts(Discount{Provider: "bedrock", PercentOff: 10, Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26", Provider: "bedrock", BedrockProfile: "regional"},
			want: want{1.98, 0.099, 2.475, 9.9}, ttl: "5m"},
		// Discounts do not stack: the model's 20 % beats the vendor's 15 %.
		{name: "largest discount wins", cat: withDiscounts(
			Discount{Vendor: "anthropic", PercentOff: 15, Source: book},
			Discount{Model: "claude-sonnet-5.5", PercentOff: 20, Source: book}),
			model: "claude-sonnet-5.5", u: Usage{Date: "2026-11-26"}, want: want{1.6, 0.08, 2, 8}, ttl: "5m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := tt.cat
			if cat == nil {
				cat = Default()
			}
			m, ok := cat.ManagedModel(tt.model)
			if !ok {
				t.Fatalf("%s missing", tt.model)
			}
			r, err := cat.Rates(m, tt.u)
			if err != nil {
				t.Fatal(err)
			}
			round := func(v float64) float64 { return math.Round(v*1e9) / 1e9 }
			got := want{round(r.InputPerM), round(r.CacheReadPerM), round(r.CacheWritePerM), round(r.OutputPerM)}
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("rates (-want +got):\n%s", d)
			}
			if r.CacheTTL != tt.ttl {
				t.Errorf("cache TTL = %q, want %q", r.CacheTTL, tt.ttl)
			}
			var ids []string
			for _, n := range r.Notices {
				ids = append(ids, n.ID)
			}
			if d := cmp.Diff(tt.notices, ids); d != "" {
				t.Errorf("notices (-want +got):\n%s\n%v", d, r.Notices)
			}
		})
	}
}

func TestRatesErrors(t *testing.T) {
	tests := []struct {
		name, model string
		cat         *Catalog
		u           Usage
		want        string
	}{
		{"before launch", "gemini-4-carbon", nil, Usage{Date: "2026-11-09"}, "no price in effect on 2026-11-09"},
		{"regional without a surcharge", "claude-sonnet-5.5", &Catalog{}, Usage{Date: "2026-11-26", Provider: "bedrock", BedrockProfile: "regional"}, "regional inference profile of Amazon Bedrock: the catalog has no regional surcharge"},
		{"unknown provider", "claude-sonnet-5.5", nil, Usage{Date: "2026-11-26", Provider: "azure"}, `provider "azure" is not in the catalog's providers`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := Default()
			if tt.cat != nil {
				cat = clone(Default())
				p, _ := cat.Provider(ProviderBedrock)
				p.RegionalSurchargePercent = nil
			}
			m, _ := cat.ManagedModel(tt.model)
			if _, err := cat.Rates(m, tt.u); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestPerM: w = 0 is the contract's formula; the write share moves input
// from the input price to the write price.
func TestPerM(t *testing.T) {
	r := Rates{InputPerM: 3, CacheReadPerM: 0.3, CacheWritePerM: 3.75, OutputPerM: 15}
	// 0.8 × (0.5 × 3 + 0.5 × 0.3) + 0.2 × 15 = 4.32.
	if got := r.PerM(0.8, 0.5, 0); math.Abs(got-4.32) > 1e-12 {
		t.Errorf("w=0: %g, want 4.32", got)
	}
	// 0.8 × (0.3 × 3 + 0.5 × 0.3 + 0.2 × 3.75) + 0.2 × 15 = 0.8 × 1.8 + 3 = 4.44.
	if got := r.PerM(0.8, 0.5, 0.2); math.Abs(got-4.44) > 1e-12 {
		t.Errorf("w=0.2: %g, want 4.44", got)
	}
}

// TestWorkingHoursPeakShare places 09:00-17:00 local weekdays (the
// business-hours day every other part of the product reads) against
// DeepSeek's peak windows (weekdays 01-04 and 06-10 UTC), by hand.
func TestWorkingHoursPeakShare(t *testing.T) {
	m, _ := Default().ManagedModel("deepseek-v4.1-flash")
	windows := m.Prices[0].Peak.WindowsUTC
	tests := []struct {
		tz, date string
		want     float64
	}{
		{"UTC", "2026-11-26", 1.0 / 8},           // 09-17 UTC: only 09-10 is peak
		{"Asia/Shanghai", "2026-11-26", 6.0 / 8}, // 01-09 UTC: 01-04 and 06-09
		{"Asia/Tokyo", "2026-11-26", 5.0 / 8},    // 00-08 UTC: 01-04 and 06-08
		{"Europe/Berlin", "2026-11-26", 2.0 / 8}, // CET, 08-16 UTC: 08-10
		{"Europe/Berlin", "2026-07-15", 3.0 / 8}, // CEST, 07-15 UTC: 07-10
		{"America/New_York", "2026-11-26", 0},    // EST, 14-22 UTC
		// NZDT (UTC+13): local Monday 09-17 is Sunday 20:00 to Monday 04:00
		// UTC, whose Monday 01-04 is peak: 3 of 8 hours every weekday.
		{"Pacific/Auckland", "2026-11-26", 3.0 / 8},
		// PST (UTC-8): local 09-17 is 17:00 to 01:00 UTC the next day,
		// ending as the next weekday's 01-04 window opens: none. Counted to
		// 18:00 (02:00 UTC), 17 of its 189 hours were billed at peak.
		{"America/Los_Angeles", "2026-11-26", 0},
	}
	for _, tt := range tests {
		t.Run(tt.tz+"/"+tt.date, func(t *testing.T) {
			got, err := WorkingHoursPeakShare(windows, tt.tz, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("share = %.6f, want %.6f", got, tt.want)
			}
		})
	}
	if _, err := WorkingHoursPeakShare(windows, "Mars/Olympus", "2026-11-26"); err == nil {
		t.Error("unknown timezone: want an error")
	}
}

// TestPromotionEnd: a price whose effective_until has passed, with nothing
// after it, leaves the model unpriced rather than reviving an older price.
func TestPromotionEnd(t *testing.T) {
	m := &ManagedModel{ID: "x", Prices: []Price{
		{EffectiveFrom: "2026-01-01", InputPerM: 2},
		{EffectiveFrom: "2026-06-01", EffectiveUntil: "2026-06-30", InputPerM: 1},
	}}
	tests := []struct {
		date   string
		wantOK bool
		want   float64
	}{
		{"2026-05-31", true, 2},
		{"2026-06-01", true, 1},
		{"2026-06-30", true, 1},
		{"2026-07-01", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			p, ok := m.PriceOn(tt.date)
			if ok != tt.wantOK || p.InputPerM != tt.want {
				t.Errorf("PriceOn = %g, %v; want %g, %v", p.InputPerM, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestValidatePriceStructures(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		edit func(c *Catalog)
		want string
	}{
		{"unknown cache lifetime", func(c *Catalog) { c.Managed[0].Prices[0].CacheWritePerM = map[string]float64{"2h": 1} }, `lifetime "2h"`},
		{"tiers out of order", func(c *Catalog) {
			c.Managed[0].Prices[0].Tiers = []PriceTier{{AbovePromptTokens: 200000, InputPerM: 1}, {AbovePromptTokens: 100000, InputPerM: 2}}
		}, "above the previous tier's"},
		{"tiers and peak together", func(c *Catalog) {
			c.Managed[0].Prices[0].Tiers = []PriceTier{{AbovePromptTokens: 1000}}
			c.Managed[0].Prices[0].Peak = &PeakRates{WindowsUTC: []PeakWindow{{Days: []string{"mon"}, From: "01:00", Until: "02:00"}}, CacheReadPerM: f(1)}
		}, "cannot also have peak rates"},
		{"bad peak window", func(c *Catalog) {
			c.Managed[0].Prices[0].Peak = &PeakRates{WindowsUTC: []PeakWindow{{Days: []string{"monday"}, From: "10:00", Until: "09:00"}}}
		}, `day "monday"`},
		{"promotion ends before it starts", func(c *Catalog) { c.Managed[0].Prices[0].EffectiveUntil = "2025-12-31" }, "before effective_from"},
		{"discount on nothing", func(c *Catalog) { c.Discounts = []Discount{{PercentOff: 10, Source: src}} }, "no vendor, model or provider"},
		{"discount on an unknown model", func(c *Catalog) { c.Discounts = []Discount{{Model: "m9", PercentOff: 10, Source: src}} }, `model "m9"`},
		{"discount over 100 %", func(c *Catalog) { c.Discounts = []Discount{{Vendor: "v", PercentOff: 120, Source: src}} }, "percent_off 120"},
		{"discount without a source", func(c *Catalog) { c.Discounts = []Discount{{Vendor: "v", PercentOff: 10}} }, "discounts[0]: no source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCatalog()
			if err := c.Validate(); err != nil {
				t.Fatalf("test catalog invalid: %v", err)
			}
			tt.edit(c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMergeDiscounts(t *testing.T) {
	a := Discount{Vendor: "anthropic", PercentOff: 10, Source: book}
	b := Discount{Vendor: "anthropic", PercentOff: 15, Source: book} // same key: replaces a
	c := Discount{Model: "gpt-6.2-sol", PercentOff: 5, Source: book}
	got := Merge(Merge(Default(), &Catalog{Discounts: []Discount{a}}), &Catalog{Discounts: []Discount{b, c}})
	if d := cmp.Diff([]Discount{b, c}, got.Discounts); d != "" {
		t.Errorf("discounts (-want +got):\n%s", d)
	}
	if p, ok := got.Provider(ProviderBedrock); !ok || p.RegionalSurchargePercent == nil || p.RegionalSurchargePercent.Value != 10 {
		t.Errorf("Bedrock's terms lost in the merge: %+v", p)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
}

func TestImportLiteLLM(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "litellm_prices.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ImportLiteLLM(Default(), data, "2026-11-26", "litellm test")
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	wantChanges := []ImportChange{
		{Model: "claude-sonnet-5.5", Line: "input_per_m", From: f(2), To: 2.2},
		{Model: "claude-sonnet-5.5", Line: "output_per_m", From: f(10), To: 11},
		{Model: "claude-sonnet-5.5", Line: "cache_read_per_m", From: f(0.1), To: 0.11},
		{Model: "claude-sonnet-5.5", Line: "cache_write_per_m.5m", From: f(2.5), To: 2.75},
	}
	if d := cmp.Diff(wantChanges, res.Changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"gpt-5.4-mini", "deepseek-v4-flash", "claude-haiku-5.5", "gpt-6.2-sol", "gemini-4-carbon", "deepseek-v4.1-flash"}, res.Unchanged); d != "" {
		t.Errorf("unchanged (-want +got):\n%s", d)
	}
	for _, id := range []string{"gpt-6.2-astra", "gpt-6-luna", "claude-opus-4.8"} {
		if !strings.Contains(strings.Join(res.Missing, ","), id) {
			t.Errorf("%s should be missing (azure-only, embedding mode, absent): %v", id, res.Missing)
		}
	}

	merged := Merge(Default(), res.Book)
	if err := merged.Validate(); err != nil {
		t.Fatalf("merged price book: %v", err)
	}
	sonnet, _ := merged.ManagedModel("claude-sonnet-5.5")
	r, err := merged.Rates(sonnet, Usage{Date: "2026-11-26", CacheTTL: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	// 1h write carried over from the catalog's price; the rest imported.
	if got := []float64{r.InputPerM, r.CacheReadPerM, r.CacheWritePerM, r.OutputPerM}; !cmp.Equal(got, []float64{2.2, 0.11, 4, 11}) {
		t.Errorf("imported Sonnet 5.5 rates = %v", got)
	}
	if p, _ := sonnet.PriceOn("2026-11-25"); p.InputPerM != 2 {
		t.Errorf("the day before the import: input %g, want the catalog's 2", p.InputPerM)
	}
	// The article's price of DeepSeek V4 Flash still holds on its date.
	ds, _ := merged.ManagedModel("deepseek-v4-flash")
	if p, _ := ds.PriceOn("2026-06-22"); p.InputPerM != 0.1 || p.OutputPerM != 0.2 {
		t.Errorf("article price changed: %+v", p)
	}
	if _, err := ImportLiteLLM(Default(), []byte("[1]"), "2026-11-26", "x"); err == nil {
		t.Error("a JSON array is not LiteLLM's table: want an error")
	}
}

func TestEntries(t *testing.T) {
	es := Default().Entries("2026-11-26")
	find := func(section, id string) *Entry {
		for i := range es {
			if es[i].Section == section && es[i].ID == id {
				return &es[i]
			}
		}
		return nil
	}
	if e := find(SectionManaged, "claude-sonnet-4.6"); e == nil || e.Status != "legacy" || e.Successor != "claude-sonnet-5.5" || e.EffectiveFrom != "2026-02-17" {
		t.Errorf("Sonnet 4.6 entry = %+v", e)
	}
	if e := find(SectionScheduled, "gemini-4-carbon"); e == nil || e.EffectiveFrom != "2026-12-01" || !strings.HasPrefix(e.Value, "$4 in") {
		t.Errorf("Carbon's scheduled price = %+v", e)
	}
	if find(SectionScheduled, "claude-sonnet-5.5") != nil {
		t.Error("a past price is listed as scheduled")
	}
	if e := find(SectionNetwork, "p5.48xlarge us-east-1"); e == nil || e.Value != "3200 Gbit/s each way" || e.Source.Source == "" || e.AsOf == "" {
		t.Errorf("p5.48xlarge's network entry = %+v", e)
	}
	stale := StaleEntries(es, "2026-11-26")
	if len(stale) == 0 {
		t.Fatal("no stale entries; the capacity-block price is from 2024")
	}
	for _, e := range stale {
		if e.AsOf >= "2026-08-28" {
			t.Errorf("%s %s as of %s is within 90 days", e.Section, e.ID, e.AsOf)
		}
	}
}
