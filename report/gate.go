package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/costgate/costgate/architecture"
	"github.com/costgate/costgate/plan"
	"github.com/costgate/costgate/spec"
	"github.com/costgate/costgate/units"
)

// Gated is one spec and its plan, what costgate check reports.
type Gated struct {
	Spec *spec.Spec
	Plan *plan.Plan
}

// PlanWarnings are the plan-level warnings the gate's outputs show: every
// one but the override warnings they show as override lines (refused,
// expired).
func PlanWarnings(p *plan.Plan) []plan.Finding {
	var out []plan.Finding
	for _, w := range p.Warnings {
		if w.Policy != plan.PolicyOverrideRefused && w.Policy != plan.PolicyOverrideExpired {
			out = append(out, w)
		}
	}
	return out
}

// chosenWarnings are the warnings of the option the plan decided on: what
// the change would deploy (a fleet above its target utilization, a first
// token that waits minutes, a listener on plain HTTP), which a reviewer
// reads beside the denials of the others.
func chosenWarnings(p *plan.Plan) []plan.Finding {
	if c := p.Chosen(); c != nil {
		return c.Warnings
	}
	return nil
}

func gateText(w io.Writer, gs []Gated) error {
	b := &strings.Builder{}
	for _, g := range gs {
		writeGateText(b, g)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// encodeGateText renders one spec's gate result as gateText does
// (GateEncoder).
func encodeGateText(g Gated) []byte {
	b := &strings.Builder{}
	writeGateText(b, g)
	return []byte(b.String())
}

func writeGateText(b *strings.Builder, pp Gated) {
	p := pp.Plan
	if c := p.Chosen(); c != nil {
		fmt.Fprintf(b, "ALLOWED  %s: %s at $%s/month expected\n", plain(p.Spec), p.Decision.Architecture, units.Count(c.MonthlyUSD.Expected))
	} else {
		fmt.Fprintf(b, "BLOCKED  %s\n", plain(p.Spec))
	}
	for _, o := range p.Options {
		for _, v := range o.Violations {
			fmt.Fprintf(b, "  deny    %s %s: %s\n", o.Architecture, plain(v.Policy), plain(v.Message))
		}
		for _, v := range o.Waived {
			fmt.Fprintf(b, "  waived  %s %s: %s\n", o.Architecture, plain(v.Policy), plain(v.Message))
		}
	}
	for _, w := range p.Waivers {
		switch {
		case w.Expired:
			fmt.Fprintf(b, "  expired override %q for %s (expired %s, approved by %s)\n", w.Name, plain(w.Policy), plain(w.Expires), plain(w.Approver))
		case w.Refused != "":
			fmt.Fprintf(b, "  refused override %q for %s (%s; approved by %s, until %s)\n", w.Name, plain(w.Policy), plain(w.Refused), plain(w.Approver), plain(w.Expires))
		case w.Unverified():
			fmt.Fprintf(b, "  unverified override %q for %s (approved by %s, not evidenced: no --approvals)\n", w.Name, plain(w.Policy), plain(w.Approver))
		}
	}
	for _, f := range chosenWarnings(p) {
		fmt.Fprintf(b, "  warn    %s %s: %s\n", p.Decision.Architecture, plain(f.Policy), plain(f.Message))
	}
	for _, f := range PlanWarnings(p) {
		fmt.Fprintf(b, "  warn    %s: %s\n", plain(f.Policy), plain(f.Message))
	}
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
	// Warnings are the other plan-level warnings: measured usage's
	// (--usage), suspicious price-book and spec figures, a stale catalog,
	// scheduled price changes.
	Warnings []plan.Finding `json:"warnings,omitempty"`
	// ChosenWarnings are the decided option's warnings (chosenWarnings).
	ChosenWarnings []plan.Finding `json:"chosen_warnings,omitempty"`
}

func gateJSON(w io.Writer, gs []Gated) error {
	out := make([]checkResult, 0, len(gs))
	for _, g := range gs {
		out = append(out, checkResultOf(g))
	}
	return writeJSONArray(w, out)
}

// encodeGateJSON renders one spec's gate result as an element of gateJSON's
// array (GateEncoder): check writes an array whatever the count.
func encodeGateJSON(g Gated) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeElement(&buf, checkResultOf(g), true); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func checkResultOf(pp Gated) checkResult {
	p := pp.Plan
	r := checkResult{Spec: p.Spec, Decision: p.Decision, Allowed: p.Decision.Architecture != architecture.Blocked,
		Violations: []plan.Finding{}, Waived: []plan.Finding{}, Waivers: p.Waivers, Loosened: p.Loosened, Overrides: []plan.Finding{}}
	if r.Loosened == nil {
		r.Loosened = []plan.Loosening{}
	}
	for _, w := range p.Warnings {
		if strings.HasPrefix(w.Policy, "override.") {
			r.Overrides = append(r.Overrides, w)
		} else {
			r.Warnings = append(r.Warnings, w)
		}
	}
	r.ChosenWarnings = chosenWarnings(p)
	for _, o := range p.Options {
		r.Violations = append(r.Violations, o.Violations...)
		r.Waived = append(r.Waived, o.Waived...)
	}
	return r
}
