# schedule.uncovered: an option whose business_hours fleet is scheduled
# for fewer hours than the team works, by more than a working day
# (sizing.uncovered_hours), is denied. The plan places the month's tokens
# in the team's working hours (team.working_hours_per_month) and sizes the
# fleet for them, but the stack runs it 09:00-17:00 on weekdays only: the
# tokens of the other hours find it at zero, so its bill is for a fleet
# that cannot serve the load. Sealed and unwaivable, as capacity.exceeded
# is: no override runs the fleet longer. Choose schedule = "always_on", or
# working hours the schedule covers.
package costgate.schedule_uncovered

import data.costgate.lib

deny contains v if {
	some o in input.options
	h := o.sizing.uncovered_hours
	is_number(h)
	h > 0
	v := {
		"policy": "schedule.uncovered",
		"attribute": "self_hosted.schedule",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet runs 09:00-17:00 on weekdays (schedule = \"business_hours\"), and %v of the team's working hours a month fall outside it: the tokens of those hours find the fleet at zero, so the plan's fleet cannot serve the load it is priced for. Choose schedule = \"always_on\", or team.working_hours_per_month the schedule covers.",
			[lib.label(o.architecture), h],
		),
	}
}
