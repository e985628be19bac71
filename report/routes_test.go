package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
)

// searchPlan is a managed plan routing two workloads, with a search that
// has more rejected assignments and alternatives than the outputs show.
func searchPlan(withSearch bool) *plan.Plan {
	p := &plan.Plan{Team: "t", Spec: "s.hcl", Decision: plan.Decision{Architecture: architecture.Managed}}
	p.Options = []plan.Option{
		{Architecture: architecture.SelfHosted, Routes: []plan.Route{
			{Workload: "autocomplete", ServedBy: architecture.SelfHosted, Model: "qwen3-coder-30b-a3b"},
			{Workload: "agent", ServedBy: architecture.SelfHosted, Model: "qwen3-coder-30b-a3b"},
		}},
		{Architecture: architecture.Managed, Allowed: true, MonthlyUSD: plan.Money{Expected: 1000}, Routes: []plan.Route{
			{Workload: "autocomplete", ServedBy: architecture.Managed, Model: "claude-haiku-5.5", Provider: "anthropic"},
			{Workload: "agent", ServedBy: architecture.Managed, Model: "claude-sonnet-5.5", Provider: "anthropic"},
		}},
	}
	if !withSearch {
		return p
	}
	s := &plan.Search{AutoWorkloads: 2, Assignments: 9, Exact: true, Evaluated: 4, Sized: 2, Gated: 3}
	for i := range 7 {
		s.Rejected = append(s.Rejected, plan.Candidate{Option: architecture.SelfHosted, MonthlyUSD: 2000 + float64(i), MoreUSD: 1000 + float64(i),
			DeniedBy: []string{"spend.limit"}, Routes: []plan.RouteShort{
				{Workload: "autocomplete", ServedBy: architecture.Managed, Model: "claude-haiku-5.5"},
				{Workload: "agent", ServedBy: architecture.SelfHosted, Model: "qwen3-coder-30b-a3b"},
			}})
	}
	for w := range 25 {
		for k := range 8 {
			more := float64(100 * (k + 1))
			s.Alternatives = append(s.Alternatives, plan.Alternative{Workload: fmt.Sprintf("w%02d", w), ServedBy: architecture.Managed, Model: fmt.Sprintf("m%d", k), MoreUSD: &more})
		}
	}
	p.Search = s
	return p
}

func TestTextRoutesAndSearch(t *testing.T) {
	for _, tc := range []struct {
		name       string
		search     bool
		want, omit []string
	}{
		{
			name:   "without a search",
			search: false,
			want: []string{
				"ROUTES\n  managed (chosen): autocomplete → claude-haiku-5.5 via anthropic · agent → claude-sonnet-5.5 via anthropic\n" +
					"  self_hosted: autocomplete → self-hosted qwen3-coder-30b-a3b · agent → self-hosted qwen3-coder-30b-a3b\n",
			},
			omit: []string{"SEARCH"},
		},
		{
			name:   "with a search, capped",
			search: true,
			want: []string{
				"SEARCH     2 auto workload(s), 9 assignments: 4 evaluated, 2 sized, 0 pruned, 3 gated; exact\n",
				// Only the route that differs from the chosen option's.
				"    self_hosted $2,000 (+$1,000), denied by spend.limit: agent → self-hosted qwen3-coder-30b-a3b\n",
				"    and 2 more rejected, not shown\n",
				"    w00: m0 → +$100 a month · m1 → +$200 a month · m2 → +$300 a month · m3 → +$400 a month · m4 → +$500 a month · m5 → +$600 a month · and 2 more\n",
				"    and 5 more workload(s), not shown\n",
			},
			omit: []string{"w20:", "self_hosted $2,005"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a, b bytes.Buffer
			for _, buf := range []*bytes.Buffer{&a, &b} {
				if err := Text(buf, searchPlan(tc.search)); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatal("two renderings of one plan differ")
			}
			got := a.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q:\n%s", w, got)
				}
			}
			for _, o := range tc.omit {
				if strings.Contains(got, o) {
					t.Errorf("text has %q:\n%s", o, got)
				}
			}
			var md bytes.Buffer
			if err := Markdown(&md, searchPlan(tc.search)); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(md.String(), "<summary>Search") != tc.search {
				t.Errorf("Markdown search block present = %v, want %v", !tc.search, tc.search)
			}
		})
	}
}
