package plan

// Managed routes against their providers' rate limits: a provider caps the
// tokens and the requests a minute one organisation or account may send a
// model, and a team routed to one model at peak can need many times the
// default.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// RateLimitWarning is the warning on an option whose managed route needs
// more tokens a minute at peak than its provider's limit: a warning, not a
// denial, since providers raise limits on request.
const RateLimitWarning = "managed.rate_limit"

// RoutePeak is one managed route's load at the team's peak, in tokens a
// minute: one model through one provider, summed over the workloads it
// serves, at the expected (midpoint) inputs, as the fleet is sized. The
// input is split as it is priced: uncached, read from and written to the
// prompt cache.
type RoutePeak struct {
	Model            string   `json:"model"`
	Provider         string   `json:"provider"`
	Workloads        []string `json:"workloads"`
	UncachedInputTPM float64  `json:"uncached_input_tpm"`
	CacheReadTPM     float64  `json:"cache_read_tpm"`
	CacheWriteTPM    float64  `json:"cache_write_tpm"`
	OutputTPM        float64  `json:"output_tpm"`
	// RequestsPerMinute is the requests a minute at peak: each workload's
	// input over its context_tokens, the input a request carries (as the
	// fleet is sized).
	RequestsPerMinute float64 `json:"requests_per_minute"`
}

// InputTPM is the input a limit counts: uncached and written tokens, and
// those read from the cache when the provider counts them.
func (r RoutePeak) InputTPM(cacheReads bool) float64 {
	in := r.UncachedInputTPM + r.CacheWriteTPM
	if cacheReads {
		in += r.CacheReadTPM
	}
	return in
}

// Counted is the tokens a minute a combined limit (TPM) counts: the input
// it counts, and the output at the limit's weight when it counts output.
func (r RoutePeak) Counted(l modelcatalog.RateLimit) float64 {
	n := r.InputTPM(l.CacheReadsCount)
	if l.Counts != modelcatalog.CountsInput {
		n += l.Weight() * r.OutputTPM
	}
	return n
}

// routePeaks sums each managed route's peak over the workloads sharing
// its model and provider: the team's monthly tokens over its working
// minutes, times peak_to_average, split by input share and cache shares;
// its requests are each workload's input over its context.
func routePeaks(routes []Route, s *spec.Spec) []RoutePeak {
	t := s.Team
	if t.WorkingHoursPerMonth <= 0 {
		return nil
	}
	perMinute := t.Developers.Mid() * t.TokensPerDeveloper.Mid() / (t.WorkingHoursPerMonth * 60) * t.PeakToAverage.Mid()
	in, read, write := t.InputShare.Mid(), t.CachedInputShare.Mid(), t.CacheWriteShare.Mid()
	var out []RoutePeak
	for _, r := range routes {
		if r.ServedBy != architecture.Managed {
			continue
		}
		i := slices.IndexFunc(out, func(p RoutePeak) bool { return p.Model == r.Model && p.Provider == r.Provider })
		if i < 0 {
			out = append(out, RoutePeak{Model: r.Model, Provider: r.Provider})
			i = len(out) - 1
		}
		rate := perMinute * r.Share
		p := &out[i]
		p.Workloads = append(p.Workloads, r.Workload)
		p.UncachedInputTPM += rate * in * max(1-read-write, 0)
		p.CacheReadTPM += rate * in * read
		p.CacheWriteTPM += rate * in * write
		p.OutputTPM += rate * (1 - in)
		if w, ok := workloadNamed(s, r.Workload); ok && w.ContextTokens > 0 {
			p.RequestsPerMinute += rate * in / float64(w.ContextTokens)
		}
	}
	return out
}

