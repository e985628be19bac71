package costgate.spend_test

import data.costgate.spend

test_limit_risk_warns_when_high_exceeds_limit if {
	findings(spend.warn, "spend.limit_risk") == {{
		"policy": "spend.limit_risk",
		"attribute": "budget.monthly_limit_usd",
		"option": "managed",
		"msg": "The managed option is expected to bill $18,000 a month (its cash, the quality gap left out), within the budget's monthly limit of $25,000, but its high estimate of $26,000 is above it.",
	}} with input as plan(25000, null)
}

test_limit_risk_quiet_when_range_fits if {
	count(findings(spend.warn, "spend.limit_risk")) == 0 with input as plan(40000, null)
}

test_limit_risk_quiet_when_already_denied if {
	# self_hosted's expected cost is above 30000: spend.limit denies it, no warning on top.
	count(findings(spend.warn, "spend.limit_risk")) == 0 with input as plan(30000, null)
}

test_limit_risk_quiet_without_limit if {
	count(findings(spend.warn, "spend.limit_risk")) == 0 with input as plan(null, null)
}
