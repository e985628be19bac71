package costgate.spend_test

import data.costgate.spend

test_approval_denies_options_above_threshold if {
	findings(spend.deny, "spend.approval") == {
		{
			"policy": "spend.approval",
			"attribute": "budget.approval_above_usd",
			"option": "managed",
			"msg": "The managed option's expected cash cost of $18,000 a month (its bill, the quality gap left out) is above the $15,000 that needs approval; an unexpired override for spend.approval allows it.",
		},
		{
			"policy": "spend.approval",
			"attribute": "budget.approval_above_usd",
			"option": "self_hosted",
			"msg": "The self-hosted option's expected cash cost of $31,200 a month (its bill, the quality gap left out) is above the $15,000 that needs approval; an unexpired override for spend.approval allows it.",
		},
	} with input as plan(null, 15000)
}

test_approval_allows_below_threshold if {
	count(findings(spend.deny, "spend.approval")) == 0 with input as plan(null, 50000)
}

test_approval_allows_without_threshold if {
	count(findings(spend.deny, "spend.approval")) == 0 with input as plan(null, null)
}
