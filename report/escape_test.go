package report

import (
	"bytes"
	"context"
	"fmt"
	"github.com/costgate/costgate/internal/fixture"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/review"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// gfm renders Markdown as GitHub does, closely enough to see what a text
// can inject: tables, autolinks (linkify), strikethrough, and raw HTML
// passed through (WithUnsafe), so that HTML that survives escaping shows.
var gfm = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
)

func render(t testing.TB, md string) string {
	t.Helper()
	var out bytes.Buffer
	if err := gfm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// hostile texts a spec or a policy can carry.
var hostile = []string{
	"# Approved by the CFO",
	"\n# Heading after a newline\n\n## and another",
	"x\r\n=====",
	"![tracker](https://evil.example/pixel.png)",
	"[click here](https://evil.example/login)",
	"[ref]: https://evil.example",
	"see https://evil.example/a and www.evil.example",
	"<img src=x onerror=alert(1)>",
	"<details open><summary>ALLOWED</summary>",
	"</details></details><h1>ALLOWED</h1>",
	"<!-- hide the rest",
	"<script>alert(1)</script>",
	"cc @octocat and @acme/security-team",
	"cfo@acme.example",
	"| spoofed | row |\n| --- | --- |",
	"a | b | c",
	"```\ncode fence\n```",
	"~~~\nfence\n~~~",
	"`` ` ``",
	"`x` and ``y``",
	"**ALLOWED** ~~blocked~~",
	"&lt;b&gt; &amp; &#64;octocat",
	"$\\color{red}{ALLOWED}$",
	"trailing backslash \\",
	"> quoted\n> - list",
	"1. first\n2. second",
	"\u202eevil\u202c bidi override",
	"zero\u200bwidth",
	"tab\there",
	"\x00nul\x1b[31mansi",
	"\xff\xfe invalid utf-8",
	"Ω unicode ✓",
}

var tagRE = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)

// tagsIn counts the HTML elements of rendered output by name.
func tagsIn(rendered string) map[string]int {
	n := map[string]int{}
	for _, m := range tagRE.FindAllStringSubmatch(rendered, -1) {
		if m[1] == "" {
			n[strings.ToLower(m[2])]++
		}
	}
	return n
}

var mentionRE = regexp.MustCompile(`(^|[^A-Za-z0-9_\x60])@[A-Za-z0-9]`)

// textOf is the visible text of rendered HTML.
func textOf(rendered string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(rendered, ""))
}

// visible is what a reader must see of s: one line, cut, no zero-width
// spaces (mdText adds some to break mentions and links).
func visible(s string) string {
	return strings.ReplaceAll(oneLine(clip(s)), "\u200b", "")
}

func TestMdTextInjectsNothing(t *testing.T) {
	for _, s := range hostile {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			for _, doc := range []struct {
				md   string
				want map[string]int
			}{
				{"- **deny** " + mdText(s) + "\n", map[string]int{"ul": 1, "li": 1, "strong": 1}},
				{"| Option | Note |\n|---|---|\n| managed | " + mdText(s) + " |\n", map[string]int{"table": 1, "thead": 1, "tbody": 1, "tr": 2, "th": 2, "td": 2}},
				{"Team " + mdCode(s) + ", priced.\n", map[string]int{"p": 1, "code": 1}},
				{"| Input | Base |\n|---|---|\n| " + mdCode(s) + " | x |\n", map[string]int{"table": 1, "thead": 1, "tbody": 1, "tr": 2, "th": 2, "td": 2, "code": 1}},
			} {
				out := render(t, doc.md)
				got := tagsIn(out)
				// "_" is left alone, so an italic is possible and harmless.
				delete(got, "em")
				if fmt.Sprint(got) != fmt.Sprint(doc.want) {
					t.Errorf("elements %v, want %v\nmarkdown: %q\nhtml: %s", got, doc.want, doc.md, out)
				}
				text := textOf(out)
				if mentionRE.MatchString(text) && strings.Contains(doc.md, mdText(s)) {
					t.Errorf("a login follows an @ directly, GitHub would mention it: %q", text)
				}
				if strings.Contains(text, "://") || strings.Contains(strings.ToLower(text), "www.") {
					if !strings.Contains(doc.md, "`") {
						t.Errorf("a URL is left whole for the autolinker: %q", text)
					}
				}
				if want := visible(s); !strings.Contains(strings.ReplaceAll(text, "\u200b", ""), strings.TrimSpace(want)) && !strings.Contains(doc.md, "`") {
					t.Errorf("the text does not read as written:\nwant %q\ngot  %q", want, text)
				}
			}
		})
	}
}

