package costgate.spend_test

import data.costgate.spend

test_unknown_denies_missing_expected_cost if {
	input_plan := {
		"inputs": {"budget": {"monthly_limit_usd": 30000, "approval_above_usd": 15000}},
		"options": [{"architecture": "hybrid", "cash_usd": {"low": 1, "high": 2}}, option("managed", 1, 2, 3)],
	}
	findings(spend.deny, "spend.unknown") == {{
		"policy": "spend.unknown",
		"attribute": "budget",
		"option": "hybrid",
		"msg": "The hybrid option has no expected monthly cash cost, so it cannot be checked against the budget's approval threshold of $15,000 and monthly limit of $30,000.",
	}} with input as input_plan
}

test_unknown_denies_null_expected_cost if {
	input_plan := {
		"inputs": {"budget": {"monthly_limit_usd": 30000, "approval_above_usd": null}},
		"options": [{"architecture": "managed", "monthly_usd": {"low": 1, "expected": null, "high": 2}}],
	}
	count(findings(spend.deny, "spend.unknown")) == 1 with input as input_plan
}

test_unknown_allows_known_costs if {
	count(findings(spend.deny, "spend.unknown")) == 0 with input as plan(30000, 15000)
}

test_unknown_allows_missing_cost_without_budget if {
	input_plan := {"inputs": {"budget": {"monthly_limit_usd": null, "approval_above_usd": null}}, "options": [{"architecture": "managed"}]}
	count(findings(spend.deny, "spend.unknown")) == 0 with input as input_plan
}
