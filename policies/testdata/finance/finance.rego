# Finance's rules for every team's plan, loaded with --policy-dir.
package costgate.finance

# Every team needs a budget limit: without one, no spend policy applies.
deny contains v if {
	input.inputs.budget.monthly_limit_usd == null
	v := {
		"policy": "finance.budget_required",
		"option": "*",
		"msg": sprintf("Team %s sets no monthly budget limit; finance requires one for every team.", [input.inputs.team]),
	}
}

# Large fleets should be reserved: on-demand H100s cost far more per hour.
warn contains v if {
	some o in input.options
	o.sizing.pricing == "on_demand"
	o.sizing.gpus >= 8
	v := {
		"policy": "finance.reserved_pricing",
		"option": o.architecture,
		"msg": sprintf("The %s fleet of %v GPUs is priced on demand; finance asks for reserved pricing from 8 GPUs.", [o.architecture, o.sizing.gpus]),
	}
}