func TestMdCodeReadsAsWritten(t *testing.T) {
	for _, s := range hostile {
		out := render(t, "x "+mdCode(s)+"\n")
		m := regexp.MustCompile(`(?s)<code>(.*)</code>`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%q: no code span in %s", s, out)
			continue
		}
		got := html.UnescapeString(m[1])
		want := strings.TrimSpace(oneLine(clip(s)))
		if strings.TrimSpace(got) != want && strings.TrimSpace(got) != strings.ReplaceAll(want, "|", `\|`) {
			t.Errorf("code span %q, want %q", got, want)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", MaxTextBytes) // two bytes each
	got := mdText(long)
	if len(got) > MaxTextBytes+40 || !strings.HasSuffix(got, fmt.Sprintf("… (%d more bytes cut)", len(long)-MaxTextBytes)) {
		t.Errorf("clipped to %d bytes, ending %q", len(got), got[len(got)-40:])
	}
	if mdText("short") != "short" {
		t.Error("short text changed")
	}
}

// hostilePlan is a real plan whose every text from a spec, a policy or a
// price book is hostile.
func hostilePlan(t *testing.T, payload string) *plan.Plan {
	t.Helper()
	p, err := plan.Build(context.Background(), fixture.Parse(t, "enterprise-hybrid.hcl", fixture.Example(t, "enterprise-hybrid.hcl")), fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	p.Team, p.Spec = payload, payload+".hcl"
	p.Decision.Reasons = append(p.Decision.Reasons, payload)
	for i := range p.Waivers {
		p.Waivers[i].Name, p.Waivers[i].Reason, p.Waivers[i].Approver, p.Waivers[i].Policy = payload, payload, payload, payload
	}
	if len(p.Waivers) == 0 {
		p.Waivers = append(p.Waivers, plan.Waiver{Name: payload, Policy: payload, Approver: payload, Reason: payload, Expires: payload})
	}
	for i := range p.Options {
		p.Options[i].Violations = append(p.Options[i].Violations, plan.Finding{Policy: payload, Option: p.Options[i].Architecture, Message: payload})
		p.Options[i].Warnings = append(p.Options[i].Warnings, plan.Finding{Policy: payload, Message: payload})
		p.Options[i].Allowed = false
		// A price book (a stack's own) names the instance types and GPUs.
		if s := p.Options[i].Sizing; s != nil {
			cp := *s
			cp.Model, cp.InstanceType, cp.GPU = payload, payload, payload
			p.Options[i].Sizing = &cp
		}
	}
	p.Warnings = append(p.Warnings, plan.Finding{Policy: payload, Message: payload})
	return p
}

// TestPlanMarkdownInjectsNothing: whatever a spec or policy says, the plan
// renders with the same elements as a plain one: one heading, no link,
// image, or HTML but the folds.
func TestPlanMarkdownInjectsNothing(t *testing.T) {
	var plain bytes.Buffer
	if err := Markdown(&plain, hostilePlan(t, "plain")); err != nil {
		t.Fatal(err)
	}
	want := tagsIn(render(t, plain.String()))
	for _, s := range hostile {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, hostilePlan(t, s)); err != nil {
				t.Fatal(err)
			}
			got := tagsIn(render(t, b.String()))
			delete(got, "em")
			w := maps(want)
			delete(w, "em")
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("elements %v\nwant     %v\n%s", got, w, b.String())
			}
			// GitHub mentions nobody inside code spans.
			noCode := regexp.MustCompile(`(?s)<code>.*?</code>`).ReplaceAllString(render(t, b.String()), "")
			if mentionRE.MatchString(textOf(noCode)) {
				t.Error("an @-mention survives")
			}
		})
	}
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestMarkdownStaysUnderGitHubsLimit: a thousand specs, or one whose
// policies say a megabyte, still make one comment GitHub accepts, and it
// says that it was summarised.
func TestMarkdownStaysUnderGitHubsLimit(t *testing.T) {
	base := fixture.Parse(t, "base.hcl", fixture.Enterprise600(t))
	head := fixture.Parse(t, "head.hcl", fixture.Edit(t, fixture.Enterprise600(t), "developers           = 600", "developers           = 700"))
	d, err := review.Compare(context.Background(), base, head, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("<b>@everyone</b> ", 1<<16)
	p, err := plan.Build(context.Background(), base, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	many := func(n int) ([]*plan.Plan, []*review.Diff) {
		var ps []*plan.Plan
		var ds []*review.Diff
		for i := range n {
			cp := *p
			cp.Spec = fmt.Sprintf("teams/team-%04d.hcl", i)
			ps = append(ps, &cp)
			dc := *d
			dc.Spec = cp.Spec
			ds = append(ds, &dc)
		}
		return ps, ds
	}
	loud := *p
	loud.Warnings = nil
	for i := range 10000 {
		loud.Warnings = append(loud.Warnings, plan.Finding{Policy: fmt.Sprintf("acme.noise%d", i), Message: huge})
	}
	loudDiff := *d
	loudDiff.Policies = nil
	for range 10000 {
		loudDiff.Policies = append(loudDiff.Policies, review.PolicyChange{Change: "appeared", Kind: "warn", Policy: huge, Option: "managed", Message: huge})
	}
	ps1000, ds1000 := many(1000)
	ps3, ds3 := many(3)
	tests := []struct {
		name       string
		plans      []*plan.Plan
		diffs      []*review.Diff
		summarised bool
	}{
		{"three specs", ps3, ds3, false},
		{"a thousand specs", ps1000, ds1000, true},
		{"one spec with a megabyte of warnings", []*plan.Plan{&loud}, []*review.Diff{&loudDiff}, true},
		{"loud spec among others", append([]*plan.Plan{&loud}, ps3...), append([]*review.Diff{&loudDiff}, ds3...), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pb, db bytes.Buffer
			if err := MarkdownPlans(&pb, tt.plans); err != nil {
				t.Fatal(err)
			}
			if err := DiffMarkdown(&db, tt.diffs); err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"plans": pb.String(), "diff": db.String()} {
				if n := len([]rune(out)); n > CommentLimit {
					t.Errorf("%s: %d characters, above GitHub's %d", name, n, CommentLimit)
				}
				if got := strings.Contains(out, "**Summarised:**"); got != tt.summarised {
					t.Errorf("%s: summarised = %v, want %v (%d bytes)", name, got, tt.summarised, len(out))
				}
				// The folds stay balanced: no section is cut half way.
				r := render(t, out)
				if o, c := strings.Count(r, "<details>"), strings.Count(r, "</details>"); o != c {
					t.Errorf("%s: %d <details> but %d </details>", name, o, c)
				}
				if tt.summarised && len(tt.plans) == 1000 && !strings.Contains(out, "teams/team-0999.hcl") && !strings.Contains(out, "more.") {
					t.Errorf("%s: the specs past the budget are neither listed nor counted", name)
				}
			}
		})
	}
}

