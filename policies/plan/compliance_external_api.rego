# compliance.external_api: when the spec's compliance block says code may
# not leave the network, no option may send a workload to a managed API.
# Self-hosted options serve every workload in the team's own VPC and pass.
package costgate.compliance

import data.costgate.lib

deny contains v if {
	input.inputs.compliance.code_may_leave_network == false
	some o in input.options
	served := managed_routes(o)
	count(served) > 0
	v := {
		"policy": "compliance.external_api",
		"attribute": "compliance.code_may_leave_network",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option sends code to external APIs (%s), but the spec's compliance block says code may not leave the network.",
			[lib.label(o.architecture), concat(", ", sort(served))],
		),
	}
}

# managed_routes describes each workload an option serves through a managed
# API: "review via anthropic/claude-sonnet-4.6".
managed_routes(o) := {sprintf("%s via %s/%s", [r.workload, provider_name(r), r.model]) |
	some r in o.routes
	r.served_by == "managed"
}

provider_name(r) := p if {
	p := object.get(r, "provider", "")
	p != ""
}

provider_name(r) := "an unnamed provider" if object.get(r, "provider", "") == ""
