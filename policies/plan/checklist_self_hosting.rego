# checklist.self_hosting: the article's checklist says self-hosting is worth
# evaluating only when enough of its five items hold. Below the minimum
# (input.checklist.threshold, which the plan sets: the one place the
# article's three is written is breakeven.ChecklistThreshold), options that
# self-host get a warning naming the items that are not met.
package costgate.checklist

import data.costgate.lib

warn contains v if {
	minimum := input.checklist.threshold
	is_number(minimum)
	met := input.checklist.met
	met < minimum
	some o in input.options
	o.architecture in {"self_hosted", "hybrid"}
	v := {
		"policy": "checklist.self_hosting",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option runs its own GPU fleet, but only %s, and the checklist finds self-hosting worth evaluating from %v%s.",
			[lib.label(o.architecture), met_phrase(met), minimum, unmet_phrase],
		),
	}
}

met_phrase(1) := "1 checklist item is met"

met_phrase(n) := sprintf("%v checklist items are met", [n]) if n != 1

# unmet_phrase lists the checklist items that do not hold, in their order.
unmet_phrase := sprintf(" (not met: %s)", [concat("; ", unmet)]) if {
	unmet := [item.text | some item in input.checklist.items; not item.met]
	count(unmet) > 0
} else := ""
