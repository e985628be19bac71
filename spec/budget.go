package spec

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// budgetAttrs are the budget block's attributes.
var budgetAttrs = []string{"monthly_limit_usd", "approval_above_usd", "alert_emails"}

func (d *decoder) budget(blk *hclsyntax.Block) Budget {
	var bu Budget
	if blk == nil {
		return bu
	}
	d.unlabeled(blk)
	b := d.open(blk, blockBudget, "the budget block", true)
	b.check(budgetAttrs, nil)
	bu.MonthlyLimitUSD = b.optNumber("monthly_limit_usd", above(0).upTo(1e12))
	bu.ApprovalAboveUSD = b.optNumber("approval_above_usd", above(0).upTo(1e12))
	if bu.MonthlyLimitUSD != nil && bu.ApprovalAboveUSD != nil && *bu.ApprovalAboveUSD >= *bu.MonthlyLimitUSD {
		// Not an error: the spec is coherent, only the approval step can
		// never be reached, which the author probably did not intend.
		d.warnf(b.syn.Attributes["approval_above_usd"].Expr.Range(), "Approval threshold never reached",
			"budget.approval_above_usd (%s) is not below budget.monthly_limit_usd (%s): an option that costs more than the limit is denied before it could need an approval.",
			formatNumber(*bu.ApprovalAboveUSD), formatNumber(*bu.MonthlyLimitUSD))
	}
	if list, ranges, ok := b.strList("alert_emails"); ok {
		emails := []string{}
		seen := map[string]int{}
		for i, e := range list {
			if first, dup := seen[strings.ToLower(e)]; dup {
				// Each address is one subscription of the budget's
				// notifications and the alert topics: a repeat would be a
				// second resource for the same mailbox.
				if list[first] == e {
					d.errorf(ranges[i], "Duplicate email address", "budget.alert_emails lists %q twice; list each address once.", e)
				} else {
					d.errorf(ranges[i], "Duplicate email address",
						"budget.alert_emails lists %q and %q (line %d), one mailbox in two letter cases; list each address once.", list[first], e, ranges[first].Start.Line)
				}
				continue
			}
			seen[strings.ToLower(e)] = i
			if !isEmail(e) {
				d.errorf(ranges[i], "Invalid email address",
					"budget.alert_emails holds plain email addresses such as \"finops@example.com\"; %q is not one.", e)
				continue
			}
			if at := nonASCII(e); at >= 0 {
				d.errorf(ranges[i], "Invalid email address",
					"budget.alert_emails holds ASCII addresses: %q has %q at byte %d, a letter that can pass for another (ſ for s, the Kelvin sign for K) and match it in some comparisons; write the address as its mailbox is written.", e, []rune(e[at:])[0], at)
				continue
			}
			emails = append(emails, e)
		}
		bu.AlertEmails = emails
	}
	return bu
}

// nonASCII is the byte offset of s's first non-ASCII character; -1 when
// it has none.
func nonASCII(s string) int {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// isEmail accepts a bare address (no display name) whose domain has a dot,
// which is what AWS Budgets notifications take.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}
