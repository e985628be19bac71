# spend.limit: an option whose expected monthly cash cost is above the budget's
# monthly limit is denied.
package costgate.spend

import data.costgate.lib

deny contains v if {
	limit := input.inputs.budget.monthly_limit_usd
	is_number(limit)
	some o in input.options
	expected := o.cash_usd.expected
	is_number(expected)
	expected > limit
	v := {
		"policy": "spend.limit",
		"attribute": "budget.monthly_limit_usd",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option's expected cash cost of %s a month (its bill, the quality gap left out) is above the budget's monthly limit of %s.",
			[lib.label(o.architecture), lib.usd(expected), lib.usd(limit)],
		),
	}
}