// FuzzMdText: any text, in a list item and a table cell, renders as text
// alone, in one cell.
func FuzzMdText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := render(t, "| a | b |\n|---|---|\n| "+mdText(s)+" | "+mdCode(s)+" |\n")
		got := tagsIn(out)
		delete(got, "em")
		want := map[string]int{"table": 1, "thead": 1, "tbody": 1, "tr": 2, "th": 2, "td": 2, "code": 1}
		if mdCode(s) == "-" {
			delete(want, "code") // empty text shows as a dash
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("elements %v for %q:\n%s", got, s, out)
		}
	})
}

// TestTextInjectsNothing: in the text report (a terminal, a CI log) a
// spec's or policy's text can start no line of its own — no forged
// "::error::" workflow command, no fake report line — and carries no
// terminal escape.
func TestTextInjectsNothing(t *testing.T) {
	var plainOut bytes.Buffer
	if err := Text(&plainOut, hostilePlan(t, "plain")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(plainOut.String(), "\n")
	var gatePlain bytes.Buffer
	if err := gateText(&gatePlain, []Gated{{Plan: hostilePlan(t, "plain")}}); err != nil {
		t.Fatal(err)
	}
	gateLines := strings.Count(gatePlain.String(), "\n")
	for _, s := range append(hostile, "x\n::error file=teams/a.hcl::ALLOWED", "\x1b[2K\rALLOWED", "a\u2028b\u0085c") {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			var b, g bytes.Buffer
			if err := Text(&b, hostilePlan(t, s)); err != nil {
				t.Fatal(err)
			}
			if err := gateText(&g, []Gated{{Plan: hostilePlan(t, s)}}); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(g.String(), "\n"); n != gateLines {
				t.Errorf("check's text: %d lines, want %d: the text broke a line\n%s", n, gateLines, g.String())
			}
			out := b.String() + g.String()
			if n := strings.Count(b.String(), "\n"); n != lines {
				t.Errorf("%d lines, want %d: the text broke a line", n, lines)
			}
			if strings.ContainsAny(out, "\x1b\r\u202e\u0085\u2028") {
				t.Errorf("a control character reached the output: %q", out)
			}
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "::") {
					t.Errorf("a line starts a workflow command: %q", l)
				}
			}
		})
	}
}

