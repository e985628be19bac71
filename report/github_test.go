package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/costgate/costgate/architecture"
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

// TestGateGitHubCapsWarnings: GitHub shows ten warning annotations a step
// and drops the rest silently, so the gate writes ten and one line that
// counts the others; the text format lists every plan-level warning.
func TestGateGitHubCapsWarnings(t *testing.T) {
	s := &spec.Spec{Filename: "t.hcl", Ranges: map[string]hcl.Range{
		"team":                     {Filename: "t.hcl", Start: hcl.Pos{Line: 1, Column: 1}},
		"self_hosted.gpu_hour_usd": {Filename: "t.hcl", Start: hcl.Pos{Line: 12, Column: 3}},
	}}
	p := &plan.Plan{Spec: "t.hcl", Decision: plan.Decision{Architecture: "managed", Reasons: []string{"managed is the cheapest allowed option"}},
		Options: []plan.Option{{Architecture: "managed", Allowed: true}}}
	for i := range 13 {
		p.Warnings = append(p.Warnings, plan.Finding{Policy: "catalog.suspicious_price", Message: fmt.Sprintf("figure %d", i)})
	}
	p.Warnings = append(p.Warnings, plan.Finding{Policy: "spec.suspicious_figure", Attribute: "self_hosted.gpu_hour_usd", Message: "last"})
	var b strings.Builder
	if err := gateGitHub(&b, []Gated{{Spec: s, Plan: p}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, "::warning "); n != GitHubWarningCap {
		t.Errorf("%d warning annotations, want %d:\n%s", n, GitHubWarningCap, out)
	}
	if !strings.Contains(out, "::warning file=t.hcl,line=1,col=1,title=catalog.suspicious_price::figure 0\n") {
		t.Errorf("first warning not annotated at the team block:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != "::notice title=costgate::4 more warning(s) not annotated: GitHub shows 10 warning annotations a step (14 warnings in all); costgate check --format text lists every one" {
		t.Errorf("last line = %q", last)
	}

	b.Reset()
	if err := gateText(&b, []Gated{{Spec: s, Plan: p}}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "  warn    "); n != 14 {
		t.Errorf("text shows %d warnings, want 14:\n%s", n, b.String())
	}

	// One warning has an attribute: under the cap it points at its line.
	p.Warnings = p.Warnings[len(p.Warnings)-1:]
	b.Reset()
	if err := gateGitHub(&b, []Gated{{Spec: s, Plan: p}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "::warning file=t.hcl,line=12,col=3,title=spec.suspicious_figure::last\n") || strings.Contains(b.String(), "more warning") {
		t.Errorf("a lone warning with an attribute:\n%s", b.String())
	}
}

// TestGateGitHubShowsInvisibleText: an annotation's title and message
// from a spec or a policy are shown as the text output shows them: a
// bidi override, a zero-width space or a line break reaches GitHub as an
// escape, never as the character.
func TestGateGitHubShowsInvisibleText(t *testing.T) {
	s := &spec.Spec{Filename: "t.hcl", Ranges: map[string]hcl.Range{"team": {Filename: "t.hcl", Start: hcl.Pos{Line: 1, Column: 1}}}}
	for _, tt := range []struct{ text, want string }{
		{"approved by \u202edevorppa\u202c", `approved by \u202edevorppa\u202c`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"line\n::error::forged", `line\n::error::forged`},
		{"100% \u2066isolate\u2069", `100%25 \u2066isolate\u2069`},
		{"nul\x00 esc\x1b[31m", `nul\x00 esc\x1b[31m`},
	} {
		t.Run(fmt.Sprintf("%q", tt.text), func(t *testing.T) {
			p := &plan.Plan{Spec: "t.hcl", Decision: plan.Decision{Architecture: "blocked"},
				Options: []plan.Option{{Architecture: "managed", Violations: []plan.Finding{{Policy: "acme." + tt.text, Message: tt.text}}}}}
			var b strings.Builder
			if err := gateGitHub(&b, []Gated{{Spec: s, Plan: p}}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if strings.ContainsFunc(strings.TrimSuffix(out, "\n"), func(r rune) bool { return r != '\n' && invisible(r) }) {
				t.Errorf("an invisible or control character reached the annotations: %q", out)
			}
			if n := strings.Count(out, "\n"); n != 2 {
				t.Errorf("%d lines, want 2:\n%s", n, out)
			}
			if !strings.Contains(out, "::"+tt.want+"\n") || !strings.Contains(out, "title=acme."+strings.ReplaceAll(tt.want, ":", "%3A")+" (managed)::") {
				t.Errorf("annotation does not show %q as %q:\n%s", tt.text, tt.want, out)
			}
		})
	}
}

// TestGateGitHubKeepsEveryBlockedSpec: GitHub shows ten annotations of
// each level a step and drops the rest silently, so no level goes past
// ten: a blocked spec's verdict, naming what denies it, comes before
// every other error (a cover spec's dozen cannot hide it), and the last
// line of a level counts what it left out, naming the blocked specs.
func TestGateGitHubKeepsEveryBlockedSpec(t *testing.T) {
	s := &spec.Spec{Filename: "t.hcl", Ranges: map[string]hcl.Range{"team": {Filename: "t.hcl", Start: hcl.Pos{Line: 1, Column: 1}}}}
	blocked := func(name string, ids ...string) Gated {
		p := &plan.Plan{Spec: name, Decision: plan.Decision{Architecture: "blocked"}}
		for _, a := range []string{"managed", "self_hosted", "hybrid"} {
			o := plan.Option{Architecture: architecture.Name(a)}
			for _, id := range ids {
				o.Violations = append(o.Violations, plan.Finding{Policy: id, Message: id + " denies " + a})
			}
			p.Options = append(p.Options, o)
		}
		return Gated{Spec: s, Plan: p}
	}
	allowed := func(name string, warnings int) Gated {
		p := &plan.Plan{Spec: name, Decision: plan.Decision{Architecture: "managed", Reasons: []string{"managed is the cheapest allowed option"}},
			Options: []plan.Option{{Architecture: "managed", Allowed: true}}}
		for i := range warnings {
			p.Warnings = append(p.Warnings, plan.Finding{Policy: "catalog.suspicious_price", Message: fmt.Sprintf("figure %d", i)})
		}
		return Gated{Spec: s, Plan: p}
	}
	var twelve, eleven []Gated
	for i := range 12 {
		twelve = append(twelve, blocked(fmt.Sprintf("teams/s%02d.hcl", i), "spec.loosened"))
		if i < 11 {
			eleven = append(eleven, allowed(fmt.Sprintf("teams/a%02d.hcl", i), 1))
		}
	}
	eleven = append(eleven, allowed("teams/loud.hcl", 12))
	tests := []struct {
		name string
		gs   []Gated
		want []string
	}{
		{"a cover spec's dozen errors before a loosened spec",
			[]Gated{blocked("teams/a-cover.hcl", "acme.one", "acme.two", "acme.three", "acme.four"), blocked("teams/victim.hcl", "spec.loosened")},
			[]string{"::error file=teams/victim.hcl,title=costgate::blocked: no architecture is allowed; denied by spec.loosened\n",
				"::error title=costgate::8 more error(s) not annotated: GitHub shows 10 error annotations a step (17 errors in all); costgate check --format text lists every one\n"}},
		{"twelve blocked specs", twelve,
			[]string{"::error file=teams/s08.hcl,title=costgate::blocked", "3 more spec(s) blocked: teams/s09.hcl, teams/s10.hcl, teams/s11.hcl; 39 more error(s) not annotated"}},
		{"twelve allowed specs and 23 warnings", eleven,
			[]string{"::notice title=costgate::13 more warning(s) not annotated: GitHub shows 10 warning annotations a step (23 warnings in all); 3 more notice(s) not annotated: GitHub shows 10 notice annotations a step (12 notices in all); costgate check --format text lists every one\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := gateGitHub(&b, tt.gs); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, level := range []string{"error", "warning", "notice"} {
				if n := strings.Count(out, "::"+level+" "); n > GitHubWarningCap {
					t.Errorf("%d %s annotations, GitHub shows %d:\n%s", n, level, GitHubWarningCap, out)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in:\n%s", w, out)
				}
			}
		})
	}
}