// MarshalJSON writes the rates in whole tokens a minute, the requests to
// a tenth.
func (r RoutePeak) MarshalJSON() ([]byte, error) {
	type whole RoutePeak
	w := whole(r)
	w.UncachedInputTPM, w.CacheReadTPM, w.CacheWriteTPM, w.OutputTPM = math.Round(r.UncachedInputTPM), math.Round(r.CacheReadTPM), math.Round(r.CacheWriteTPM), math.Round(r.OutputTPM)
	w.RequestsPerMinute = math.Round(r.RequestsPerMinute*10) / 10
	return json.Marshal(w)
}

// rateLimitWarnings fills each option's managed route peaks and warns
// (managed.rate_limit) on every route above a limit the catalog knows for
// its model and provider. An unknown limit says nothing.
func rateLimitWarnings(p *Plan, s *spec.Spec, cat *modelcatalog.Catalog) {
	for i := range p.Options {
		o := &p.Options[i]
		o.RoutePeaks = routePeaks(o.Routes, s)
		for _, r := range o.RoutePeaks {
			if msg := rateLimitMessage(o.Architecture, r, cat, s.Managed.BedrockProfile); msg != "" {
				o.Warnings = append(o.Warnings, Finding{Policy: RateLimitWarning, Option: o.Architecture, Message: msg})
			}
		}
	}
}

// rateLimitMessage says how far a route's peak exceeds its provider's
// limits, and what to request; "" when it does not or no limit is known.
func rateLimitMessage(arch architecture.Name, r RoutePeak, cat *modelcatalog.Catalog, profile string) string {
	m, ok := cat.ManagedModel(r.Model)
	if !ok {
		return ""
	}
	prov, err := cat.RouteProvider(m, r.Provider)
	if err != nil {
		return ""
	}
	l, ok := m.RateLimit(prov.ID)
	if !ok || !l.Known() {
		return ""
	}
	var over []string
	tier := "the " + l.Tier + " tier's"
	if l.Tier == "default" {
		tier = "the default quota's"
	}
	check := func(what string, need float64, limit *float64) {
		if limit != nil && need > *limit {
			over = append(over, fmt.Sprintf("%s %s tokens a minute against %s %s (%s×)",
				units.Count(need), what, tier, units.Count(*limit), units.Multiple(need / *limit)))
		}
	}
	reads := "cache reads not counted"
	if l.CacheReadsCount {
		reads = "cache reads counted"
	}
	check("input ("+reads+")", r.InputTPM(l.CacheReadsCount), l.InputTPM)
	check("output", r.OutputTPM, l.OutputTPM)
	if l.TPM != nil {
		what := "input and output"
		switch {
		case l.Counts == modelcatalog.CountsInput:
			what = "input (" + reads + ")"
		case l.Weight() != 1:
			what = fmt.Sprintf("input and %g × output", l.Weight())
		}
		check(what, r.Counted(l), l.TPM)
	}
	if l.RPM != nil && r.RequestsPerMinute > *l.RPM {
		over = append(over, fmt.Sprintf("%s requests a minute against %s %s (%s×)",
			units.Count(r.RequestsPerMinute), tier, units.Count(*l.RPM), units.Multiple(r.RequestsPerMinute / *l.RPM)))
	}
	if len(over) == 0 {
		return ""
	}
	basis := "the catalog's figure as of " + l.Source.AsOf
	if l.Estimate {
		basis += ", an estimate"
	}
	quota := l.QuotaName
	if profile == modelcatalog.BedrockRegional && l.RegionalQuotaName != "" {
		quota = l.RegionalQuotaName
	}
	if quota != "" {
		quota = fmt.Sprintf(" (quota %q, %s)", quota, l.ServiceCode)
	}
	return fmt.Sprintf("%s routes %s (%s) to %s through %s, which at the team's peak needs %s (%s): expect HTTP 429 at peak from the first day; %s raises limits on request: %s%s",
		arch, units.Plural(len(r.Workloads), "workload"), units.AndList(r.Workloads), r.Model, prov.Name, strings.Join(over, " and "),
		basis, prov.Name, l.Raise, quota)
}
