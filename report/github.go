package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/hashicorp/hcl/v2"
)

// FormatGitHub writes GitHub Actions workflow commands that annotate the
// spec line behind each finding.
const FormatGitHub = "github"

// GitHubWarningCap is how many annotations of one level (error, warning,
// notice) GitHub shows per step; the runner drops the rest silently.
const GitHubWarningCap = 10

// annotator collects workflow commands by level and writes at most
// GitHubWarningCap of each, a blocked spec's verdict before any other
// error; the rest are counted in one line of their level.
type annotator struct {
	// verdicts are the blocked specs' errors, one each; blocked names
	// their specs.
	verdicts, blocked []string
	lines             map[string][]string
}

// at records one annotation at a spec position.
func (a *annotator) at(level, file string, rng hcl.Range, title, msg string) {
	a.add(level, fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=%s::%s", level, ghEscapeProp(file), rng.Start.Line, rng.Start.Column, ghEscapeProp(plain(title)), ghEscape(msg)))
}

func (a *annotator) add(level, line string) {
	if a.lines == nil {
		a.lines = map[string][]string{}
	}
	a.lines[level] = append(a.lines[level], line)
}

// verdict records a blocked spec's error, naming the policies that deny
// it: written first, so that no other spec's errors (a cover spec's dozen)
// can take GitHub's ten and hide that this one is blocked.
func (a *annotator) verdict(p *plan.Plan) {
	var ids []string
	for _, o := range p.Options {
		for _, v := range o.Violations {
			if !slices.Contains(ids, v.Policy) {
				ids = append(ids, v.Policy)
			}
		}
	}
	msg := "blocked: no architecture is allowed"
	if len(ids) > 0 {
		msg += "; denied by " + strings.Join(ids, ", ")
	}
	a.verdicts = append(a.verdicts, fmt.Sprintf("::error file=%s,title=costgate::%s", ghEscapeProp(p.Spec), ghEscape(msg)))
	a.blocked = append(a.blocked, p.Spec)
}

// write writes the annotations: each level within GitHub's cap, the
// warnings past it counted in the notices' line.
func (a *annotator) write(b *strings.Builder) {
	errs := append(slices.Clone(a.verdicts), a.lines["error"]...)
	var blocked []string
	if shown := GitHubWarningCap - 1; len(errs) > GitHubWarningCap && len(a.verdicts) > shown {
		blocked = append(blocked, fmt.Sprintf("%d more spec(s) blocked: %s", len(a.verdicts)-shown, strings.Join(a.blocked[shown:], ", ")))
	}
	capped(b, "error", errs, blocked)
	warns := a.lines["warning"]
	var notes []string
	if n := len(warns) - GitHubWarningCap; n > 0 {
		notes = append(notes, fmt.Sprintf("%d more warning(s) not annotated: GitHub shows %d warning annotations a step (%d warnings in all)", n, GitHubWarningCap, len(warns)))
		warns = warns[:GitHubWarningCap]
	}
	for _, l := range warns {
		b.WriteString(l + "\n")
	}
	capped(b, "notice", a.lines["notice"], notes)
}

// capped writes lines of one level, and notes and a count of the lines
// left out in one last line of that level, within GitHubWarningCap lines.
func capped(b *strings.Builder, level string, lines, notes []string) {
	keep := len(lines)
	if len(notes) > 0 || keep > GitHubWarningCap {
		keep = min(keep, GitHubWarningCap-1)
	}
	if n := len(lines) - keep; n > 0 {
		notes = append(notes, fmt.Sprintf("%d more %s(s) not annotated: GitHub shows %d %s annotations a step (%d %ss in all)", n, level, GitHubWarningCap, level, len(lines), level))
	}
	for _, l := range lines[:keep] {
		b.WriteString(l + "\n")
	}
	if len(notes) > 0 {
		fmt.Fprintf(b, "::%s title=costgate::%s\n", level, ghEscape(strings.Join(notes, "; ")+"; costgate check --format text lists every one"))
	}
}

// gateGitHub writes workflow annotations: an error for each denial when
// the plan is blocked (a warning when another option was allowed), at the
// spec line that triggered the policy, and a warning for each plan-level
// warning, at the attribute it names (else the team block). Each blocked
// spec's verdict comes before every other error; annotations past
// GitHub's cap of each level are counted in one line of that level.
func gateGitHub(w io.Writer, gs []Gated) error {
	a := &annotator{}
	for _, pp := range gs {
		p := pp.Plan
		blocked := p.Decision.Architecture == architecture.Blocked
		for _, o := range p.Options {
			for _, v := range o.Violations {
				level := "warning"
				if blocked {
					level = "error"
				}
				a.at(level, p.Spec, policyRange(pp.Spec, v), v.Policy+" ("+string(o.Architecture)+")", v.Message)
			}
		}
		annotateWaivers(a, pp)
		for _, v := range chosenWarnings(p) {
			a.at("warning", p.Spec, policyRange(pp.Spec, v), v.Policy+" ("+string(p.Decision.Architecture)+")", v.Message)
		}
		for _, v := range PlanWarnings(p) {
			a.at("warning", p.Spec, policyRange(pp.Spec, v), v.Policy, v.Message)
		}
		if blocked {
			a.verdict(p)
		} else {
			a.add("notice", fmt.Sprintf("::notice file=%s,title=costgate::%s", ghEscapeProp(p.Spec), ghEscape(p.Decision.Reasons[0])))
		}
	}
	b := &strings.Builder{}
	a.write(b)
	return writeCommands(w, b.String())
}

// annotateWaivers annotates a spec's overrides: expired, refused,
// unverified, and what each waives.
func annotateWaivers(a *annotator, pp Gated) {
	p := pp.Plan
	for _, w := range p.Waivers {
		rng := overrideRange(pp.Spec, w.Name)
		switch {
		case w.Review:
		case w.Expired:
			a.at("warning", p.Spec, rng, "override "+w.Name+" expired",
				fmt.Sprintf("Override %q for %s expired on %s and waives nothing (approved by %s: %s).", w.Name, w.Policy, w.Expires, w.Approver, w.Reason))
		case w.Refused != "":
			a.at("error", p.Spec, rng, "override "+w.Name+" refused",
				fmt.Sprintf("Override %q for %s is refused (%s) and waives nothing.", w.Name, w.Policy, w.Refused))
		case len(w.Waived) > 0:
			if w.Unverified() {
				a.at("warning", p.Spec, rng, "override "+w.Name+" unverified",
					fmt.Sprintf("Override %q counts without evidence that %s approved it (no --approvals).", w.Name, w.Approver))
			}
			a.at("notice", p.Spec, rng, "override "+w.Name,
				fmt.Sprintf("Waives %s for %s until %s, approved by %s: %s.", w.Policy, strings.Join(w.Waived, ", "), w.Expires, w.Approver, w.Reason))
		}
	}
}

// writeCommands writes the github format's lines: costgate's own
// workflow commands (the lines starting with "::", whose text ghEscape
// kept on one line) live through a CommandSafe, which escapes any other
// line; to any other writer, as they are.
func writeCommands(w io.Writer, lines string) error {
	c, ok := w.(*CommandSafe)
	if !ok {
		_, err := io.WriteString(w, lines)
		return err
	}
	for line := range strings.Lines(lines) {
		var err error
		if strings.HasPrefix(line, "::") {
			err = c.Command(strings.TrimSuffix(line, "\n"))
		} else {
			_, err = io.WriteString(c, line)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// policyRange finds the spec attribute a policy finding is about: the
// policy says which (its finding's "attribute"), so no policy id is known here.
func policyRange(s *spec.Spec, f plan.Finding) hcl.Range {
	// The finding names its attribute ("workload.chat.max_ttft_ms"); fall
	// back to the blocks that hold it, then to the team block.
	var keys []string
	for k := f.Attribute; k != ""; {
		keys = append(keys, k)
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	keys = append(keys, "team")
	for _, k := range keys {
		if r, ok := s.Ranges[k]; ok {
			return r
		}
	}
	return hcl.Range{Filename: s.Filename, Start: hcl.Pos{Line: 1, Column: 1}}
}

// overrideRange finds an override block in the spec.
func overrideRange(s *spec.Spec, name string) hcl.Range {
	if r, ok := s.Ranges["override."+name]; ok {
		return r
	}
	return hcl.Range{Filename: s.Filename, Start: hcl.Pos{Line: 1, Column: 1}}
}

// ghEscape escapes a workflow command's message. The text is shown as
// the text output shows it (plain): on one line, with control and
// invisible formatting characters as escapes, so that a bidi override or
// a zero-width space from a spec or a policy cannot reorder or hide the
// words of an annotation, nor a line break start a line of its own.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(plain(s))
}

// ghEscapeProp escapes a workflow command's property value.
func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
