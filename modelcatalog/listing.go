package modelcatalog

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/costgate/costgate/units"
)

// StaleEntryDays is the age past which a single figure is listed as stale
// by `costgate catalog --stale`: managed prices move monthly, so a figure
// unreviewed for a quarter is due a look.
const StaleEntryDays = 90

// Sections of a catalog listing, in the order they are listed.
const (
	SectionManaged   = "managed"
	SectionScheduled = "scheduled"
	SectionDiscount  = "discount"
	SectionProvider  = "provider"
	SectionQuality   = "quality"
	SectionTTFT      = "ttft"
	// SectionRateLimit lists each provider's default rate limit on a model.
	SectionRateLimit = "rate_limit"
	SectionOpenModel = "open_model"
	// SectionArchitecture lists the models costgate perf sizes but plans
	// do not choose (no quality scores).
	SectionArchitecture = "architecture"
	SectionGPU          = "gpu"
	SectionGPUHour      = "gpu_hour"
	// SectionNetwork lists each instance type's network to the others.
	SectionNetwork    = "instance_network"
	SectionThroughput = "throughput"
	SectionLineItem   = "line_item"
	SectionTasks      = "tokens_per_task"
)

// Entry is one sourced figure of the catalog, as a listing shows it.
type Entry struct {
	Section string `json:"section"`
	ID      string `json:"id"`
	// Value is the figure in words: "$2 in / $0.1 cache read / … per M".
	Value          string `json:"value"`
	Status         string `json:"status,omitempty"`
	Successor      string `json:"successor,omitempty"`
	APIID          string `json:"api_id,omitempty"`
	EffectiveFrom  string `json:"effective_from,omitempty"`
	EffectiveUntil string `json:"effective_until,omitempty"`
	Source
}

// Entries lists the catalog's figures for date: each managed model's price
// in effect (and the prices scheduled after it), discounts, providers,
// quality scores and TTFTs, open models, GPUs, GPU-hour prices, instance
// networks, throughput, line items and tokens per task — each with its
// source and as_of.
func (c *Catalog) Entries(date string) []Entry {
	out := c.managedEntries(date)
	out = append(out, c.openEntries()...)
	return append(out, c.hardwareEntries()...)
}

// managedEntries lists the managed models' prices in effect on date, then
// the prices scheduled after it, discounts, providers, quality scores
// and TTFTs.
func (c *Catalog) managedEntries(date string) []Entry {
	var out, scheduled []Entry
	for _, m := range c.Managed {
		e := Entry{Section: SectionManaged, ID: m.ID, Status: m.Status, Successor: m.Successor, APIID: m.APIID}
		if p, ok := m.PriceOn(date); ok {
			e.Value, e.EffectiveFrom, e.EffectiveUntil, e.Source = DescribePrice(p), p.EffectiveFrom, p.EffectiveUntil, p.Source
		} else {
			e.Value, e.Source = "no price in effect on "+date, m.Source
		}
		out = append(out, e)
		for _, p := range m.Prices {
			if p.EffectiveFrom > date {
				scheduled = append(scheduled, Entry{Section: SectionScheduled, ID: m.ID, Value: DescribePrice(p),
					EffectiveFrom: p.EffectiveFrom, EffectiveUntil: p.EffectiveUntil, Source: p.Source})
			}
		}
	}
	out = append(out, scheduled...)
	for _, d := range c.Discounts {
		out = append(out, Entry{Section: SectionDiscount, ID: d.scope(), Value: fmt.Sprintf("%g %% off", d.PercentOff),
			EffectiveFrom: d.EffectiveFrom, EffectiveUntil: d.EffectiveUntil, Source: d.Source})
	}
	out = append(out, c.providerEntries()...)
	for _, m := range c.Managed {
		out = append(out, qualityEntries(m.ID, m.Quality)...)
		if m.TTFTMs != nil {
			out = append(out, Entry{Section: SectionTTFT, ID: m.ID, Value: fmt.Sprintf("%g ms p95, short prompt", m.TTFTMs.Value), Source: m.TTFTMs.Source})
		}
		for _, p := range sortedKeys(m.TTFTByProvider) {
			f := m.TTFTByProvider[p]
			out = append(out, Entry{Section: SectionTTFT, ID: m.ID + " via " + p, Value: fmt.Sprintf("%g ms p95, short prompt", f.Value), Source: f.Source})
		}
		for _, p := range sortedKeys(m.RateLimits) {
			r := m.RateLimits[p]
			out = append(out, Entry{Section: SectionRateLimit, ID: m.ID + " via " + p, Value: r.Describe(), Source: r.Source})
		}
	}
	if f := c.ManagedPromptMsPerToken; f != nil {
		out = append(out, Entry{Section: SectionTTFT, ID: "each uncached prompt token", Value: fmt.Sprintf("+%g ms p95", f.Value), Source: f.Source})
	}
	return out
}

