# spend.unknown: when the budget sets a limit or an approval threshold, an
# option without a numeric expected cost is denied. Unknown is not zero: a
# missing figure must not slip past the spend policies.
package costgate.spend

import data.costgate.lib

deny contains v if {
	some o in input.options

	# object.get, not a plain ref: a missing field must count as unknown
	# rather than make the whole rule undefined.
	not is_number(object.get(o, ["cash_usd", "expected"], null))
	count(budget_thresholds) > 0
	v := {
		"policy": "spend.unknown",
		"attribute": "budget",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option has no expected monthly cash cost, so it cannot be checked against the budget's %s.",
			[lib.label(o.architecture), concat(" and ", sort(budget_thresholds))],
		),
	}
}

# budget_thresholds names the budget figures that are set.
budget_thresholds contains sprintf("monthly limit of %s", [lib.usd(limit)]) if {
	limit := input.inputs.budget.monthly_limit_usd
	is_number(limit)
}

budget_thresholds contains sprintf("approval threshold of %s", [lib.usd(threshold)]) if {
	threshold := input.inputs.budget.approval_above_usd
	is_number(threshold)
}
