package costgate.capacity_test

import data.costgate.capacity

option(arch, peak, target) := {
	"architecture": arch,
	"sizing": {"gpus": 4, "gpu": "h100", "peak_utilization": peak, "target_utilization": target},
}

test_peak_warns_above_target if {
	capacity.warn == {{
		"policy": "capacity.peak",
		"attribute": "self_hosted.target_utilization",
		"option": "self_hosted",
		"msg": "The self-hosted fleet (4 x H100) would run at 86% of its capacity at peak, above the 70% target utilization; expect queueing and slower first tokens at peak.",
	}} with input as {"options": [{"architecture": "managed"}, option("self_hosted", 0.857, 0.7), option("hybrid", 0.5, 0.7)]}
}

test_peak_quiet_over_capacity if {
	# capacity.exceeded denies it instead.
	count(capacity.warn) == 0 with input as {"options": [option("hybrid", 1.3, 0.7)]}
}

test_peak_names_required_fleet if {
	capacity.warn == {{
		"policy": "capacity.peak",
		"attribute": "self_hosted.target_utilization",
		"option": "self_hosted",
		"msg": "The self-hosted fleet (4 x H100) would run at 95% of its capacity at peak, above the 70% target utilization; expect queueing and slower first tokens at peak. The fleet that would carry the load at the target has 8 GPUs, for $20,000 a month expected.",
	}} with input as {"options": [object.union(option("self_hosted", 0.95, 0.7), {"sizing": {"gpus": 4, "gpu": "h100", "peak_utilization": 0.95, "target_utilization": 0.7, "required_gpus": 8, "required_monthly_usd": 20000}})]}
}

test_peak_quiet_at_or_below_target if {
	count(capacity.warn) == 0 with input as {"options": [option("self_hosted", 0.7, 0.7), option("hybrid", 0.2, 0.7)]}
}

test_peak_ignores_options_without_sizing if {
	count(capacity.warn) == 0 with input as {"options": [{"architecture": "managed", "sizing": null}, {"architecture": "managed"}]}
}

test_peak_warns_without_fleet_details if {
	capacity.warn == {{
		"policy": "capacity.peak",
		"attribute": "self_hosted.target_utilization",
		"option": "self_hosted",
		"msg": "The self-hosted fleet would run at 90% of its capacity at peak, above the 70% target utilization; expect queueing and slower first tokens at peak.",
	}} with input as {"options": [{"architecture": "self_hosted", "sizing": {"peak_utilization": 0.9, "target_utilization": 0.7}}]}
}
