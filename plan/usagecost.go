package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/costmodel"
	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
	"github.com/costgate/costgate/usage"
)

// Measured usage is priced model by model: the measured spec (pooled
// shares) sizes the fleets and prices everything but the managed tokens;
// each managed token line is priced from the tokens of the model that
// served its complexity, with that model's own input, cache and output
// shares, at the line's rates. A measured model that is none of the spec's
// is priced at its own catalog rates (for the part of the load the option
// sends to managed APIs), and named.

// modelCost is one measured model's share of an option's measured cost.
type modelCost struct {
	id     string
	usd    float64
	tokens usage.Buckets
}

// perModel is an option's managed token cost at the measured usage, model
// by model.
type perModel struct {
	// delta is the per-model token cost less the pooled token lines.
	delta  float64
	models []modelCost
	notes  []string
}

// measuredByModel prices an option's managed token lines per measured
// model. o is the option as the measured spec priced it.
func measuredByModel(s *spec.Spec, t *usage.Tokens, o costmodel.Option, cat *modelcatalog.Catalog, date string) (perModel, error) {
	var pm perModel
	if len(t.ModelBuckets) == 0 {
		return pm, nil
	}
	byModel := map[string]*modelCost{}
	add := func(id string, usd float64, b usage.Buckets) {
		mc := byModel[id]
		if mc == nil {
			mc = &modelCost{id: id}
			byModel[id] = mc
		}
		mc.usd += usd
		mc.tokens.Uncached += b.Uncached
		mc.tokens.CacheRead += b.CacheRead
		mc.tokens.CacheWrite += b.CacheWrite
		mc.tokens.Output += b.Output
	}
	served, split := servingModels(s, t)
	cxShare := map[string]float64{}
	var all float64
	for _, w := range s.Workloads {
		cxShare[w.Complexity] += w.Share
		all += w.Share
	}
	routes := map[string]costmodel.Route{}
	for _, r := range o.Routes {
		routes[r.Workload] = r
	}
	var pooled, managedShare, lineUSD, lineTokens float64
	var lines []managedLine
	for _, li := range o.LineItems {
		w, ok := workload(s, li.Workload)
		if !ok || li.Model == "" {
			continue
		}
		pooled += li.MonthlyUSD.Expected
		managedShare += w.Share / all
		mm, ok := cat.ManagedModel(li.Model)
		if !ok {
			return pm, fmt.Errorf("price the measured usage: %s is not a managed model", li.Model)
		}
		lines = append(lines, managedLine{w: w, mm: mm, provider: routes[w.Name].Provider, part: w.Share / all})
		for _, id := range served[w.Complexity] {
			part := w.Share / cxShare[w.Complexity]
			if !split {
				part = w.Share / all // the models cannot tell the workloads apart
			}
			b := scaleBuckets(t.ModelBuckets[id], part)
			usd, err := measuredTiered(cat, mm, routes[w.Name].Provider, s, w, t, id, part, date)
			if err != nil {
				return pm, err
			}
			add(id, usd, b)
			lineUSD, lineTokens = lineUSD+usd, lineTokens+b.Total()
		}
	}
	if managedShare > 0 {
		o := otherModels{served: served, managedShare: managedShare, lineUSD: lineUSD, lineTokens: lineTokens, lines: lines}
		if err := pm.others(s, t, o, cat, date, add); err != nil {
			return pm, err
		}
	}
	var total float64
	for _, mc := range byModel {
		total += mc.usd
		pm.models = append(pm.models, *mc)
	}
	sort.Slice(pm.models, func(i, j int) bool { return pm.models[i].usd > pm.models[j].usd })
	if pooled > 0 || total > 0 {
		pm.delta = total - pooled
	}
	return pm, nil
}

// managedLine is one of an option's managed token lines: the workload,
// the model serving it, its provider and its share of the load.
type managedLine struct {
	w        spec.Workload
	mm       *modelcatalog.ManagedModel
	provider string
	part     float64
}

