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
	got := policyRange(s, plan.Finding{Policy: "latency.ttft", Message: "The managed option serves chatbot with gpt-5.4-mini at a p95 time to first token of 2300 ms."})
	if got.Start.Line != 20 {
		t.Errorf("finding about chatbot points at line %d, want 20", got.Start.Line)
	}
}
