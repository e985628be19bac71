# latency.ttft: a workload with a p95 time-to-first-token target must be
# served within it. A route whose time to first token is unknown cannot be
# shown to meet the target, so it is denied too.
package costgate.latency

import data.costgate.lib

deny contains v if {
	some o in input.options
	some r in o.routes
	is_number(r.max_ttft_ms)
	not within_target(r)
	v := {
		"policy": "latency.ttft",
		"attribute": sprintf("workload.%s.max_ttft_ms", [r.workload]),
		"option": o.architecture,
		"msg": message(o, r),
	}
}

# Rego orders null below every number, so the type check is needed.
within_target(r) if {
	is_number(r.ttft_ms)
	r.ttft_ms <= r.max_ttft_ms
}

# ttft_ms may be null or missing: both mean unknown.
message(o, r) := sprintf(
	"The %s option serves %s with %s at a p95 time to first token of %v ms, above the workload's limit of %v ms.",
	[lib.label(o.architecture), r.workload, r.model, round(r.ttft_ms), r.max_ttft_ms],
) if {
	is_number(r.ttft_ms)
} else := sprintf(
	"The %s option serves %s with %s, whose p95 time to first token is unknown; the workload requires at most %v ms.",
	[lib.label(o.architecture), r.workload, r.model, r.max_ttft_ms],
)
