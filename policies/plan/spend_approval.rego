# spend.approval: an option whose expected monthly cost is above the
# budget's approval threshold is denied until an unexpired override for
# spend.approval waives it. Overrides are applied after evaluation, by the
# plan, so this rule does not read them.
package costgate.spend

import data.costgate.lib

deny contains v if {
	threshold := input.inputs.budget.approval_above_usd
	is_number(threshold)
	some o in input.options
	expected := o.cash_usd.expected
	is_number(expected)
	expected > threshold
	v := {
		"policy": "spend.approval",
		"attribute": "budget.approval_above_usd",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option's expected cash cost of %s a month (its bill, the quality gap left out) is above the %s that needs approval; an unexpired override for spend.approval allows it.",
			[lib.label(o.architecture), lib.usd(expected), lib.usd(threshold)],
		),
	}
}
