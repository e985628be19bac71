package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/hashicorp/hcl/v2"
)

// FormatGitHub writes GitHub Actions workflow commands that annotate the
// spec line behind each finding.
const FormatGitHub = "github"

// GitHubWarningCap is how many warning annotations GitHub shows per step
// (and as many errors); the runner drops the rest silently.
const GitHubWarningCap = 10

// annotator writes workflow commands, at most GitHubWarningCap warnings;
// the rest are counted for the summary line.
type annotator struct {
	b        *strings.Builder
	warnings int
	dropped  int
}

// at writes one annotation at a spec position.
func (a *annotator) at(level, file string, rng hcl.Range, title, msg string) {
	if level == "warning" {
		if a.warnings >= GitHubWarningCap {
			a.dropped++
			return
		}
		a.warnings++
	}
	fmt.Fprintf(a.b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level, ghEscapeProp(file), rng.Start.Line, rng.Start.Column, ghEscapeProp(plain(title)), ghEscape(msg))
}

// summary writes the line that counts the warnings the cap left out.
func (a *annotator) summary() {
	if a.dropped > 0 {
		fmt.Fprintf(a.b, "::notice title=costgate::%s\n", ghEscape(fmt.Sprintf(
			"%d more warning(s) not annotated: GitHub shows %d warning annotations a step (%d warnings in all); costgate check --format text lists every one",
			a.dropped, GitHubWarningCap, a.warnings+a.dropped)))
	}
}

// gateGitHub writes workflow annotations: an error for each denial when
// the plan is blocked (a warning when another option was allowed), at the
// spec line that triggered the policy, and a warning for each plan-level
// warning, at the attribute it names (else the team block). Warnings past
// GitHub's cap are counted in one summary line.
func gateGitHub(w io.Writer, gs []Gated) error {
	a := &annotator{b: &strings.Builder{}}
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
		for _, v := range chosenWarnings(p) {
			a.at("warning", p.Spec, policyRange(pp.Spec, v), v.Policy+" ("+string(p.Decision.Architecture)+")", v.Message)
		}
		for _, v := range PlanWarnings(p) {
			a.at("warning", p.Spec, policyRange(pp.Spec, v), v.Policy, v.Message)
		}
		if blocked {
			fmt.Fprintf(a.b, "::error file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape("blocked: no architecture is allowed"))
		} else {
			fmt.Fprintf(a.b, "::notice file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape(p.Decision.Reasons[0]))
		}
	}
	a.summary()
	return writeCommands(w, a.b.String())
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
