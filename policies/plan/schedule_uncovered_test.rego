package costgate.schedule_uncovered_test

import data.costgate.schedule_uncovered

option(arch, h) := {"architecture": arch, "sizing": {"schedule": "business_hours", "uncovered_hours": h}}

test_schedule_uncovered_denies_hours_outside_the_schedule if {
	schedule_uncovered.deny == {{
		"policy": "schedule.uncovered",
		"attribute": "self_hosted.schedule",
		"option": "hybrid",
		"msg": "The hybrid fleet runs 09:00-17:00 on weekdays (schedule = \"business_hours\"), and 426.2 of the team's working hours a month fall outside it: the tokens of those hours find the fleet at zero, so the plan's fleet cannot serve the load it is priced for. Choose schedule = \"always_on\", or team.working_hours_per_month the schedule covers.",
	}} with input as {"options": [option("self_hosted", 0), option("hybrid", 426.2)]}
}

test_schedule_uncovered_allows_a_covered_schedule if {
	count(schedule_uncovered.deny) == 0 with input as {"options": [option("self_hosted", 0), option("hybrid", 0)]}
}

test_schedule_uncovered_ignores_options_without_sizing if {
	count(schedule_uncovered.deny) == 0 with input as {"options": [{"architecture": "managed", "sizing": null}, {"architecture": "managed"}]}
}
