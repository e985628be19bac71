package plan

import (
	"math"

	"github.com/costgate/costgate/costmodel"
)

// This file is the one conversion from the cost model's plain types to
// the plan's JSON types: money is rounded to cents here, and nowhere else.

// option is a priced architecture as the plan shows it, not yet gated.
func option(o costmodel.Option) Option {
	out := Option{
		Architecture:    o.Architecture,
		MonthlyUSD:      money(o.MonthlyUSD),
		CashUSD:         money(o.CashUSD),
		QualityGapUSD:   money(o.QualityGapUSD),
		QualityIncluded: o.QualityIncluded,
		LineItems:       []LineItem{},
		Violations:      []Finding{},
		Warnings:        []Finding{},
		Waived:          []Finding{},
	}
	for _, it := range o.LineItems {
		out.LineItems = append(out.LineItems, LineItem{Name: it.Name, MonthlyUSD: money(it.MonthlyUSD), Workload: it.Workload, Model: it.Model, Note: it.Note})
	}
	out.Routes = routes(o.Routes)
	for _, n := range o.Notes {
		out.Warnings = append(out.Warnings, Finding{Policy: n.ID, Option: o.Architecture, Message: n.Message})
	}
	if o.Sizing != nil {
		s := Sizing(*o.Sizing)
		out.Sizing = &s
	}
	return out
}

func routes(rs []costmodel.Route) []Route {
	if rs == nil {
		return nil
	}
	out := make([]Route, len(rs))
	for i, r := range rs {
		out[i] = Route(r)
	}
	return out
}

func routeShorts(rs []costmodel.RouteShort) []RouteShort {
	if rs == nil {
		return nil
	}
	out := make([]RouteShort, len(rs))
	for i, r := range rs {
		out[i] = RouteShort(r)
	}
	return out
}

// search is what the search did, its costs rounded to cents.
func search(s *costmodel.Search) *Search {
	if s == nil {
		return nil
	}
	out := &Search{
		AutoWorkloads: s.AutoWorkloads, Assignments: s.Assignments, Exact: s.Exact, GapBoundUSD: centsPtr(s.GapBoundUSD),
		Evaluated: s.Evaluated, Sized: s.Sized, Pruned: s.Pruned, Gated: s.Gated, TimeMS: s.TimeMS,
		RunnerUps: candidates(s.RunnerUps), Rejected: candidates(s.Rejected),
	}
	if s.Alternatives != nil {
		out.Alternatives = make([]Alternative, len(s.Alternatives))
		for i, a := range s.Alternatives {
			out.Alternatives[i] = Alternative(a)
			out.Alternatives[i].MoreUSD = centsPtr(a.MoreUSD)
		}
	}
	return out
}

func candidates(cs []costmodel.Candidate) []Candidate {
	if cs == nil {
		return nil
	}
	out := make([]Candidate, len(cs))
	for i, c := range cs {
		out[i] = Candidate{Option: c.Option, Routes: routeShorts(c.Routes), MonthlyUSD: round(c.MonthlyUSD, 2), MoreUSD: round(c.MoreUSD, 2), DeniedBy: c.DeniedBy}
	}
	return out
}

// paretoPoints are the frontier's points as the plan shows them; their
// costs keep every digit, as the frontier's JSON always has.
func paretoPoints(pts []costmodel.ParetoPoint) []ParetoPoint {
	if pts == nil {
		return nil
	}
	out := make([]ParetoPoint, len(pts))
	for i, p := range pts {
		out[i] = ParetoPoint{Option: p.Option, Routes: routeShorts(p.Routes), Fleet: p.Fleet, MonthlyUSD: p.MonthlyUSD, Quality: p.Quality, DeniedBy: p.DeniedBy}
	}
	return out
}

func checklist(res *costmodel.Result) Checklist {
	c := Checklist{Met: res.ChecklistMet(), Threshold: costmodel.ChecklistThreshold, Verdict: "managed APIs with good budget controls"}
	if c.Met >= c.Threshold {
		c.Verdict = "self-hosting worth evaluating"
	}
	if res.Checklist != nil {
		c.Items = make([]ChecklistItem, len(res.Checklist))
		for i, it := range res.Checklist {
			c.Items[i] = ChecklistItem(it)
		}
	}
	return c
}

// money rounds a cost range to cents, as the plan shows it.
func money(m costmodel.Money) Money {
	return Money{Low: round(m.Low, 2), Expected: round(m.Expected, 2), High: round(m.High, 2)}
}

func centsPtr(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := round(*v, 2)
	return &r
}

func round(v float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(v*f) / f
}