// TestMarkdownListsAtMostMaxFindings: a policy that emits hundreds of
// results gets the first MaxFindings listed and the rest counted.
func TestMarkdownListsAtMostMaxFindings(t *testing.T) {
	p := hostilePlan(t, "x")
	p.Warnings = nil
	for i := range MaxFindings + 100 {
		p.Warnings = append(p.Warnings, plan.Finding{Policy: "acme.noise", Message: fmt.Sprintf("note %d", i)})
	}
	var b bytes.Buffer
	if err := Markdown(&b, p); err != nil {
		t.Fatal(err)
	}
	_, total := planFindings(p)
	out := b.String()
	if !strings.Contains(out, fmt.Sprintf("- … and %d more, not shown", total-MaxFindings)) || strings.Count(out, "\n- warn `acme.noise`") > MaxFindings {
		t.Errorf("findings not capped at %d of %d", MaxFindings, total)
	}
}

// TestSummaryKeepsBlockedAndLoosened: specs a change adds or pads (long
// file names, loud policies) fill the comment, yet a blocked or loosened
// spec is still named, with what it loosens and what denies it: such
// specs come first, in full or in the summary, and the count of those
// left out says how many are.
func TestSummaryKeepsBlockedAndLoosened(t *testing.T) {
	for _, tt := range summaryCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			var db, pb bytes.Buffer
			if err := DiffMarkdown(&db, tt.diffs); err != nil {
				t.Fatal(err)
			}
			if err := MarkdownPlans(&pb, tt.plans); err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"diff": db.String(), "plans": pb.String()} {
				if n := len([]rune(out)); n > CommentLimit {
					t.Errorf("%s: %d characters, above GitHub's %d", name, n, CommentLimit)
				}
				for _, w := range tt.want {
					if name == "plans" && strings.Contains(w, "budget") {
						continue // a plan names its denials, not its loosenings
					}
					if !strings.Contains(out, w) {
						t.Errorf("%s: %q is not in the comment:\n%s", name, w, out[max(0, len(out)-3000):])
					}
				}
			}
		})
	}
}

