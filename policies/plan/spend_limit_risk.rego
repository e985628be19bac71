# spend.limit_risk: an option expected to fit the monthly limit whose high
# estimate does not is a warning: the range, not the midpoint, is what the
# month may bring.
package costgate.spend

import data.costgate.lib

warn contains v if {
	limit := input.inputs.budget.monthly_limit_usd
	is_number(limit)
	some o in input.options
	expected := o.cash_usd.expected
	high := o.cash_usd.high
	is_number(expected)
	is_number(high)
	expected <= limit
	high > limit
	v := {
		"policy": "spend.limit_risk",
		"attribute": "budget.monthly_limit_usd",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option is expected to bill %s a month (its cash, the quality gap left out), within the budget's monthly limit of %s, but its high estimate of %s is above it.",
			[lib.label(o.architecture), lib.usd(expected), lib.usd(limit), lib.usd(high)],
		),
	}
}
