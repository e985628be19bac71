# capacity.peak: a self-hosted fleet that runs above its target utilization
# at peak, up to 100% of its capacity, is a warning (queues and slower first
# tokens in the morning rush); above 100% capacity.exceeded denies it.
package costgate.capacity

import data.costgate.lib

warn contains v if {
	some o in input.options
	peak := o.sizing.peak_utilization
	target := o.sizing.target_utilization
	is_number(peak)
	is_number(target)
	peak > target
	peak <= 1
	v := {
		"policy": "capacity.peak",
		"attribute": "self_hosted.target_utilization",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet%s would run at %s of its capacity at peak, above the %s target utilization; expect queueing and slower first tokens at peak.%s",
			[lib.label(o.architecture), fleet(o.sizing), lib.percent(peak), lib.percent(target), lib.required_fleet(o.sizing)],
		),
	}
}

# fleet describes the GPUs, when the sizing names them: " (4 x H100)".
fleet(sizing) := sprintf(" (%v x %s)", [sizing.gpus, upper(sizing.gpu)]) if {
	is_number(sizing.gpus)
	is_string(sizing.gpu)
} else := ""
