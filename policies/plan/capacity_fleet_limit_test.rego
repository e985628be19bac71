package costgate.fleet_limit_test

import data.costgate.fleet_limit

option(arch, gpus) := {"architecture": arch, "sizing": {"gpus": gpus, "max_gpus": 20000}}

test_fleet_limit_denies_above_the_cap if {
	fleet_limit.deny == {{
		"policy": "capacity.fleet_limit",
		"attribute": "team.developers",
		"option": "self_hosted",
		"msg": "The self-hosted fleet would need more than 20000 GPUs, the cap on one fleet (AWS advertises no larger GPU cluster, and quotas are per account): the load cannot be served by one self-hosted fleet.",
	}} with input as {"options": [{"architecture": "managed", "sizing": null}, option("self_hosted", 20008), option("hybrid", 16)]}
}

test_fleet_limit_allows_at_the_cap if {
	count(fleet_limit.deny) == 0 with input as {"options": [option("self_hosted", 20000), option("hybrid", 1)]}
}

test_fleet_limit_ignores_options_without_sizing if {
	count(fleet_limit.deny) == 0 with input as {"options": [{"architecture": "managed"}, {"architecture": "managed", "sizing": null}]}
}

test_fleet_limit_needs_the_cap if {
	count(fleet_limit.deny) == 0 with input as {"options": [{"architecture": "self_hosted", "sizing": {"gpus": 1e9}}]}
}

block(arch, instances) := {"architecture": arch, "sizing": {"gpus": 8 * instances, "max_gpus": 20000, "peak_instances": instances, "max_instances": 64}}

test_fleet_limit_denies_past_one_capacity_block if {
	fleet_limit.deny == {{
		"policy": "capacity.fleet_limit",
		"attribute": "self_hosted.pricing",
		"option": "hybrid",
		"msg": "The hybrid fleet would need more than 64 instances, the most one EC2 Capacity Block holds (the stack reserves one block and would refuse to launch more): price the fleet on demand, reserved or spot, or lower the load it serves or its self_hosted.min_replicas.",
	}} with input as {"options": [block("self_hosted", 64), block("hybrid", 65)]}
}

test_fleet_limit_instances_uncapped_without_a_block if {
	count(fleet_limit.deny) == 0 with input as {"options": [{"architecture": "self_hosted", "sizing": {"gpus": 800, "max_gpus": 20000, "peak_instances": 100, "max_instances": null}}]}
}
