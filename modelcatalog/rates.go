package modelcatalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/costgate/costgate/units"
)

// ProviderBedrock is Amazon Bedrock's provider id (its facts are in the
// catalog's providers section).
const ProviderBedrock = "bedrock"

// Bedrock inference-profile kinds: the global cross-region profile bills
// the vendor's list price; a regional (geography-bound) profile and an
// in-region call bill the regional surcharge on top.
const (
	BedrockGlobal   = "global"
	BedrockRegional = "regional"
)

// Usage is how a workload uses a model: what decides which of the model's
// rates apply.
type Usage struct {
	// Date selects the price in effect (YYYY-MM-DD).
	Date string
	// ContextTokens is the prompt a request carries; it selects the
	// prompt-length tier.
	ContextTokens int
	// PeakShare is the share of tokens sent inside the vendor's peak
	// windows (see WorkingHoursPeakShare), 0..1.
	PeakShare float64
	// Provider sells the model; empty means the vendor itself.
	Provider string
	// BedrockProfile is BedrockGlobal (default) or BedrockRegional; it
	// matters only when Provider is Bedrock.
	BedrockProfile string
	// CacheTTL is the cache lifetime asked for; empty means the model's
	// shortest.
	CacheTTL string
	// CacheReadShare and CacheWriteShare are the highest shares of input
	// read from and written to the cache. They decide no rate: a notice
	// about an unknown cache price is given only when it matters.
	CacheReadShare, CacheWriteShare float64
}

// Rates are the per-million-token rates a workload pays, after tier, peak
// share, provider surcharge and discount.
type Rates struct {
	InputPerM      float64
	CacheReadPerM  float64
	CacheWritePerM float64
	OutputPerM     float64
	// Price is the list price entry in effect.
	Price Price
	// Tier is the prompt-length tier applied; nil means the base tier.
	Tier *PriceTier
	// CacheTTL is the lifetime CacheWritePerM is for; empty when the model
	// has no cache-write price and writes bill as input.
	CacheTTL string
	// PeakShare is the share billed at peak rates (0 for a model without).
	PeakShare float64
	// SurchargePercent is the provider's surcharge applied (Bedrock
	// regional profiles).
	SurchargePercent float64
	// Discount is the negotiated discount applied, or nil.
	Discount *Discount
	// Notices explain estimates, fallbacks and expired discounts.
	Notices []Notice
}

// Notice is a remark about how rates were chosen, with a dotted id.
type Notice struct {
	ID      string
	Message string
}

// PerM blends the rates into one price per million tokens for a workload
// whose input share is i, of which c is read from and w written to the
// cache: i × ((1−c−w) × in + c × read + w × write) + (1−i) × out.
func (r Rates) PerM(i, c, w float64) float64 {
	return i*((1-c-w)*r.InputPerM+c*r.CacheReadPerM+w*r.CacheWritePerM) + (1-i)*r.OutputPerM
}

// lineSet is one set of price lines before fallbacks.
type lineSet struct {
	in, out float64
	read    *float64
	write   map[string]float64
}

