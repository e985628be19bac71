# METADATA
# title: capacity.fleet_limit
# description: |
#   Denies an option whose self-hosted fleet needs more GPUs than one fleet
#   may have (sizing.max_gpus, modelcatalog.MaxFleetGPUs: the largest GPU
#   cluster AWS advertises; quotas are per account). Such a fleet is not one
#   a pull request can provision, and its counts stop at the cap rather
#   than at what the load needs. A fleet priced on capacity blocks has a
#   lower cap (sizing.max_instances): one EC2 Capacity Block holds at most
#   64 instances, and the stack reserves one, so it would refuse to launch
#   more. The search never picks one when another assignment fits;
#   unwaivable, as no override buys the GPUs.
package costgate.fleet_limit

import data.costgate.lib

deny contains v if {
	some o in input.options
	is_number(o.sizing.gpus)
	is_number(o.sizing.max_gpus)
	o.sizing.gpus > o.sizing.max_gpus
	v := {
		"policy": "capacity.fleet_limit",
		"attribute": "team.developers",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet would need more than %v GPUs, the cap on one fleet (AWS advertises no larger GPU cluster, and quotas are per account): the load cannot be served by one self-hosted fleet.",
			[lib.label(o.architecture), o.sizing.max_gpus],
		),
	}
}

deny contains v if {
	some o in input.options
	is_number(o.sizing.peak_instances)
	is_number(o.sizing.max_instances)
	o.sizing.peak_instances > o.sizing.max_instances
	v := {
		"policy": "capacity.fleet_limit",
		"attribute": "self_hosted.pricing",
		"option": o.architecture,
		"msg": sprintf(
			"The %s fleet would need more than %v instances, the most one EC2 Capacity Block holds (the stack reserves one block and would refuse to launch more): price the fleet on demand, reserved or spot, or lower the load it serves or its self_hosted.min_replicas.",
			[lib.label(o.architecture), o.sizing.max_instances],
		),
	}
}
