# checklist.self_hosting: the article's checklist says self-hosting is worth
# evaluating only when enough of its five items hold. Below the minimum
# (data.costgate.thresholds.checklist_min_met), options that self-host get
# a warning naming the items that are not met.
package costgate.checklist

import data.costgate.lib

# The article's three, unless data.json says otherwise. Stock `opa eval -d
# policies/` loads policies/plan/data.json under data.plan, so the default
# keeps the policy working there too.
default_min_met := 3

min_met := m if {
	m := data.costgate.thresholds.checklist_min_met
} else := default_min_met

warn contains v if {
	minimum := min_met
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
