# capacity.peak: a self-hosted fleet that runs above its target utilization
# at peak is a warning (queues and slower first tokens in the morning rush);
# above 100% it cannot serve the peak at all, which the message says.
package costgate.capacity

import data.costgate.lib

warn contains v if {
	some o in input.options
	peak := o.sizing.peak_utilization
	target := o.sizing.target_utilization
	is_number(peak)
	is_number(target)
	peak > target
	v := {
		"policy": "capacity.peak",
		"attribute": "self_hosted.target_utilization",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet%s would run at %s of its capacity at peak, above the %s target utilization; %s",
			[lib.label(o.architecture), fleet(o.sizing), lib.percent(peak), lib.percent(target), consequence(peak)],
		),
	}
}

# fleet describes the GPUs, when the sizing names them: " (4 x H100)".
fleet(sizing) := sprintf(" (%v x %s)", [sizing.gpus, upper(sizing.gpu)]) if {
	is_number(sizing.gpus)
	is_string(sizing.gpu)
} else := ""

consequence(peak) := "it cannot serve the peak load, so requests will queue." if peak > 1

consequence(peak) := "expect queueing and slower first tokens at peak." if peak <= 1