// Rates resolves what a model costs for the usage: the price in effect on
// the date; the prompt-length tier the context falls in (the whole request
// billed at it); peak and off-peak rates blended by the peak share; the
// cache-write price for the asked lifetime; the Bedrock regional surcharge;
// and the largest negotiated discount that applies. Every price structure
// is computed here and nowhere else.
func (c *Catalog) Rates(m *ManagedModel, u Usage) (Rates, error) {
	price, ok := m.PriceOn(u.Date)
	if !ok {
		return Rates{}, fmt.Errorf("%s has no price in effect on %s", m.ID, u.Date)
	}
	r := Rates{Price: price}
	base := lineSet{in: price.InputPerM, out: price.OutputPerM, read: price.CacheReadPerM, write: price.CacheWritePerM}
	var peak *lineSet
	if t := price.tierFor(u.ContextTokens); t != nil {
		r.Tier = t
		base = lineSet{in: t.InputPerM, out: t.OutputPerM, read: t.CacheReadPerM, write: t.CacheWritePerM}
	} else if price.Peak != nil && u.PeakShare > 0 {
		p := price.Peak
		peak = &lineSet{in: p.InputPerM, out: p.OutputPerM, read: p.CacheReadPerM, write: p.CacheWritePerM}
		r.PeakShare = u.PeakShare
	}

	ttl, notices := chooseTTL(m.ID, base.write, u.CacheTTL, u.CacheWriteShare > 0)
	r.CacheTTL = ttl
	r.Notices = append(r.Notices, notices...)
	if base.read == nil && u.CacheReadShare > 0 {
		r.Notices = append(r.Notices, Notice{ID: "catalog.unknown", Message: fmt.Sprintf(
			"%s has no published cache-read price; cached input is priced at the full input price", m.ID)})
	}
	r.InputPerM, r.CacheReadPerM, r.CacheWritePerM, r.OutputPerM = base.resolve(ttl)
	if peak != nil {
		in, read, write, out := peak.resolve(ttl)
		s := r.PeakShare
		blend := func(off, on float64) float64 { return (1-s)*off + s*on }
		r.InputPerM, r.CacheReadPerM = blend(r.InputPerM, in), blend(r.CacheReadPerM, read)
		r.CacheWritePerM, r.OutputPerM = blend(r.CacheWritePerM, write), blend(r.OutputPerM, out)
	}

	p, err := c.RouteProvider(m, u.Provider)
	if err != nil {
		return Rates{}, err
	}
	factor := 1.0
	if p.InferenceProfiles != nil && u.BedrockProfile == BedrockRegional {
		if p.RegionalSurchargePercent == nil {
			return Rates{}, fmt.Errorf("price %s on a regional inference profile of %s: the catalog has no regional surcharge for it", m.ID, p.Name)
		}
		r.SurchargePercent = p.RegionalSurchargePercent.Value
		factor *= 1 + r.SurchargePercent/100
	}
	d, notices := c.discountFor(m, p.ID, u.Date)
	r.Notices = append(r.Notices, notices...)
	if d != nil {
		r.Discount = d
		factor *= 1 - d.PercentOff/100
	}
	r.InputPerM *= factor
	r.CacheReadPerM *= factor
	r.CacheWritePerM *= factor
	r.OutputPerM *= factor
	return r, nil
}

// resolve returns the four rates, a missing cache price falling back to
// the input price (writes without a premium bill as input; an unknown read
// price is priced at input, and said so).
func (l lineSet) resolve(ttl string) (in, read, write, out float64) {
	in, read, write, out = l.in, l.in, l.in, l.out
	if l.read != nil {
		read = *l.read
	}
	if v, ok := l.write[ttl]; ok {
		write = v
	}
	return in, read, write, out
}

// tierFor returns the highest prompt-length tier the context exceeds.
func (p *Price) tierFor(contextTokens int) *PriceTier {
	var best *PriceTier
	for i := range p.Tiers {
		t := &p.Tiers[i]
		if contextTokens > t.AbovePromptTokens && (best == nil || t.AbovePromptTokens > best.AbovePromptTokens) {
			best = t
		}
	}
	return best
}

// chooseTTL picks the cache-write lifetime: the shortest the model sells
// that lasts at least as long as asked (the model's shortest when nothing
// is asked), or its longest when none lasts that long.
func chooseTTL(id string, write map[string]float64, want string, writes bool) (string, []Notice) {
	if len(write) == 0 {
		if !writes {
			return "", nil
		}
		return "", []Notice{{ID: "price.cache_write", Message: fmt.Sprintf(
			"%s has no cache-write price (implicit caching, or no write premium): cache writes are priced as ordinary input", id)}}
	}
	ttls := make([]string, 0, len(write))
	for k := range write {
		ttls = append(ttls, k)
	}
	slices.SortFunc(ttls, func(a, b string) int { return ttlMinutes(a) - ttlMinutes(b) })
	if want == "" {
		return ttls[0], nil
	}
	for _, t := range ttls {
		if ttlMinutes(t) >= ttlMinutes(want) {
			if t != want && writes {
				return t, []Notice{{ID: "price.cache_ttl", Message: fmt.Sprintf(
					"%s sells no %s cache; writes are priced at its %s lifetime, the shortest that lasts as long", id, want, t)}}
			}
			return t, nil
		}
	}
	longest := ttls[len(ttls)-1]
	var n []Notice
	if writes {
		n = []Notice{{ID: "price.cache_ttl", Message: fmt.Sprintf(
			"%s keeps a cache at most %s, shorter than the %s asked; writes are priced at %s", id, longest, want, longest)}}
	}
	return longest, n
}

