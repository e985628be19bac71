package costmodel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
)

const pricingBase = `
team "t" {
  developers           = 100
  tokens_per_developer = 1e6
  cached_input_share   = 0.5
  cache_write_share    = %v
  %s
  cost_center          = "x"
}
workload "agent" {
  share          = 1
  complexity     = "complex"
  context_tokens = %d
}
managed {
  complex_model = "%s"
  %s
}
`

func pricingSpec(t *testing.T, w float64, team string, ctx int, model, managed string) string {
	t.Helper()
	return fmt.Sprintf(pricingBase, w, team, ctx, model, managed)
}

func tokenItem(t *testing.T, r *Result) LineItem {
	t.Helper()
	for _, it := range r.Option(architecture.Managed).LineItems {
		if it.Name == "tokens: agent" {
			return it
		}
	}
	t.Fatal("no token line")
	return LineItem{}
}

// TestManagedPriceStructures prices one workload of 100 developers × 1M
// tokens = 100M tokens a month (80M input: 40M cached reads, w × 80M
// writes, the rest plain input; 20M output) through each price structure,
// by hand.
func TestManagedPriceStructures(t *testing.T) {
	tests := []struct {
		name                string
		w                   float64
		team, model, manage string
		ctx                 int
		date                string
		want                float64
		note                string
	}{
		// Sonnet 4.6, w = 0: 80 × (0.5 × 3 + 0.5 × 0.3) + 20 × 15 = 132 + 300 = 432.
		{name: "contract formula at w = 0", model: "claude-sonnet-4.6", ctx: 32768, want: 432,
			note: "claude-sonnet-4.6 via anthropic, list price effective 2026-02-17: $3 in / $0.3 cache read / $3.75 cache write (5m) / $15 out per M"},
		// w = 0.2 (5m writes at 3.75): 80 × (0.3 × 3 + 0.5 × 0.3 + 0.2 × 3.75) + 300 = 80 × 1.8 + 300 = 444.
		{name: "5-minute cache writes", w: 0.2, model: "claude-sonnet-4.6", ctx: 32768, want: 444},
		// 1h writes at 6: 80 × (0.9 + 0.15 + 1.2) + 300 = 480.
		{name: "1-hour cache writes", w: 0.2, team: `cache_ttl = "1h"`, model: "claude-sonnet-4.6", ctx: 32768, want: 480},
		// Haiku above 100K: 80 × (0.5 × 0.5 + 0.5 × 0.05) + 20 × 2.5 = 22 + 50 = 72.
		{name: "Haiku long-prompt tier", model: "claude-haiku-5.5", ctx: 150000, want: 72,
			note: "claude-haiku-5.5 via anthropic, list price effective 2026-10-07; prompt > 100000 tokens tier: $0.5 in / $0.05 cache read / $0.625 cache write (5m) / $2.5 out per M"},
		// Haiku base: 80 × (0.05 + 0.005) + 20 × 0.5 = 4.4 + 10 = 14.4.
		{name: "Haiku base tier", model: "claude-haiku-5.5", ctx: 32768, want: 14.4},
		// Sol above 272K: 80 × (0.5 × 4 + 0.5 × 0.2) + 20 × 15 = 168 + 300 = 468.
		{name: "OpenAI long-input tier", model: "gpt-6.2-sol", ctx: 300000, want: 468},
		// Regional Bedrock: 432 × 1.1 = 475.2.
		{name: "Bedrock regional profile", model: "claude-sonnet-4.6", ctx: 32768, manage: "provider = \"bedrock\"\n  bedrock_profile = \"regional\"", want: 475.2,
			note: "claude-sonnet-4.6 via bedrock, list price effective 2026-02-17; Bedrock regional profile +10 %: $3.3 in / $0.33 cache read / $4.125 cache write (5m) / $16.5 out per M"},
		{name: "Bedrock global profile", model: "claude-sonnet-4.6", ctx: 32768, manage: `provider = "bedrock"`, want: 432},
		// DeepSeek V4.1 Flash from Shanghai: peak share 6/8 (TestWorkingHoursPeakShare).
		// in 2/8 × 0.15 + 6/8 × 0.30 = 0.2625; read 2/8 × 0.003 + 6/8 × 0.006 = 0.00525;
		// out 2/8 × 0.6 + 6/8 × 1.2 = 1.05.
		// 80 × (0.5 × 0.2625 + 0.5 × 0.00525) + 20 × 1.05 = 10.71 + 21 = 31.71.
		{name: "DeepSeek peak hours from Shanghai", team: `timezone = "Asia/Shanghai"`, model: "deepseek-v4.1-flash", ctx: 32768, want: 31.71},
		// From New York no working hour is peak: 80 × (0.075 + 0.0015) + 20 × 0.6 = 6.12 + 12 = 18.12.
		{name: "DeepSeek off-peak from New York", team: `timezone = "America/New_York"`, model: "deepseek-v4.1-flash", ctx: 32768, want: 18.12},
		// Carbon on either side of its change: 80 × (1 + 0.05) + 200 = 284; doubled 568.
		{name: "Carbon the day before it doubles", model: "gemini-4-carbon", ctx: 32768, date: "2026-11-30", want: 284},
		{name: "Carbon the day it doubles", model: "gemini-4-carbon", ctx: 32768, date: "2026-12-01", want: 568},
		{name: "Carbon the day after", model: "gemini-4-carbon", ctx: 32768, date: "2026-12-02", want: 568},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := tt.date
			if date == "" {
				date = "2026-11-26"
			}
			s := parse(t, "p.hcl", pricingSpec(t, tt.w, tt.team, tt.ctx, tt.model, tt.manage))
			r, err := Evaluate(s, modelcatalog.Default(), date)
			if err != nil {
				t.Fatal(err)
			}
			it := tokenItem(t, r)
			if !near(it.MonthlyUSD.Expected, tt.want) {
				t.Errorf("tokens = $%.4f, want $%.4f", it.MonthlyUSD.Expected, tt.want)
			}
			if tt.note != "" && it.Note != tt.note {
				t.Errorf("note = %q\nwant   %q", it.Note, tt.note)
			}
		})
	}
}

