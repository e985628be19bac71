package review

import (
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/google/go-cmp/cmp"
)

// routedPlan is a plan deciding arch, whose decided option routes each
// workload as routes says ("self_hosted:MODEL" or "managed:MODEL"); an
// empty arch is a blocked plan.
func routedPlan(arch architecture.Name, routes ...[2]string) *plan.Plan {
	p := &plan.Plan{Decision: plan.Decision{Architecture: architecture.Blocked}}
	o := plan.Option{Architecture: architecture.Hybrid}
	for _, r := range routes {
		p.Inputs.Workloads = append(p.Inputs.Workloads, plan.WorkloadInput{Name: r[0]})
		servedBy, model := architecture.Managed, r[1]
		if m, ok := strings.CutPrefix(r[1], "self_hosted:"); ok {
			servedBy, model = architecture.SelfHosted, m
		} else if m, ok := strings.CutPrefix(r[1], "managed:"); ok {
			model = m
		}
		o.Routes = append(o.Routes, plan.Route{Workload: r[0], ServedBy: servedBy, Model: model})
	}
	if arch != "" {
		o.Architecture = arch
		p.Decision.Architecture = arch
	}
	p.Options = []plan.Option{o}
	return p
}

func TestRouteChanges(t *testing.T) {
	str := func(s string) *string { return &s }
	hyb := architecture.Hybrid
	for _, tc := range []struct {
		name       string
		base, head *plan.Plan
		want       []RouteChange
	}{
		{
			name: "unchanged",
			base: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			head: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			want: []RouteChange{},
		},
		{
			name: "changed model",
			base: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			head: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"agent", "managed:gpt-6.2-sol"}),
			want: []RouteChange{{Workload: "agent", Base: str("managed:claude-sonnet-5.5"), Head: str("managed:gpt-6.2-sol")}},
		},
		{
			name: "fleet to managed",
			base: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			head: routedPlan(architecture.Managed, [2]string{"autocomplete", "managed:claude-haiku-5.5"}, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			want: []RouteChange{{Workload: "autocomplete", Base: str("self_hosted:qwen3-coder-30b-a3b"), Head: str("managed:claude-haiku-5.5")}},
		},
		{
			name: "added and removed workloads",
			base: routedPlan(hyb, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}, [2]string{"docs", "managed:claude-haiku-5.5"}),
			head: routedPlan(hyb, [2]string{"agent", "managed:claude-sonnet-5.5"}, [2]string{"autocomplete", "self_hosted:qwen3-coder-30b-a3b"}),
			want: []RouteChange{
				{Workload: "agent", Head: str("managed:claude-sonnet-5.5")},
				{Workload: "docs", Base: str("managed:claude-haiku-5.5")},
			},
		},
		{
			name: "new spec",
			head: routedPlan(hyb, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			want: []RouteChange{{Workload: "agent", Head: str("managed:claude-sonnet-5.5")}},
		},
		{
			name: "head blocked",
			base: routedPlan(hyb, [2]string{"agent", "managed:claude-sonnet-5.5"}),
			head: routedPlan("", [2]string{"agent", "managed:claude-sonnet-5.5"}),
			want: []RouteChange{{Workload: "agent", Base: str("managed:claude-sonnet-5.5")}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RouteChanges(tc.base, tc.head)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RouteChanges (-want +got):\n%s", diff)
			}
		})
	}
}
