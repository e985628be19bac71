package costgate.finance_test

import data.costgate.finance

fleet(pricing, gpus) := {"architecture": "self_hosted", "sizing": {"pricing": pricing, "gpus": gpus}}

test_budget_required_denies_every_option if {
	finance.deny == {{
		"policy": "finance.budget_required",
		"option": "*",
		"msg": "Team acme-platform sets no monthly budget limit; finance requires one for every team.",
	}} with input as {"inputs": {"team": "acme-platform", "budget": {"monthly_limit_usd": null}}, "options": []}
}

test_budget_required_allows_a_limit if {
	count(finance.deny) == 0 with input as {"inputs": {"team": "acme-platform", "budget": {"monthly_limit_usd": 30000}}, "options": []}
}

test_reserved_pricing_warns_large_on_demand_fleet if {
	finance.warn == {{
		"policy": "finance.reserved_pricing",
		"option": "self_hosted",
		"msg": "The self_hosted fleet of 8 GPUs is priced on demand; finance asks for reserved pricing from 8 GPUs.",
	}} with input as {"options": [fleet("on_demand", 8), {"architecture": "managed"}]}
}

test_reserved_pricing_quiet_for_reserved_or_small_fleets if {
	count(finance.warn) == 0 with input as {"options": [fleet("reserved", 16), fleet("on_demand", 4)]}
}
