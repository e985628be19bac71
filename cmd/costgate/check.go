package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
)

var checkFormats = []string{"text", "json", "github"}

func newCheckCmd() *cobra.Command {
	var f planFlags
	var baseRef string
	cmd := &cobra.Command{
		Use:   "check SPEC...",
		Short: "The CI gate: exit 0 when every spec's plan is allowed, 1 when one is blocked",
		Long: `check plans each spec and reports only the gate: the decision, every denial
and waiver. Use it as the pull-request gate.

Formats: text; json (one object per spec); github (workflow commands
"::error file=…,line=…::…" that annotate the spec line behind each denial).

Overrides waive only what the waiver rules allow (policy data: which ids,
which approvers, how many days). With --approvals, an override counts only
when its approver approved the change; without it, overrides count but are
reported as unverified. With --base-ref, a change that loosens a spec's
compliance block or raises its budget is denied as spec.loosened unless
--approvals names an allowed approver.

Exit codes: 0 allowed, 1 blocked by a policy, 2 invalid spec or policy
(including a policy that does not finish within --policy-timeout).`,
		Example: `  costgate check teams/*.hcl
  costgate check teams/acme.hcl --format github --policy-dir policies/acme
  costgate check --base-ref origin/main --approvals approvals.json -- teams/*.hcl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, checkFormats); err != nil {
				return err
			}
			ps, err := buildPlans(&f, args, baseRef, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch f.format {
			case "json":
				err = checkJSON(out, ps)
			case "github":
				err = checkGitHub(out, ps)
			default:
				err = checkText(out, ps)
			}
			if err != nil {
				return err
			}
			if anyBlocked(ps) {
				return errBlocked
			}
			return nil
		},
	}
	f.register(cmd, strings.Join(checkFormats, "|"))
	cmd.Flags().StringVar(&baseRef, "base-ref", "", "git revision the change is reviewed against: loosening a spec's compliance or budget since then needs an approval")
	f.drift.register(cmd)
	return cmd
}

func checkFormat(format string, allowed []string) error {
	if !slices.Contains(allowed, format) {
		return invalid(fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(allowed, ", ")))
	}
	return nil
}

func checkText(w io.Writer, ps []planned) error {
	b := &strings.Builder{}
	for _, pp := range ps {
		p := pp.plan
		if c := p.Chosen(); c != nil {
			fmt.Fprintf(b, "ALLOWED  %s: %s at $%s/month expected\n", p.Spec, p.Decision.Architecture, plan.USD(c.MonthlyUSD.Expected))
		} else {
			fmt.Fprintf(b, "BLOCKED  %s\n", p.Spec)
		}
		for _, o := range p.Options {
			for _, v := range o.Violations {
				fmt.Fprintf(b, "  deny    %s %s: %s\n", o.Architecture, v.Policy, v.Message)
			}
			for _, v := range o.Waived {
				fmt.Fprintf(b, "  waived  %s %s: %s\n", o.Architecture, v.Policy, v.Message)
			}
		}
		for _, w := range p.Waivers {
			switch {
			case w.Expired:
				fmt.Fprintf(b, "  expired override %q for %s (expired %s, approved by %s)\n", w.Name, w.Policy, w.Expires, w.Approver)
			case w.Refused != "":
				fmt.Fprintf(b, "  refused override %q for %s (%s; approved by %s, until %s)\n", w.Name, w.Policy, w.Refused, w.Approver, w.Expires)
			case w.Unverified():
				fmt.Fprintf(b, "  unverified override %q for %s (approved by %s, not evidenced: no --approvals)\n", w.Name, w.Policy, w.Approver)
			}
		}
		for _, f := range p.Warnings {
			if f.Policy == plan.PolicyOverrideUnknown {
				fmt.Fprintf(b, "  warn    %s: %s\n", f.Policy, f.Message)
			}
		}
		for _, w := range measuredWarnings(p) {
			fmt.Fprintf(b, "  warn    %s: %s\n", w.Policy, w.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// checkResult is one spec's gate result in JSON.
type checkResult struct {
	Spec       string         `json:"spec"`
	Decision   plan.Decision  `json:"decision"`
	Allowed    bool           `json:"allowed"`
	Violations []plan.Finding `json:"violations"`
	Waived     []plan.Finding `json:"waived"`
	Waivers    []plan.Waiver  `json:"waivers"`
	// Loosened lists how the change relaxes the base spec (--base-ref).
	Loosened []plan.Loosening `json:"loosened"`
	// Overrides are warnings about overrides: refused, unknown, expired.
	Overrides []plan.Finding `json:"override_warnings"`
	// Warnings are measured usage's (--usage): drift, breakeven, capacity.
	Warnings []plan.Finding `json:"warnings,omitempty"`
}

func checkJSON(w io.Writer, ps []planned) error {
	out := make([]checkResult, 0, len(ps))
	for _, pp := range ps {
		p := pp.plan
		r := checkResult{Spec: p.Spec, Decision: p.Decision, Allowed: p.Decision.Architecture != plan.Blocked,
			Violations: []plan.Finding{}, Waived: []plan.Finding{}, Waivers: p.Waivers, Loosened: p.Loosened, Overrides: []plan.Finding{},
			Warnings: measuredWarnings(p)}
		if r.Loosened == nil {
			r.Loosened = []plan.Loosening{}
		}
		for _, w := range p.Warnings {
			if strings.HasPrefix(w.Policy, "override.") {
				r.Overrides = append(r.Overrides, w)
			}
		}
		for _, o := range p.Options {
			r.Violations = append(r.Violations, o.Violations...)
			r.Waived = append(r.Waived, o.Waived...)
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// checkGitHub writes workflow annotations: an error for each denial when
// the plan is blocked (a warning when another option was allowed), at the
// spec line that triggered the policy.
func checkGitHub(w io.Writer, ps []planned) error {
	b := &strings.Builder{}
	for _, pp := range ps {
		p := pp.plan
		blocked := p.Decision.Architecture == plan.Blocked
		for _, o := range p.Options {
			for _, v := range o.Violations {
				level := "warning"
				if blocked {
					level = "error"
				}
				rng := policyRange(pp.spec, v)
				fmt.Fprintf(b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level, ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column,
					ghEscapeProp(v.Policy+" ("+o.Architecture+")"), ghEscape(v.Message))
			}
		}
		for _, w := range p.Waivers {
			rng := overrideRange(pp.spec, w.Name)
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
		for _, v := range measuredWarnings(p) {
			rng := policyRange(pp.spec, v)
			fmt.Fprintf(b, "::warning file=%s,line=%d,col=%d,title=%s::%s\n", ghEscapeProp(p.Spec), rng.Start.Line, rng.Start.Column, ghEscapeProp(v.Policy), ghEscape(v.Message))
		}
		if blocked {
			fmt.Fprintf(b, "::error file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape("blocked: no architecture is allowed"))
		} else {
			fmt.Fprintf(b, "::notice file=%s,title=costgate::%s\n", ghEscapeProp(p.Spec), ghEscape(p.Decision.Reasons[0]))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// policyRange finds the spec attribute a policy finding is about.
func policyRange(s *spec.Spec, f plan.Finding) hcl.Range {
	var keys []string
	if f.Attribute != "" {
		keys = append(keys, f.Attribute)
	}
	switch {
	case f.Policy == "compliance.external_api":
		keys = []string{"compliance.code_may_leave_network", "compliance"}
	case f.Policy == "compliance.provider":
		keys = []string{"compliance.allowed_providers", "managed.provider", "compliance"}
	case f.Policy == "spend.limit":
		keys = []string{"budget.monthly_limit_usd", "budget"}
	case f.Policy == "spend.approval":
		keys = []string{"budget.approval_above_usd", "budget"}
	case f.Policy == "latency.ttft":
		// The message names the workload as a word of its own ("chat" must
		// not match "chatbot"); workload names hold no spaces or punctuation
		// but - and _.
		words := strings.FieldsFunc(f.Message, func(r rune) bool {
			return !(r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
		})
		for _, wl := range s.Workloads {
			if slices.Contains(words, wl.Name) {
				keys = append(keys, "workload."+wl.Name+".max_ttft_ms")
			}
		}
	case strings.HasPrefix(f.Policy, "capacity."):
		keys = []string{"self_hosted.target_utilization", "self_hosted"}
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
