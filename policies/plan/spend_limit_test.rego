package costgate.spend_test

import data.costgate.spend

# Fixtures shared by the spend policies' tests.

option(arch, low, expected, high) := {
	"architecture": arch,
	"monthly_usd": {"low": low, "expected": expected, "high": high},
	"cash_usd": {"low": low, "expected": expected, "high": high},
}

options := [
	option("managed", 14000, 18000, 26000),
	option("self_hosted", 30000, 31200.4, 33000),
	option("hybrid", 9000, 12000, 15000),
]

plan(limit, approval) := {"inputs": {"budget": {"monthly_limit_usd": limit, "approval_above_usd": approval, "alert_emails": []}}, "options": options}

findings(rules, id) := {v | some v in rules; v.policy == id}

test_limit_denies_option_above_limit if {
	findings(spend.deny, "spend.limit") == {{
		"policy": "spend.limit",
		"attribute": "budget.monthly_limit_usd",
		"option": "self_hosted",
		"msg": "The self-hosted option's expected cash cost of $31,200 a month (its bill, the quality gap left out) is above the budget's monthly limit of $30,000.",
	}} with input as plan(30000, null)
}

test_limit_judges_cash_not_rework if {
	# $20,000 of bills and $96,000 of estimated rework in the total: the
	# spend is the bills.
	reworked := {
		"architecture": "self_hosted",
		"monthly_usd": {"low": 110000, "expected": 116000, "high": 120000},
		"cash_usd": {"low": 19000, "expected": 20000, "high": 21000},
	}
	count(findings(spend.deny, "spend.limit")) == 0 with input as object.union(plan(70000, null), {"options": [reworked]})
}

test_limit_allows_expected_equal_to_limit if {
	count(findings(spend.deny, "spend.limit")) == 0 with input as plan(31200.4, null)
}

test_limit_allows_without_limit if {
	count(findings(spend.deny, "spend.limit")) == 0 with input as plan(null, null)
}