// qualityEntries lists a model's quality score per complexity.
func qualityEntries(id string, q map[string]Figure) []Entry {
	var out []Entry
	for _, k := range sortedKeys(q) {
		out = append(out, Entry{Section: SectionQuality, ID: id + " " + k, Value: fmt.Sprintf("%g", q[k].Value), Source: q[k].Source})
	}
	return out
}

// openEntries lists the open models with their quality scores, then the
// architecture-only entries.
func (c *Catalog) openEntries() []Entry {
	var out []Entry
	for _, m := range c.OpenModels {
		out = append(out, Entry{Section: SectionOpenModel, ID: m.ID, Value: fmt.Sprintf("%gB params (%gB active), %d layers, %d KV heads × %d, %s %g GB",
			m.ParamsB, m.ActiveParamsB, m.Layers, m.KVHeads, m.HeadDim, m.WeightsDType, m.WeightsGB), Source: m.Source})
		out = append(out, qualityEntries(m.ID, m.Quality)...)
	}
	for _, m := range c.Architectures {
		out = append(out, Entry{Section: SectionArchitecture, ID: m.ID, Value: fmt.Sprintf("%s: %gB params (%gB active), %d layers, %d KV heads × %d, %s %g GB",
			m.HFRepo, m.ParamsB, m.ActiveParamsB, m.Layers, m.KVHeads, m.HeadDim, m.WeightsDType, m.WeightsGB), Source: m.Source})
	}
	return out
}

// hardwareEntries lists GPUs, GPU-hour prices, instance networks,
// throughput, line items and tokens per task.
func (c *Catalog) hardwareEntries() []Entry {
	var out []Entry
	for _, g := range c.GPUs {
		v := fmt.Sprintf("%g GB", g.MemoryGB)
		if g.MemoryBandwidthGBs > 0 {
			v += fmt.Sprintf(", %g GB/s, BF16 %g TFLOPS dense, %s", g.MemoryBandwidthGBs, g.BF16TFLOPS, g.Interconnect)
		}
		out = append(out, Entry{Section: SectionGPU, ID: g.ID, Value: v, Source: g.Source})
	}
	for _, in := range c.Instances {
		for _, pm := range sortedKeys(in.GPUHourUSD) {
			p := in.GPUHourUSD[pm]
			v := units.USD(p.Low).Rate()
			if p.High != p.Low {
				v += "–" + FormatPerM(p.High)
			}
			out = append(out, Entry{Section: SectionGPUHour, ID: fmt.Sprintf("%s %s %s", in.Type, in.Region, pm),
				Value: v + " per GPU-hour", Source: p.Source})
		}
	}
	for _, in := range c.Instances {
		if f := in.NetworkGbps; f != nil {
			out = append(out, Entry{Section: SectionNetwork, ID: in.Type + " " + in.Region,
				Value: fmt.Sprintf("%g Gbit/s each way", f.Value), Source: f.Source})
		}
	}
	for _, t := range c.Throughput {
		out = append(out, Entry{Section: SectionThroughput, ID: throughputKey(t),
			Value: fmt.Sprintf("%g prefill / %g decode tok/s, TTFT %g ms at %d in flight", t.PrefillTokS, t.DecodeTokS, t.TTFTMs, t.Concurrency), Source: t.Source})
	}
	for _, l := range c.FixedCosts {
		v := units.USD(l.MonthlyUSD).Rate() + " a month"
		if l.Per != "" {
			v += " per " + l.Per
		}
		out = append(out, Entry{Section: SectionLineItem, ID: l.Name, Value: v, Source: l.Source})
	}
	for _, k := range sortedKeys(c.TokensPerTask) {
		out = append(out, Entry{Section: SectionTasks, ID: k, Value: fmt.Sprintf("%g tokens", c.TokensPerTask[k].Value), Source: c.TokensPerTask[k].Source})
	}
	return out
}

// StaleEntries keeps the entries whose as_of is more than StaleEntryDays
// before date (YYYY-MM-DD), in listing order; an unreadable as_of counts
// as stale.
func StaleEntries(entries []Entry, date string) []Entry {
	on, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil
	}
	cutoff := on.AddDate(0, 0, -StaleEntryDays).Format(time.DateOnly)
	var out []Entry
	for _, e := range entries {
		if _, err := time.Parse(time.DateOnly, e.AsOf); err != nil || e.AsOf < cutoff {
			out = append(out, e)
		}
	}
	return out
}