type summaryCase struct {
	name  string
	diffs []*review.Diff
	plans []*plan.Plan
	want  []string
}

// summaryCases are comments past the budget with a blocked or loosened
// spec last, and what they must say of it.
func summaryCases(t *testing.T) []summaryCase {
	base := fixture.Parse(t, "base.hcl", fixture.Enterprise600(t))
	head := fixture.Parse(t, "head.hcl", fixture.Edit(t, fixture.Enterprise600(t), "developers           = 600", "developers           = 700"))
	d, err := review.Compare(context.Background(), base, head, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(context.Background(), base, fixture.Options())
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a", 240)
	long = "teams/" + long + "/" + long + "/" + long
	loosen := func(name string, blocked bool) (*review.Diff, *plan.Plan) {
		dc, pc := *d, *p
		dc.Spec, pc.Spec = name, name
		dc.Loosened = []plan.Loosening{{Attribute: "budget.monthly_limit_usd", Line: 56, Message: "budget.monthly_limit_usd rises"}}
		pc.Loosened = dc.Loosened
		if blocked {
			dc.Decision.Head, pc.Decision.Architecture = "blocked", "blocked"
			dc.Options = slices.Clone(d.Options)
			pc.Options = slices.Clone(p.Options)
			for i := range dc.Options {
				dc.Options[i].HeadDenials = []string{"spec.loosened"}
			}
			for i := range pc.Options {
				pc.Options[i].Allowed = false
				pc.Options[i].Violations = []plan.Finding{{Policy: "spec.loosened", Message: "loosened"}}
			}
		}
		return &dc, &pc
	}
	fillers := func(n int, loosened bool) ([]*review.Diff, []*plan.Plan) {
		var ds []*review.Diff
		var ps []*plan.Plan
		for i := range n {
			name := fmt.Sprintf("%s/%03d.hcl", long, i)
			dc, pc := loosen(name, loosened)
			if !loosened {
				dc.Loosened, pc.Loosened = nil, nil
			}
			ds, ps = append(ds, dc), append(ps, pc)
		}
		return ds, ps
	}
	victimD, victimP := loosen("teams/victim.hcl", true)
	approvedD, approvedP := loosen("teams/victim.hcl", false)
	loudD, loudP := loosen("teams/victim.hcl", true)
	for range 5000 {
		loudD.Policies = append(loudD.Policies, review.PolicyChange{Change: "appeared", Kind: "warn", Policy: "acme.noise", Option: "managed", Message: strings.Repeat("x", 900)})
		loudP.Warnings = append(loudP.Warnings, plan.Finding{Policy: "acme.noise", Message: strings.Repeat("x", 900)})
	}
	fd, fp := fillers(60, false)
	ld, lp := fillers(60, true)
	return []summaryCase{
		{"blocked and loosened after 60 long-named specs", append(slices.Clone(fd), victimD), append(slices.Clone(fp), victimP),
			[]string{"teams/victim.hcl", "budget.monthly_limit_usd", "spec.loosened"}},
		{"loosened and approved after 60 long-named specs", append(slices.Clone(fd), approvedD), append(slices.Clone(fp), approvedP),
			[]string{"teams/victim.hcl", "budget.monthly_limit_usd"}},
		{"loosened spec too loud to show in full", append(slices.Clone(fd[:3]), loudD), append(slices.Clone(fp[:3]), loudP),
			[]string{"teams/victim.hcl", "**Loosened:** budget.monthly_limit_usd.", "**Denied:** spec.loosened."}},
		{"more loosened specs than the summary holds", append(slices.Clone(ld), victimD), append(slices.Clone(lp), victimP),
			[]string{"of them blocked or loosened."}},
	}
}
