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

// gateGitHub writes workflow annotations: an error for each denial when
// the plan is blocked (a warning when another option was allowed), at the
// spec line that triggered the policy.
func gateGitHub(w io.Writer, gs []Gated) error {
	b := &strings.Builder{}
	for _, pp := range gs {
		p := pp.Plan
		blocked := p.Decision.Architecture == architecture.Blocked
		for _, o := range p.Options {
			for _, v := range o.Violations {
				level := "warning"
				if blocked {
					level = "error"
				}
				rng := policyRange(pp.Spec, v)
				fmt.Fprintf(b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level, ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column,
					ghEscapeProp(v.Policy+" ("+o.Architecture+")"), ghEscape(v.Message))
			}
		}
		for _, w := range p.Waivers {
			rng := overrideRange(pp.Spec, w.Name)
			if w.Review {
				continue
			}
			if w.Expired {
				fmt.Fprintf(b, "::warning file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp("override "+w.Name+" expired"),
					ghEscape(fmt.Sprintf("Override %q for %s expired on %s and waives nothing (approved by %s: %s).", w.Name, w.Policy, w.Expires, w.Approver, w.Reason)))
			} else if w.Refused != "" {
				fmt.Fprintf(b, "::error file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp("override "+w.Name+" refused"),
					ghEscape(fmt.Sprintf("Override %q for %s is refused (%s) and waives nothing.", w.Name, w.Policy, w.Refused)))
			} else if len(w.Waived) > 0 {
				if w.Unverified() {
					fmt.Fprintf(b, "::warning file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp("override "+w.Name+" unverified"),
						ghEscape(fmt.Sprintf("Override %q counts without evidence that %s approved it (no --approvals).", w.Name, w.Approver)))
				}
				fmt.Fprintf(b, "::notice file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp("override "+w.Name),
					ghEscape(fmt.Sprintf("Waives %s for %s until %s, approved by %s: %s.", w.Policy, strings.Join(w.Waived, ", "), w.Expires, w.Approver, w.Reason)))
			}
		}
		for _, v := range MeasuredWarnings(p) {
			rng := policyRange(pp.Spec, v)
			fmt.Fprintf(b, "::warning file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp(v.Policy), ghEscape(v.Message))
		}
		if blocked {
			fmt.Fprintf(b, "::error file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape("blocked: no architecture is allowed"))
		} else {
			fmt.Fprintf(b, "::notice file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape(p.Decision.Reasons[0]))
		}
	}
	return writeCommands(w, b.String())
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

// ghEscape escapes a workflow command's message.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghEscapeProp escapes a workflow command's property value.
func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