// DescribePrice renders a list price with its structure: "$2 in / $0.1
// cache read / cache write $2.5 (5m), $4 (1h) / $10 out per M; prompt >
// 100000 tokens: …; peak (…): …".
func DescribePrice(p Price) string {
	s := describeLines(p.InputPerM, p.CacheReadPerM, p.CacheWritePerM, p.OutputPerM)
	for _, t := range p.Tiers {
		s += fmt.Sprintf("; prompt > %d tokens: %s", t.AbovePromptTokens, describeLines(t.InputPerM, t.CacheReadPerM, t.CacheWritePerM, t.OutputPerM))
	}
	if pk := p.Peak; pk != nil {
		var w []string
		for _, x := range pk.WindowsUTC {
			w = append(w, fmt.Sprintf("%s %s-%s", strings.Join(x.Days, ","), x.From, x.Until))
		}
		s += fmt.Sprintf("; peak (%s UTC): %s", strings.Join(w, " and "), describeLines(pk.InputPerM, pk.CacheReadPerM, pk.CacheWritePerM, pk.OutputPerM))
	}
	return s
}

func describeLines(in float64, read *float64, write map[string]float64, out float64) string {
	parts := []string{units.USD(in).Rate() + " in"}
	if read != nil {
		parts = append(parts, units.USD(*read).Rate()+" cache read")
	} else {
		parts = append(parts, "cache read unknown")
	}
	if len(write) > 0 {
		ttls := make([]string, 0, len(write))
		for k := range write {
			ttls = append(ttls, k)
		}
		sort.Slice(ttls, func(i, j int) bool { return ttlMinutes(ttls[i]) < ttlMinutes(ttls[j]) })
		var w []string
		for _, t := range ttls {
			w = append(w, fmt.Sprintf("%s (%s)", units.USD(write[t]).Rate(), t))
		}
		parts = append(parts, "cache write "+strings.Join(w, ", "))
	}
	parts = append(parts, units.USD(out).Rate()+" out per M")
	return strings.Join(parts, " / ")
}

// providerEntries lists each provider's route (LiteLLM prefix and
// credentials), its cache lifetimes, regional surcharge and inference
// profiles.
func (c *Catalog) providerEntries() []Entry {
	var out []Entry
	for _, p := range c.Providers {
		route := fmt.Sprintf("%s: LiteLLM %s/<model>, ", p.Name, p.LiteLLM.Prefix)
		if p.KeyedByAPIKey() {
			route += "API key in " + p.APIKeyEnv
		} else {
			route += "the gateway role's IAM credentials"
		}
		out = append(out, Entry{Section: SectionProvider, ID: p.ID, Value: route, Source: p.Source})
		if pc := p.PromptCache; pc != nil {
			out = append(out, Entry{Section: SectionProvider, ID: p.ID + " prompt_cache",
				Value: "cache writes for " + strings.Join(pc.TTLs, ", "), Source: pc.Source})
		}
		if f := p.RegionalSurchargePercent; f != nil {
			out = append(out, Entry{Section: SectionProvider, ID: p.ID + " regional_surcharge_percent",
				Value: fmt.Sprintf("+%g %% on every line for regional profiles", f.Value), Source: f.Source})
		}
		if ip := p.InferenceProfiles; ip != nil {
			out = append(out, Entry{Section: SectionProvider, ID: p.ID + " inference_profiles",
				Value: fmt.Sprintf("global %s; regional %s", strings.Join(ip.GlobalPrefixes, " "), strings.Join(ip.RegionalPrefixes, " ")), Source: ip.Source})
		}
	}
	return out
}

// Describe says a rate limit in one line: "Scale: 4,000,000 input and
// 800,000 output tokens/min, cache reads not counted".
func (r RateLimit) Describe() string {
	var parts []string
	if r.InputTPM != nil {
		parts = append(parts, fmt.Sprintf("%s input", units.Count(*r.InputTPM)))
	}
	if r.OutputTPM != nil {
		parts = append(parts, fmt.Sprintf("%s output", units.Count(*r.OutputTPM)))
	}
	if r.TPM != nil {
		what := "input and output"
		if r.Counts == CountsInput {
			what = "input"
		}
		if r.Weight() != 1 {
			what = fmt.Sprintf("input and %g × output", r.Weight())
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", units.Count(*r.TPM), what))
	}
	tokens := r.TokensKnown()
	limit := "limit unknown"
	if tokens {
		limit = strings.Join(parts, " and ") + " tokens/min"
	} else if r.OutputWeight > 0 {
		limit = fmt.Sprintf("limit unknown (counts input and %g × output)", r.Weight())
	}
	if r.RPM != nil {
		requests := units.Count(*r.RPM) + " requests/min"
		if tokens {
			limit += " and " + requests
		} else {
			limit = requests + ", tokens " + limit
		}
	}
	s := r.Tier + ": " + limit
	switch {
	case r.CacheReadsCount:
		s += ", cache reads counted"
	case tokens || r.OutputWeight > 0:
		s += ", cache reads not counted"
	}
	if r.QuotaName != "" {
		s += fmt.Sprintf("; quota %q", r.QuotaName)
	}
	return s
}