// otherModels is what others needs of the option's token lines: the spec's
// models that served tokens, the managed share of the load, the lines'
// measured cost and tokens, and the lines themselves.
type otherModels struct {
	served              map[string][]string
	managedShare        float64
	lineUSD, lineTokens float64
	lines               []managedLine
}

// others prices the measured models the spec does not name, for the share
// of the load the option sends to managed APIs: at their own catalog
// rates (from their vendor), or — not in the catalog — at the mean rate
// of the option's token lines, or, when none of the spec's models served
// a token (a report not grouped by model, Bedrock application profiles, a
// self-hosted model behind a proxy), at the spec's own managed models'
// rates, line by line. Tokens are never left unpriced: they once priced
// the managed option at nothing.
func (pm *perModel) others(s *spec.Spec, t *usage.Tokens, o otherModels,
	cat *modelcatalog.Catalog, date string, add func(string, float64, usage.Buckets)) error {
	named := map[string]bool{}
	for _, ids := range o.served {
		for _, id := range ids {
			named[id] = true
		}
	}
	ids := make([]string, 0, len(t.ModelBuckets))
	for id := range t.ModelBuckets {
		if !named[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		b := scaleBuckets(t.ModelBuckets[id], o.managedShare)
		if b.Total() == 0 {
			continue
		}
		mm, ok := cat.ManagedModel(id)
		switch {
		case !ok && o.lineTokens > 0:
			add(id, b.Total()*o.lineUSD/o.lineTokens, b)
			pm.notes = append(pm.notes, unpricedNote(id, "priced at the option's mean token rate"))
		case !ok:
			usd, err := atSpecRates(s, t, o.lines, id, cat, date)
			if err != nil {
				return err
			}
			add(id, usd, b)
			pm.notes = append(pm.notes, unpricedNote(id, "priced at the spec's own managed models' rates ("+specModels(s)+
				"), workload by workload, as none of the measured models is one the option can price"))
		default:
			usd, err := measuredTiered(cat, mm, "", s, spec.Workload{}, t, id, o.managedShare, date)
			if err != nil {
				return err
			}
			add(id, usd, b)
			pm.notes = append(pm.notes, fmt.Sprintf("%s (measured, none of the option's models) is priced at its own catalog rates", id))
		}
	}
	return nil
}

// atSpecRates is the cost of model id's measured tokens on the option's
// own token lines, each line's part of them at its model's rates.
func atSpecRates(s *spec.Spec, t *usage.Tokens, lines []managedLine, id string, cat *modelcatalog.Catalog, date string) (float64, error) {
	var usd float64
	for _, l := range lines {
		v, err := measuredTiered(cat, l.mm, l.provider, s, l.w, t, id, l.part, date)
		if err != nil {
			return 0, err
		}
		usd += v
	}
	return usd, nil
}

// unpricedNote names a measured model outside the catalog and how it is
// priced; tokens of no model say the export does not name it.
func unpricedNote(id, how string) string {
	if id == "(none)" {
		return "(none): the export does not name the model of these tokens (group the report by model as well); they are " + how
	}
	return fmt.Sprintf("%s (measured, not in the catalog) is %s", id, how)
}

// specModels names the spec's managed models.
func specModels(s *spec.Spec) string {
	if s.Managed.SimpleModel == s.Managed.ComplexModel {
		return s.Managed.SimpleModel
	}
	return s.Managed.SimpleModel + " for simple work, " + s.Managed.ComplexModel + " for complex"
}

// servingModels are the measured models whose tokens each complexity's
// workloads served: the spec's model for it (split), or — when the models
// cannot tell the workloads apart — the spec's models that served tokens,
// for every complexity.
func servingModels(s *spec.Spec, t *usage.Tokens) (served map[string][]string, split bool) {
	simple, complexM := s.Managed.SimpleModel, s.Managed.ComplexModel
	has := func(id string) bool { return t.ModelBuckets[id].Total() > 0 }
	if simple != complexM && has(simple) && has(complexM) {
		return map[string][]string{spec.Simple: {simple}, spec.Complex: {complexM}}, true
	}
	var both []string
	for _, id := range []string{simple, complexM} {
		if has(id) && (len(both) == 0 || both[0] != id) {
			both = append(both, id)
		}
	}
	if len(both) == 0 {
		return map[string][]string{}, false
	}
	return map[string][]string{spec.Simple: both, spec.Complex: both}, false
}

func workload(s *spec.Spec, name string) (spec.Workload, bool) {
	for _, w := range s.Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return spec.Workload{}, false
}

func scaleBuckets(b usage.Buckets, f float64) usage.Buckets {
	return usage.Buckets{Uncached: b.Uncached * f, CacheRead: b.CacheRead * f, CacheWrite: b.CacheWrite * f, Output: b.Output * f}
}

// tokenUSD is the monthly cost of the tokens at the rates.
func tokenUSD(b usage.Buckets, r modelcatalog.Rates) float64 {
	return (b.Uncached*r.InputPerM + b.CacheRead*r.CacheReadPerM + b.CacheWrite*r.CacheWritePerM + b.Output*r.OutputPerM) / 1e6
}

// writeLifetimes are the parts of a model's measured cache writes whose
// lifetime the files told: for an hour, and those they did not tell
// (priced at the spec's cache_ttl); the rest are for five minutes.
type writeLifetimes struct{ hour, untold float64 }

// written1h is model id's writeLifetimes, scaled by part; nil when the
// files told no lifetime.
func written1h(t *usage.Tokens, id string, part float64) *writeLifetimes {
	if t.ModelCacheWrite1h == nil {
		return nil
	}
	return &writeLifetimes{hour: t.ModelCacheWrite1h[id] * part, untold: t.ModelCacheWriteUntold[id] * part}
}

// measuredTiered is the monthly cost of part of model id's measured
// tokens on mm (measuredUSD), each request at the price tier its prompt
// was in where the files told the prompts of the model's tokens (a
// per-request export): 300,000-token prompts to GPT-5.5, above its
// 272,000-token tier, were priced at the base rates because the spec's
// context_tokens was 32,768, half their bill. Where the files told no
// prompts (usage reports), the tier is the workload's context_tokens.
func measuredTiered(cat *modelcatalog.Catalog, mm *modelcatalog.ManagedModel, provider string, s *spec.Spec, w spec.Workload, t *usage.Tokens, id string, part float64, date string) (float64, error) {
	b, lt := scaleBuckets(t.ModelBuckets[id], part), written1h(t, id, part)
	pr, price, ok := t.ModelPrompts[id], modelcatalog.Price{}, false
	if mm != nil {
		price, ok = mm.PriceOn(date)
	}
	total := t.ModelBuckets[id].Total()
	if !ok || len(price.Tiers) == 0 || pr == nil || total <= 0 || pr.Requests.Total() < 0.99*total {
		return measuredUSD(cat, mm, provider, s, w, b, lt, t.Week, date)
	}
	tiers := make([]int, 0, len(price.Tiers))
	for _, tr := range price.Tiers {
		tiers = append(tiers, tr.AbovePromptTokens)
	}
	slices.Sort(tiers)
	usd, all := 0.0, pr.Requests.Total()
	for i := -1; i < len(tiers); i++ {
		// The band of prompts above tiers[i] (all of them for i = -1) and
		// up to the next tier.
		band, at := pr.Requests, 1
		if i >= 0 {
			band, at = pr.Above[tiers[i]], tiers[i]+1
		}
		if i+1 < len(tiers) {
			band = minus(band, pr.Above[tiers[i+1]])
		}
		if band.Total() <= 0 {
			continue
		}
		share := band.Total() / all
		wb := w
		wb.ContextTokens = at
		var blt *writeLifetimes
		if lt != nil {
			blt = &writeLifetimes{hour: lt.hour * share, untold: lt.untold * share}
		}
		v, err := measuredUSD(cat, mm, provider, s, wb, scaleBuckets(band, part*total/all), blt, t.Week, date)
		if err != nil {
			return 0, err
		}
		usd += v
	}
	return usd, nil
}

// minus is a less b, kind by kind, never below zero.
func minus(a, b usage.Buckets) usage.Buckets {
	return usage.Buckets{Uncached: max(0, a.Uncached-b.Uncached), CacheRead: max(0, a.CacheRead-b.CacheRead),
		CacheWrite: max(0, a.CacheWrite-b.CacheWrite), Output: max(0, a.Output-b.Output)}
}

// measuredUSD is the monthly cost of measured tokens b on mm: at the
// spec's cache lifetime, or — where the files told the writes' lifetimes
// apart (w1h of them for an hour, the rest for five minutes) — each part
// of the writes at its own: an export of one-hour writes priced at the
// five-minute rate was 2.7 % low on an agent team's bill.
func measuredUSD(cat *modelcatalog.Catalog, mm *modelcatalog.ManagedModel, provider string, s *spec.Spec, w spec.Workload, b usage.Buckets, lt *writeLifetimes, week *[7 * 24]float64, date string) (float64, error) {
	r, err := measuredRates(cat, mm, provider, s, w, b, week, date)
	if err != nil || lt == nil || b.CacheWrite <= 0 {
		return tokenUSD(b, r), err
	}
	usd := tokenUSD(usage.Buckets{Uncached: b.Uncached, CacheRead: b.CacheRead, Output: b.Output}, r)
	for _, part := range []struct {
		ttl    string
		tokens float64
	}{{"5m", b.CacheWrite - lt.hour - lt.untold}, {"1h", lt.hour}, {s.Team.CacheTTL, lt.untold}} {
		if part.tokens <= 0 {
			continue
		}
		at := *s
		at.Team.CacheTTL = part.ttl
		rt, err := measuredRates(cat, mm, provider, &at, w, b, week, date)
		if err != nil {
			return 0, err
		}
		usd += part.tokens * rt.CacheWritePerM / 1e6
	}
	return usd, nil
}

// measuredRates resolves a model's rates for tokens of the given shape,
// as the cost model's costmodel.WorkloadUsage does (context tier,
// provider, Bedrock profile, cache lifetime), with the share of the
// measured tokens in the model's peak windows where the import has their
// hours (week): from the spec's time zone, a file of DeepSeek usage made
// in Europe priced 59 % high for a team the spec put in Shanghai.
func measuredRates(cat *modelcatalog.Catalog, mm *modelcatalog.ManagedModel, provider string, s *spec.Spec, w spec.Workload, b usage.Buckets, week *[7 * 24]float64, date string) (modelcatalog.Rates, error) {
	var read, write float64
	if in := b.Input(); in > 0 {
		read, write = b.CacheRead/in, b.CacheWrite/in
	}
	u, err := costmodel.WorkloadUsage(s, mm, provider, w, date, date, read, write)
	if err != nil {
		return modelcatalog.Rates{}, err
	}
	if price, ok := mm.PriceOn(date); ok && price.Peak != nil && week != nil {
		if share, ok := modelcatalog.WeekPeakShare(price.Peak.WindowsUTC, week); ok {
			u.PeakShare = share
		}
	}
	return cat.Rates(mm, u)
}

// driftModels names the models behind the managed option's measured cost,
// with each one's output share (the share that prices a token most).
func driftModels(u *Usage) string {
	var parts []string
	for _, o := range u.Options {
		if o.Architecture != architecture.Managed {
			continue
		}
		for _, m := range o.byModel {
			out := 0.0
			if tot := m.tokens.Total(); tot > 0 {
				out = m.tokens.Output / tot
			}
			parts = append(parts, fmt.Sprintf("%s %s (output %.1f %% of its tokens)", m.id, units.USD(m.usd).Whole(), out*100))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; by model: " + strings.Join(parts, ", ")
}
