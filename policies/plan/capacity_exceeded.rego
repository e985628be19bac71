# capacity.exceeded: an option whose self-hosted fleet runs above 100% of
# its capacity at peak cannot serve its load, so it is denied (sealed and
# unwaivable: no override makes GPUs faster). The message names the fleet
# that would carry the load at the target utilization, when the plan has
# sized it (sizing.required_gpus and sizing.required_monthly_usd).
package costgate.capacity_exceeded

import data.costgate.lib

deny contains v if {
	some o in input.options
	peak := o.sizing.peak_utilization
	is_number(peak)
	peak > 1
	v := {
		"policy": "capacity.exceeded",
		"attribute": "self_hosted.gpus",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet%s would run at %s of its capacity at peak: it cannot serve the load. %s",
			[lib.label(o.architecture), fleet(o.sizing), lib.percent(peak), required(o.sizing)],
		),
	}
}

fleet(sizing) := sprintf(" (%v x %s)", [sizing.gpus, upper(sizing.gpu)]) if {
	is_number(sizing.gpus)
	is_string(sizing.gpu)
} else := ""

required(sizing) := sprintf(
	"The fleet that would carry it at the %s target utilization has %v GPUs, for %s a month expected (sizing.required_gpus, sizing.required_monthly_usd).",
	[lib.percent(sizing.target_utilization), sizing.required_gpus, lib.usd(sizing.required_monthly_usd)],
) if {
	is_number(sizing.required_gpus)
	is_number(sizing.required_monthly_usd)
	is_number(sizing.target_utilization)
} else := sprintf(
	"No fleet within one capacity block's %v instances would carry it (on_demand, reserved and spot fleets have no such cap).",
	[sizing.max_instances],
) if {
	is_number(sizing.max_instances)
} else := "No fleet the catalog can size would carry it."
