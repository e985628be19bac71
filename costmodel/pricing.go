package costmodel

import (
	"fmt"

	"github.com/costgate/costgate/architecture"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/costgate/costgate/modelcatalog"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// PriceChangeHorizonDays is how far ahead of the plan's date a scheduled
// price change (a new price, a promotion's or a discount's end) is warned
// of: a plan approved today should not be surprised next quarter.
const PriceChangeHorizonDays = 90

// priceNotes warns of scheduled price changes and legacy models among the
// managed models the plan routes to: the managed option's, or, without
// one, the first option's that has managed routes.
func (m *model) priceNotes(res *Result) ([]Note, error) {
	m.priceRef = nil
	for _, arch := range []architecture.Name{architecture.Managed, architecture.Hybrid, architecture.SelfHosted} {
		if o := res.Option(arch); o != nil && m.priceRef == nil {
			m.priceRef = o.assign.pick
		}
	}
	if m.priceRef == nil {
		return nil, nil
	}
	var notes []Note
	for _, id := range m.managedModelIDs() {
		n, err := m.scheduledChanges(id)
		if err != nil {
			return nil, err
		}
		notes = append(notes, n...)
		notes = append(notes, m.legacyNote(id)...)
	}
	return notes, nil
}

// ref is workload i's managed choice for the price notes, or nil.
func (m *model) refChoice(i int) *managedChoice {
	if k := m.priceRef[i]; k >= 0 {
		return &m.choices[i][k]
	}
	return nil
}

// ratesFor resolves the rates of one workload on a managed model on date.
// The peak share places the team's working hours in the plan date's month
// whatever the date priced, so that comparing two dates compares prices
// only.
func (m *model) ratesFor(mm *modelcatalog.ManagedModel, provider string, w spec.Workload, date string) (modelcatalog.Rates, error) {
	t := m.s.Team
	return WorkloadRates(m.cat, m.s, mm, provider, w, date, m.date, t.CachedInputShare.High, t.CacheWriteShare.High)
}

// WorkloadRates resolves the rates of workload w of spec s on managed model
// mm via provider on date, with the shares of input read from and written
// to the prompt cache; the peak share is the team's working hours placed in
// peakDate's month. It is the one place a spec's workload meets the
// catalog's rates: the plan's prices and the usage import's measured
// costs both come from it.
func WorkloadRates(cat *modelcatalog.Catalog, s *spec.Spec, mm *modelcatalog.ManagedModel, provider string, w spec.Workload, date, peakDate string, cacheRead, cacheWrite float64) (modelcatalog.Rates, error) {
	u, err := WorkloadUsage(s, mm, provider, w, date, peakDate, cacheRead, cacheWrite)
	if err != nil {
		return modelcatalog.Rates{}, err
	}
	return cat.Rates(mm, u)
}

// WorkloadUsage is what WorkloadRates asks the catalog's rates: the
// workload's shape, and the share of its tokens in the model's peak
// windows (the team's working hours in its time zone).
func WorkloadUsage(s *spec.Spec, mm *modelcatalog.ManagedModel, provider string, w spec.Workload, date, peakDate string, cacheRead, cacheWrite float64) (modelcatalog.Usage, error) {
	t := s.Team
	profile := s.Managed.BedrockProfile
	if profile == "" {
		profile = modelcatalog.BedrockGlobal
	}
	u := modelcatalog.Usage{
		Date: date, ContextTokens: w.ContextTokens, Provider: provider, BedrockProfile: profile,
		CacheTTL: t.CacheTTL, CacheReadShare: cacheRead, CacheWriteShare: cacheWrite,
	}
	if price, ok := mm.PriceOn(date); ok && price.Peak != nil {
		tz := t.Timezone
		if tz == "" {
			tz = spec.DefaultTimezone
		}
		share, err := modelcatalog.WorkingHoursPeakShare(price.Peak.WindowsUTC, tz, peakDate)
		if err != nil {
			return modelcatalog.Usage{}, err
		}
		u.PeakShare = share
	}
	return u, nil
}

// tokenNote names the prices a token line used: model, provider, the
// price's effective date and adjustments, and the rates.
func tokenNote(c managedChoice) string {
	return fmt.Sprintf("%s via %s, %s: %s", c.model.ID, c.provider, c.rates.Basis(), c.rates.Describe())
}

// managedModelIDs lists the managed models the managed option uses, in
// the order the workloads first name them.
func (m *model) managedModelIDs() []string {
	var ids []string
	for i := range m.s.Workloads {
		if c := m.refChoice(i); c != nil && !slices.Contains(ids, c.model.ID) {
			ids = append(ids, c.model.ID)
		}
	}
	return ids
}

// expectedTokenUSD is what the managed option's workloads on model id cost
// a month at the expected inputs (every range at its midpoint), priced by
// rates(i) for workload i.
func (m *model) expectedTokenUSD(id string, rates func(i int) modelcatalog.Rates) (usd float64, workloads []string) {
	t := m.s.Team
	monthly := t.Developers.Mid() * t.TokensPerDeveloper.Mid()
	for i, w := range m.s.Workloads {
		if c := m.refChoice(i); c == nil || c.model.ID != id {
			continue
		}
		workloads = append(workloads, w.Name)
		usd += monthly * w.Share * rates(i).PerM(t.InputShare.Mid(), t.CachedInputShare.Mid(), t.CacheWriteShare.Mid()) / 1e6
	}
	return usd, workloads
}

// scheduledChanges warns of each change to model id's rates due within
// PriceChangeHorizonDays after the plan's date — a new price, the end of a
// promotion, a discount starting or ending — with its monthly effect on the
// managed option at the expected inputs.
func (m *model) scheduledChanges(id string) ([]Note, error) {
	today, err := time.Parse(time.DateOnly, m.date)
	if err != nil {
		return nil, fmt.Errorf("price managed: plan date %q: %w", m.date, err)
	}
	horizon := today.AddDate(0, 0, PriceChangeHorizonDays).Format(time.DateOnly)
	mm := m.refChoice(m.workloadOn(id)).model
	var dates []string
	add := func(d string) {
		if d > m.date && d <= horizon && !slices.Contains(dates, d) {
			dates = append(dates, d)
		}
	}
	for _, p := range mm.Prices {
		add(p.EffectiveFrom)
		if p.EffectiveUntil != "" {
			add(nextDay(p.EffectiveUntil))
		}
	}
	for _, d := range m.cat.Discounts {
		if d.EffectiveFrom != "" {
			add(d.EffectiveFrom)
		}
		if d.EffectiveUntil != "" {
			add(nextDay(d.EffectiveUntil))
		}
	}
	sort.Strings(dates)

	var notes []Note
	for _, d := range dates {
		before, err := m.ratesOn(id, prevDay(d))
		if err != nil {
			return nil, err
		}
		days := int(mustDate(d).Sub(today).Hours() / 24)
		after, err := m.ratesOn(id, d)
		if err != nil {
			notes = append(notes, Note{ID: "price.scheduled_change", Message: fmt.Sprintf(
				"%s has no price in the catalog from %s, in %s: its current price ends on %s; update the catalog or a price book before then",
				id, d, inDays(days), prevDay(d))})
			continue
		}
		was, workloads := m.expectedTokenUSD(id, func(i int) modelcatalog.Rates { return before[i] })
		will, _ := m.expectedTokenUSD(id, func(i int) modelcatalog.Rates { return after[i] })
		delta := will - was
		if math.Abs(delta) < 0.005 {
			continue // a discount on another provider, say
		}
		first := m.workloadOn(id)
		notes = append(notes, Note{ID: "price.scheduled_change", Message: fmt.Sprintf(
			"%s's rates change on %s, in %s (%s): %s, was %s; at the expected usage the managed option's tokens on it (%s) %s by %s a month, from %s to %s",
			id, d, inDays(days), after[first].Basis(), after[first].Describe(), before[first].Describe(), strings.Join(workloads, ", "),
			riseOrFall(delta), units.USD(math.Abs(delta)).Cents(), units.USD(was).Cents(), units.USD(will).Cents())})
	}
	return notes, nil
}

// ratesOn resolves the rates of every workload served by model id on
// date; the other workloads' entries are left zero.
func (m *model) ratesOn(id, date string) ([]modelcatalog.Rates, error) {
	out := make([]modelcatalog.Rates, len(m.s.Workloads))
	for i, w := range m.s.Workloads {
		c := m.refChoice(i)
		if c == nil || c.model.ID != id {
			continue
		}
		r, err := m.ratesFor(c.model, c.provider, w, date)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// legacyNote warns when model id is legacy (or retired) and names its
// successor and what switching the managed option's workloads to it would
// save a month at the expected inputs, on price alone. A model whose
// successor has no price on the plan's date was not yet superseded then,
// so it draws no warning.
func (m *model) legacyNote(id string) []Note {
	mm := m.refChoice(m.workloadOn(id)).model
	if mm.Status != "legacy" && mm.Status != "retired" {
		return nil
	}
	if mm.Successor == "" {
		return []Note{{ID: "model.legacy", Message: fmt.Sprintf("%s is %s and the catalog names no successor", id, mm.Status)}}
	}
	succ, ok := m.cat.ManagedModel(mm.Successor)
	if !ok {
		return nil
	}
	if _, ok := succ.PriceOn(m.date); !ok {
		return nil
	}
	provider := succ.Vendor
	if p := m.s.Managed.Provider; p != "" && slices.Contains(succ.Providers, p) {
		provider = p
	}
	now, workloads := m.expectedTokenUSD(id, func(i int) modelcatalog.Rates { return m.refChoice(i).rates })
	var err error
	then, _ := m.expectedTokenUSD(id, func(i int) modelcatalog.Rates {
		r, e := m.ratesFor(succ, provider, m.s.Workloads[i], m.date)
		if e != nil {
			err = e
		}
		return r
	})
	if err != nil {
		return []Note{{ID: "model.legacy", Message: fmt.Sprintf("%s is %s; its successor is %s, which cannot be priced: %v", id, mm.Status, succ.ID, err)}}
	}
	save := now - then
	effect := fmt.Sprintf("would save %s a month", units.USD(save).Cents())
	if save < 0 {
		effect = fmt.Sprintf("would cost %s a month more", units.USD(-save).Cents())
	}
	return []Note{{ID: "model.legacy", Message: fmt.Sprintf(
		"%s is %s; its successor is %s. Moving %s to it %s at the expected usage (%s instead of %s), on price alone",
		id, mm.Status, succ.ID, strings.Join(workloads, ", "), effect, units.USD(then).Cents(), units.USD(now).Cents())}}
}

// workloadOn returns the index of the first workload the price notes'
// routes serve on model id.
func (m *model) workloadOn(id string) int {
	for i := range m.s.Workloads {
		if c := m.refChoice(i); c != nil && c.model.ID == id {
			return i
		}
	}
	return -1
}

func inDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func riseOrFall(delta float64) string {
	if delta > 0 {
		return "rise"
	}
	return "fall"
}

func mustDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func nextDay(s string) string { return mustDate(s).AddDate(0, 0, 1).Format(time.DateOnly) }
func prevDay(s string) string { return mustDate(s).AddDate(0, 0, -1).Format(time.DateOnly) }