// TestCacheWriteShareRange: a cache_write_share range is a range input, so
// it spreads the managed option's low and high.
func TestCacheWriteShareRange(t *testing.T) {
	s := parse(t, "p.hcl", strings.Replace(pricingSpec(t, 0, "", 32768, "claude-sonnet-4.6", ""), "cache_write_share    = 0", "cache_write_share    = [0, 0.2]", 1))
	r, err := Evaluate(s, modelcatalog.Default(), "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	// 432 at w = 0, 444 at w = 0.2 (above), 438 at the midpoint; plus the $0.40 secret.
	got := r.Option(architecture.Managed).MonthlyUSD
	if !near(got.Low, 432.4) || !near(got.Expected, 438.4) || !near(got.High, 444.4) {
		t.Errorf("total = %+v, want 432.40 / 438.40 / 444.40", got)
	}
}

func notesByID(r *Result, id string) []string {
	var out []string
	for _, n := range r.Notes {
		if n.ID == id {
			out = append(out, n.Message)
		}
	}
	return out
}

// TestScheduledChange: the plan warns of Carbon's rise within 90 days,
// with its monthly effect (284 → 568, +284), and not once it is in effect
// or when it is further off.
func TestScheduledChange(t *testing.T) {
	s := parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "gemini-4-carbon", ""))
	tests := []struct {
		date string
		want string
	}{
		{"2026-11-30", "gemini-4-carbon's rates change on 2026-12-01, in 1 day (list price effective 2026-12-01): $4 in / $0.2 cache read / $4 cache write / $20 out per M, was $2 in / $0.1 cache read / $2 cache write / $10 out per M; at the expected usage the managed option's tokens on it (agent) rise by $284.00 a month, from $284.00 to $568.00"},
		{"2026-12-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			r, err := Evaluate(s, modelcatalog.Default(), tt.date)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(notesByID(r, "price.scheduled_change"), "\n")
			if got != tt.want {
				t.Errorf("notes = %q\nwant    %q", got, tt.want)
			}
		})
	}
	// Gemini 3.8 Flash's promotion ends 2026-12-31: on 2026-10-01 that is
	// 92 days off, beyond the horizon; on 2026-10-03, 90 days, within it.
	flash := parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "gemini-3.8-flash", ""))
	for date, want := range map[string]int{"2026-10-01": 0, "2026-10-03": 1} {
		r, err := Evaluate(flash, modelcatalog.Default(), date)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(notesByID(r, "price.scheduled_change")); got != want {
			t.Errorf("%s: %d scheduled-change notes, want %d: %v", date, got, want, r.Notes)
		}
	}
}

