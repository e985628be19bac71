package spec

import (
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// overrideAttrs are the override block's attributes.
var overrideAttrs = []string{"policy", "approver", "reason", "expires"}

// policyID is a dotted lowercase policy id such as spend.approval.
var policyID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\z`)

func (d *decoder) overrides(blocks []*hclsyntax.Block) []Override {
	var out []Override
	seen := map[string]*hclsyntax.Block{}
	for _, blk := range blocks {
		name, ok := d.label(blk, `override "q1-migration" { ... }`)
		if ok && name == "" {
			d.errorf(blk.LabelRanges[0], "Empty override name", "An override's name must not be empty.")
			ok = false
		}
		if ok {
			if first, dup := seen[name]; dup {
				d.errorf(blk.LabelRanges[0], "Duplicate override",
					"An override named %q is already declared on line %d; each override needs its own name.", name, first.DefRange().Start.Line)
				ok = false
			} else {
				seen[name] = blk
			}
		}
		b := d.open(blk, blockOverride+"."+name, fmt.Sprintf("override %q", name), ok)
		b.check(overrideAttrs, nil)
		b.require("policy", "approver", "reason", "expires")
		o := Override{Name: name}
		if p, a, pok := b.str("policy"); pok {
			if policyID.MatchString(p) {
				o.Policy = p
			} else {
				d.errorf(a.Expr.Range(), "Invalid policy id",
					"%s.policy names the policy the override waives, a dotted lowercase id such as \"spend.approval\"; got %q.", b.path, p)
				ok = false
			}
		}
		o.Approver = b.text("approver", "")
		o.Reason = b.text("reason", "")
		o.Expires, _ = b.date("expires")
		if ok {
			out = append(out, o)
		}
	}
	return out
}

// date decodes a "YYYY-MM-DD" attribute as UTC midnight.
func (b *body) date(name string) (time.Time, bool) {
	s, a, ok := b.str(name)
	if !ok {
		return time.Time{}, false
	}
	return b.d.parseDate(s, a.Expr.Range(), b.path+"."+name)
}

func (d *decoder) parseDate(s string, at hcl.Range, what string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.errorf(at, "Invalid date",
			"%s must be a date written YYYY-MM-DD, such as \"2027-03-31\"; %q is not a valid date.", what, s)
		return time.Time{}, false
	}
	return t, true
}
