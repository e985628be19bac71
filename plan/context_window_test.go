package plan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/internal/fixture"
	"github.com/costgate/costgate/plan"
)

// TestManagedContextWindow: a managed model's API refuses a prompt above
// its window, so an option that sends one there is denied
// (managed.context_window, unwaivable), and the route search never picks
// such a model for an "auto" workload. 600,000-token prompts on GPT-5.4
// mini (272,000 input tokens) and 2,000,000 on Claude Sonnet 4.6 (1M) were
// priced and allowed with exit 0.
func TestManagedContextWindow(t *testing.T) {
	team := func(managed, ctx string) string {
		return `team "long" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share          = 1
  complexity     = "complex"
  context_tokens = ` + ctx + `
}

managed {
` + managed + `
}

compliance {
  code_may_leave_network = true
}
`
	}
	build := func(src string) *plan.Plan {
		t.Helper()
		p, err := plan.Build(context.Background(), fixture.Parse(t, "long.hcl", src), fixture.Options())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	managed := func(p *plan.Plan) *plan.Option {
		t.Helper()
		for i := range p.Options {
			if p.Options[i].Architecture == "managed" {
				return &p.Options[i]
			}
		}
		t.Fatal("no managed option")
		return nil
	}
	denied := func(o *plan.Option) string {
		for _, f := range o.Violations {
			if f.Policy == "managed.context_window" {
				return f.Message
			}
		}
		return ""
	}

	// One model, too short a window: denied, and no override waives it.
	o := managed(build(team(`  simple_model  = "gpt-5.4-mini"
  complex_model = "gpt-5.4-mini"`, "600000")))
	if msg := denied(o); o.Allowed || !strings.Contains(msg, "600000-token prompts to gpt-5.4-mini") || !strings.Contains(msg, "at most 272000 input tokens") {
		t.Errorf("600K prompts on gpt-5.4-mini: allowed %v, denial %q", o.Allowed, msg)
	}
	if r := o.Routes[0]; r.MaxInputTokens == nil || *r.MaxInputTokens != 272000 {
		t.Errorf("the route's max_input_tokens = %v, want 272000", r.MaxInputTokens)
	}

	// Candidates: the search routes the workload to one whose window holds it.
	o = managed(build(team(`  candidates = ["gpt-5.4-mini", "claude-sonnet-5.5"]`, "600000")))
	if r := o.Routes[0]; !o.Allowed || r.Model != "claude-sonnet-5.5" || denied(o) != "" {
		t.Errorf("candidates: %s allowed %v (%q)", r.Model, o.Allowed, denied(o))
	}

	// No model takes 2M tokens: every candidate is refused.
	o = managed(build(team(`  candidates = ["gpt-5.4-mini", "claude-sonnet-4.6"]`, "2000000")))
	if o.Allowed || denied(o) == "" {
		t.Errorf("2M prompts: allowed %v, routed to %s", o.Allowed, o.Routes[0].Model)
	}

	// Claude's window holds the answer too: 950,000 prompt tokens and
	// their output (237,500 at the default 0.8 input share, no more than
	// the 128,000 the model returns) do not fit its 1M; 700,000 and
	// 128,000 do.
	o = managed(build(team(`  simple_model  = "claude-sonnet-5.5"
  complex_model = "claude-sonnet-5.5"`, "950000")))
	if msg := denied(o); o.Allowed || !strings.Contains(msg, "at most 872000 input tokens") {
		t.Errorf("950K prompts on claude-sonnet-5.5: allowed %v, denial %q", o.Allowed, msg)
	}
	o = managed(build(team(`  simple_model  = "claude-sonnet-5.5"
  complex_model = "claude-sonnet-5.5"`, "700000")))
	if msg := denied(o); msg != "" {
		t.Errorf("700K prompts on claude-sonnet-5.5: %q", msg)
	}

	// Within the window: no denial.
	o = managed(build(team(`  simple_model  = "gpt-5.4-mini"
  complex_model = "gpt-5.4-mini"`, "200000")))
	if msg := denied(o); msg != "" {
		t.Errorf("200K prompts on gpt-5.4-mini: %q", msg)
	}
}

// TestMovedLoadKeepsItsDenial: a workload pinned to GPT-5.4 mini at
// 600,000-token prompts is denied (managed.context_window). Renamed with
// its pin at 200,000, or 99 % of it split off to a new workload pinned
// there, the base's load was re-planned with the new workload left out
// (its share part of the change) and the gone one unpinned: nothing was
// cleared, and the change passed. The new workload is planned on the load
// the old one gave up, under its own rules: spec.loosened.
func TestMovedLoadKeepsItsDenial(t *testing.T) {
	team := func(workloads string) string {
		return `team "long" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}
` + workloads + `
compliance {
  code_may_leave_network = true
}
`
	}
	pinnedAs := func(name, complexity string, share float64, ctx int, model string) string {
		pin := ""
		if model != "" {
			pin = fmt.Sprintf("  route          = \"managed\"\n  model          = %q\n", model)
		}
		return fmt.Sprintf("\nworkload %q {\n  share          = %g\n  complexity     = %q\n  context_tokens = %d\n%s}\n", name, share, complexity, ctx, pin)
	}
	pinned := func(name string, share float64, ctx int, model string) string {
		return pinnedAs(name, "complex", share, ctx, model)
	}
	decoys := ""
	for i := range 8 {
		decoys += pinnedAs(fmt.Sprintf("d%d", i), "simple", 0.001, 1024, "")
	}
	base := fixture.Parse(t, "long.hcl", team(pinned("agent", 1, 600000, "gpt-5.4-mini")))
	for _, tt := range []struct{ name, head string }{
		{"renamed", team(pinned("agent2", 1, 200000, "gpt-5.4-mini"))},
		{"split", team(pinned("agent", 0.01, 600000, "claude-sonnet-5.5") + pinned("agent-b", 0.99, 200000, "gpt-5.4-mini"))},
		{"renamed and made simple", team(pinnedAs("agent2", "simple", 1, 200000, "gpt-5.4-mini"))},
		{"split off to a simple workload", team(pinned("agent", 0.01, 600000, "claude-sonnet-5.5") + pinnedAs("tab", "simple", 0.99, 200000, "gpt-5.4-mini"))},
		{"renamed behind eight decoys", team(decoys + pinned("agent2", 0.992, 200000, "gpt-5.4-mini"))},
		{"moved into another workload", team(pinned("agent", 0.01, 600000, "claude-sonnet-5.5") + pinnedAs("chat", "simple", 0.99, 200000, "gpt-5.4-mini"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, got := loosenedAgainst(t, fixture.Parse(t, "long.hcl", tt.head), base)
			var msgs []string
			for _, l := range p.Loosened {
				msgs = append(msgs, l.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), "managed.context_window") {
				t.Errorf("loosened %v: want the moved load's context-window denial\n%s", got, strings.Join(msgs, "\n"))
			}
		})
	}
	// The same workload given a model whose window holds it is no
	// loosening: the load did not move.
	p, got := loosenedAgainst(t, fixture.Parse(t, "long.hcl", team(pinned("agent", 1, 600000, "claude-sonnet-5.5"))), base)
	if len(got) != 0 {
		t.Errorf("re-pinned to a longer window: loosened %v (%v)", got, p.Loosened)
	}
}

// TestRebalanceIsNoMovedLoad: shares moved between two workloads that
// both stay, the one gaining share having a stricter target and no pin,
// is a rebalance: the agent's 32K-token prompts under the chat's 1.5 s
// target are denied at the base's load, but that denial is the target's,
// not a pin the move hid, and the change is no loosening.
func TestRebalanceIsNoMovedLoad(t *testing.T) {
	team := func(chat, agent float64) string {
		return fmt.Sprintf(`team "t" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "chat" {
  share          = %g
  complexity     = "simple"
  context_tokens = 2048
  max_ttft_ms    = 1500
}

workload "agent" {
  share          = %g
  complexity     = "complex"
  context_tokens = 32768
}

compliance {
  code_may_leave_network = true
}
`, chat, agent)
	}
	p, got := loosenedAgainst(t, fixture.Parse(t, "t.hcl", team(0.6, 0.4)), fixture.Parse(t, "t.hcl", team(0.5, 0.5)))
	for _, l := range p.Loosened {
		if strings.Contains(l.Message, "takes share") {
			t.Errorf("a rebalance read as moved load: %v\n%s", got, l.Message)
		}
	}
}
