# latency.ttft: a workload with a p95 time-to-first-token target must be
# served within it. A route whose time to first token is unknown cannot be
# shown to meet the target, so it is denied too.
package costgate.latency

import data.costgate.lib

deny contains v if {
	some o in input.options
	some r in o.routes
	limit := object.get(r, "max_ttft_ms", null)
	is_number(limit)
	ttft := object.get(r, "ttft_ms", null)
	not is_number(ttft)
	v := {
		"policy": "latency.ttft",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option serves %s with %s, whose p95 time to first token is unknown; the workload requires at most %v ms.",
			[lib.label(o.architecture), r.workload, r.model, limit],
		),
	}
}

deny contains v if {
	some o in input.options
	some r in o.routes
	limit := object.get(r, "max_ttft_ms", null)
	is_number(limit)
	ttft := object.get(r, "ttft_ms", null)
	is_number(ttft)
	ttft > limit
	v := {
		"policy": "latency.ttft",
		"option": o.architecture,
		"msg": sprintf(
			"The %s option serves %s with %s at a p95 time to first token of %v ms, above the workload's limit of %v ms.",
			[lib.label(o.architecture), r.workload, r.model, round(ttft), limit],
		),
	}
}