// discountFor returns the largest discount in effect for the model bought
// through provider on date — discounts do not stack — and a notice for each
// matching discount that has expired.
func (c *Catalog) discountFor(m *ManagedModel, provider, date string) (*Discount, []Notice) {
	var best *Discount
	var notices []Notice
	for i := range c.Discounts {
		d := &c.Discounts[i]
		if !d.matches(m, provider) {
			continue
		}
		switch {
		case d.EffectiveUntil != "" && d.EffectiveUntil < date:
			notices = append(notices, Notice{ID: "price.discount_expired", Message: fmt.Sprintf(
				"the %g %% discount on %s (%s) expired on %s; %s is priced at list",
				d.PercentOff, d.scope(), d.Source.Source, d.EffectiveUntil, m.ID)})
		case d.EffectiveFrom != "" && d.EffectiveFrom > date:
		case best == nil || d.PercentOff > best.PercentOff:
			best = d
		}
	}
	return best, notices
}

// matches reports whether the discount covers the model bought through
// provider.
func (d *Discount) matches(m *ManagedModel, provider string) bool {
	if d.Model != "" && d.Model != m.ID {
		return false
	}
	if d.Vendor != "" && d.Vendor != m.Vendor {
		return false
	}
	want := d.Provider
	if want == "" {
		want = m.Vendor
	}
	return want == provider
}

// scope names what a discount covers, for messages.
func (d *Discount) scope() string {
	var parts []string
	if d.Model != "" {
		parts = append(parts, d.Model)
	}
	if d.Vendor != "" {
		parts = append(parts, d.Vendor+" models")
	}
	if d.Provider != "" {
		parts = append(parts, "via "+d.Provider)
	}
	return strings.Join(parts, " ")
}

// Describe renders the rates, as a plan's line item shows them:
// "$2 in / $0.1 cache read / $2.5 cache write (5m) / $10 out per M".
func (r Rates) Describe() string {
	write := units.USD(r.CacheWritePerM).Rate() + " cache write"
	if r.CacheTTL != "" {
		write += " (" + r.CacheTTL + ")"
	}
	return fmt.Sprintf("%s in / %s cache read / %s / %s out per M",
		units.USD(r.InputPerM).Rate(), units.USD(r.CacheReadPerM).Rate(), write, units.USD(r.OutputPerM).Rate())
}

// Basis says which price and adjustments the rates come from: "list price
// effective 2026-10-07; prompt > 100000 tokens tier; 15 % discount until
// 2027-06-30".
func (r Rates) Basis() string {
	parts := []string{"list price effective " + r.Price.EffectiveFrom}
	if r.Price.EffectiveUntil != "" {
		parts[0] += " until " + r.Price.EffectiveUntil
	}
	if r.Tier != nil {
		parts = append(parts, fmt.Sprintf("prompt > %d tokens tier", r.Tier.AbovePromptTokens))
	}
	if r.PeakShare > 0 {
		parts = append(parts, fmt.Sprintf("%s %% of tokens at peak rates", FormatPerM(r.PeakShare*100)))
	}
	if r.SurchargePercent != 0 {
		parts = append(parts, fmt.Sprintf("Bedrock regional profile +%g %%", r.SurchargePercent))
	}
	if d := r.Discount; d != nil {
		s := fmt.Sprintf("%g %% negotiated discount", d.PercentOff)
		if d.EffectiveUntil != "" {
			s += " until " + d.EffectiveUntil
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// FormatPerM prints a price with at most four decimals and no trailing
// zeros, so that float noise (2.75 × 1.1) never reaches a report.
func FormatPerM(v float64) string { return units.Decimal(v) }