// TestLegacyModel: Sonnet 4.6 names its successor and the saving, by hand:
// Sonnet 5.5 costs 80 × (0.5 × 2 + 0.5 × 0.1) + 20 × 10 = 84 + 200 = 284
// against 432, a saving of 148.
func TestLegacyModel(t *testing.T) {
	r := evaluate(t, parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "claude-sonnet-4.6", "")))
	want := "claude-sonnet-4.6 is legacy; its successor is claude-sonnet-5.5. Moving agent to it would save $148.00 a month at the expected usage ($284.00 instead of $432.00), on price alone"
	if got := strings.Join(notesByID(r, "model.legacy"), "\n"); got != want {
		t.Errorf("note = %q\nwant   %q", got, want)
	}
	// Before its successor was sold, a model was not legacy yet.
	early, err := Evaluate(parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "claude-sonnet-4.6", "")), modelcatalog.Default(), "2026-06-22")
	if err != nil {
		t.Fatal(err)
	}
	if got := notesByID(early, "model.legacy"); len(got) != 0 {
		t.Errorf("on the article's date: %v", got)
	}
	if got := notesByID(evaluate(t, parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "claude-sonnet-5.5", ""))), "model.legacy"); len(got) != 0 {
		t.Errorf("a latest model drew %v", got)
	}
}

// TestDiscountExpiry: a price book's discount applies through its last day
// (432 × 0.85 = 367.2), and the day after the plan prices at list and says
// the discount expired; within 90 days of the expiry the plan warns of it.
func TestDiscountExpiry(t *testing.T) {
	cat := modelcatalog.Merge(modelcatalog.Default(), &modelcatalog.Catalog{Discounts: []modelcatalog.Discount{{
		Vendor: "anthropic", PercentOff: 15, EffectiveUntil: "2027-06-30",
		Source: modelcatalog.Source{Source: "MSA 2026-07", AsOf: "2026-07-01"},
	}}})
	s := parse(t, "p.hcl", pricingSpec(t, 0, "", 32768, "claude-sonnet-4.6", ""))
	tests := []struct {
		date          string
		want          float64
		expired, soon bool
	}{
		{"2027-06-30", 367.2, false, true},
		{"2027-07-01", 432, true, false},
		{"2026-11-26", 367.2, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			r, err := Evaluate(s, cat, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			if got := tokenItem(t, r).MonthlyUSD.Expected; !near(got, tt.want) {
				t.Errorf("tokens = %.2f, want %.2f", got, tt.want)
			}
			expired := false
			for _, n := range r.Option(architecture.Managed).Notes {
				expired = expired || n.ID == "price.discount_expired"
			}
			if expired != tt.expired {
				t.Errorf("expired note = %v, want %v: %v", expired, tt.expired, r.Option(architecture.Managed).Notes)
			}
			if soon := len(notesByID(r, "price.scheduled_change")) > 0; soon != tt.soon {
				t.Errorf("scheduled-change note = %v, want %v: %v", soon, tt.soon, r.Notes)
			}
		})
	}
}
