package costgate.capacity_exceeded_test

import data.costgate.capacity_exceeded

option(arch, peak) := {
	"architecture": arch,
	"sizing": {
		"gpus": 8, "gpu": "h100", "peak_utilization": peak, "target_utilization": 0.7,
		"required_gpus": 24, "required_monthly_usd": 61234.56,
	},
}

test_exceeded_denies_above_capacity if {
	capacity_exceeded.deny == {{
		"policy": "capacity.exceeded",
		"attribute": "self_hosted.gpus",
		"option": "self_hosted",
		"msg": "The self-hosted fleet (8 x H100) would run at 182% of its capacity at peak: it cannot serve the load. The fleet that would carry it at the 70% target utilization has 24 GPUs, for $61,235 a month expected (sizing.required_gpus, sizing.required_monthly_usd).",
	}} with input as {"options": [{"architecture": "managed"}, option("self_hosted", 1.82), option("hybrid", 0.9)]}
}

test_exceeded_quiet_at_capacity if {
	count(capacity_exceeded.deny) == 0 with input as {"options": [option("self_hosted", 1), option("hybrid", 0.5)]}
}

test_exceeded_without_required_fleet if {
	capacity_exceeded.deny == {{
		"policy": "capacity.exceeded",
		"attribute": "self_hosted.gpus",
		"option": "hybrid",
		"msg": "The hybrid fleet would run at 130% of its capacity at peak: it cannot serve the load. No fleet the catalog can size would carry it.",
	}} with input as {"options": [{"architecture": "hybrid", "sizing": {"peak_utilization": 1.3, "target_utilization": 0.7, "required_gpus": null, "required_monthly_usd": null}}]}
}

test_exceeded_ignores_options_without_sizing if {
	count(capacity_exceeded.deny) == 0 with input as {"options": [{"architecture": "managed", "sizing": null}, {"architecture": "managed"}]}
}

test_exceeded_past_one_capacity_block if {
	capacity_exceeded.deny == {{
		"policy": "capacity.exceeded",
		"attribute": "self_hosted.gpus",
		"option": "self_hosted",
		"msg": "The self-hosted fleet (600 x H100) would run at 341% of its capacity at peak: it cannot serve the load. No fleet within one capacity block's 64 instances would carry it (on_demand, reserved and spot fleets have no such cap).",
	}} with input as {"options": [{"architecture": "self_hosted", "sizing": {"gpus": 600, "gpu": "h100", "peak_utilization": 3.41, "target_utilization": 0.7, "required_gpus": null, "required_monthly_usd": null, "max_instances": 64}}]}
}
