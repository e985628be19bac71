package costgate.checklist_test

import data.costgate.checklist

items := [
	{"id": "spend", "text": "Monthly managed API spend exceeds $10,000", "met": false},
	{"id": "expertise", "text": "GPU infrastructure expertise in-house", "met": true},
	{"id": "compliance", "text": "Compliance prohibits sending code to external APIs", "met": false},
	{"id": "latency", "text": "Latency consistency matters more than peak model quality", "met": true},
	{"id": "volume", "text": "Most usage is high-volume, lower-complexity tasks", "met": false},
]

plan(met) := plan_with(met, 3)

plan_with(met, threshold) := {
	"checklist": {"met": met, "threshold": threshold, "items": items},
	"options": [{"architecture": "managed"}, {"architecture": "self_hosted"}, {"architecture": "hybrid"}],
}

test_checklist_warns_self_hosting_options_below_minimum if {
	msg := "option runs its own GPU fleet, but only 2 checklist items are met, and the checklist finds self-hosting worth evaluating from 3 (not met: Monthly managed API spend exceeds $10,000; Compliance prohibits sending code to external APIs; Most usage is high-volume, lower-complexity tasks)."
	checklist.warn == {
		{"policy": "checklist.self_hosting", "option": "self_hosted", "msg": concat(" ", ["The self-hosted", msg])},
		{"policy": "checklist.self_hosting", "option": "hybrid", "msg": concat(" ", ["The hybrid", msg])},
	} with input as plan(2)
}

test_checklist_quiet_at_minimum if {
	count(checklist.warn) == 0 with input as plan(3)
}

test_checklist_minimum_comes_from_the_plan if {
	count(checklist.warn) == 2 with input as plan_with(3, 4)
}

test_checklist_never_warns_managed if {
	every v in checklist.warn {
		v.option != "managed"
	} with input as plan(0)
	count(checklist.warn) == 2 with input as plan(0)
}

test_checklist_without_items_omits_list if {
	p := {"checklist": {"met": 0, "threshold": 3, "items": []}, "options": [{"architecture": "self_hosted"}]}
	checklist.warn == {{
		"policy": "checklist.self_hosting",
		"option": "self_hosted",
		"msg": "The self-hosted option runs its own GPU fleet, but only 0 checklist items are met, and the checklist finds self-hosting worth evaluating from 3.",
	}} with input as p
}

test_checklist_one_item_is_singular if {
	some v in checklist.warn with input as plan(1)
	contains(v.msg, "only 1 checklist item is met,")
}

test_checklist_needs_the_plans_threshold if {
	# The plan always carries it; without one the policy does not guess.
	count(checklist.warn) == 0 with input as {"checklist": {"met": 2, "items": []}, "options": [{"architecture": "self_hosted"}]}
}
