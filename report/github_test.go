package report

import (
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/hashicorp/hcl/v2"
)

// TestPolicyRangeMatchesWholeWorkloadNames: a latency finding about
// "chatbot" points at chatbot's max_ttft_ms, not at a workload "chat".
func TestPolicyRangeMatchesWholeWorkloadNames(t *testing.T) {
	chat := hcl.Range{Filename: "t.hcl", Start: hcl.Pos{Line: 10, Column: 3}}
	chatbot := hcl.Range{Filename: "t.hcl", Start: hcl.Pos{Line: 20, Column: 3}}
	s := &spec.Spec{Filename: "t.hcl", Workloads: []spec.Workload{{Name: "chat"}, {Name: "chatbot"}},
		Ranges: map[string]hcl.Range{"workload.chat.max_ttft_ms": chat, "workload.chatbot.max_ttft_ms": chatbot}}
	got := policyRange(s, plan.Finding{Policy: "latency.ttft", Attribute: "workload.chatbot.max_ttft_ms", Message: "The managed option serves chatbot with gpt-5.4-mini at a p95 time to first token of 2300 ms."})
	if got.Start.Line != 20 {
		t.Errorf("finding about chatbot points at line %d, want 20", got.Start.Line)
	}
}

// TestPolicyRangeFollowsTheFindingsAttribute: a policy names the spec
// attribute it is about, and the annotation points at it with no Go
// change for the new policy id.
func TestPolicyRangeFollowsTheFindingsAttribute(t *testing.T) {
	limit := hcl.Range{Filename: "t.hcl", Start: hcl.Pos{Line: 31, Column: 3}}
	team := hcl.Range{Filename: "t.hcl", Start: hcl.Pos{Line: 1, Column: 1}}
	s := &spec.Spec{Filename: "t.hcl", Ranges: map[string]hcl.Range{"budget.monthly_limit_usd": limit, "team": team}}
	got := policyRange(s, plan.Finding{Policy: "finance.new_rule", Attribute: "budget.monthly_limit_usd", Message: "x"})
	if got.Start.Line != 31 {
		t.Errorf("finding points at line %d, want 31", got.Start.Line)
	}
	if got := policyRange(s, plan.Finding{Policy: "finance.new_rule", Attribute: "budget.nope", Message: "x"}); got.Start.Line != 1 {
		t.Errorf("unknown attribute points at line %d, want the team block", got.Start.Line)
	}
}
