# latency.unbounded (warning): a route whose workload sets no max_ttft_ms
# but whose p95 time to first token at peak is above half a minute. The
# fleet is sized for throughput alone, and a queue at a high utilization
# with long agent streams can hold a request for minutes before its first
# token: the plan is allowed, and says what the developers would wait.
package costgate.latency

import data.costgate.lib

# unbounded_ttft_ms is the p95 time to first token above which a route
# without a target is flagged: several times what the managed APIs take
# for a long prompt (docs/POLICIES.md, "Thresholds").
unbounded_ttft_ms := 30000

warn contains v if {
	some o in input.options
	some r in o.routes
	not is_number(r.max_ttft_ms)
	is_number(r.ttft_ms)
	r.ttft_ms > unbounded_ttft_ms
	v := {
		"policy": "latency.unbounded",
		"attribute": sprintf("workload.%s.max_ttft_ms", [r.workload]),
		"option": o.architecture,
		"msg": sprintf(
			"The %s option serves %s with %s at a p95 time to first token of %s at peak, and the workload sets no max_ttft_ms: developers would wait that long for a first token in the busiest hour. Set workload.%s.max_ttft_ms to size the fleet for latency.",
			[lib.label(o.architecture), r.workload, r.model, seconds(r.ttft_ms), r.workload],
		),
	}
}

# seconds writes a duration in milliseconds as whole seconds, or minutes
# and seconds from two minutes up: "97 s", "14 min 10 s".
seconds(ms) := sprintf("%v s", [s]) if {
	s := round(ms / 1000)
	s < 120
} else := sprintf("%v min %v s", [floor(s / 60), s % 60]) if {
	s := round(ms / 1000)
}
