package costgate.latency_test

import data.costgate.latency

hosted(workload, ttft, max_ttft) := {
	"workload": workload,
	"served_by": "self_hosted",
	"model": "qwen3-coder-30b-a3b",
	"ttft_ms": ttft,
	"max_ttft_ms": max_ttft,
}

fleet(routes) := {"options": [{"architecture": "self_hosted", "routes": routes}]}

test_unbounded_warns_route_without_target_above_half_a_minute if {
	latency.warn == {{
		"policy": "latency.unbounded",
		"attribute": "workload.review.max_ttft_ms",
		"option": "self_hosted",
		"msg": "The self-hosted option serves review with qwen3-coder-30b-a3b at a p95 time to first token of 97 s at peak, and the workload sets no max_ttft_ms: developers would wait that long for a first token in the busiest hour. Set workload.review.max_ttft_ms to size the fleet for latency.",
	}} with input as fleet([hosted("review", 96696.27, null), hosted("autocomplete", 349.9, null)])
}

test_unbounded_writes_minutes if {
	some v in latency.warn with input as fleet([hosted("complex", 850345.11, null)])
	contains(v.msg, "of 14 min 10 s at peak")
}

test_unbounded_minutes_never_show_sixty_seconds if {
	some v in latency.warn with input as fleet([hosted("complex", 179700, null)])
	contains(v.msg, "of 3 min 0 s at peak")
}

test_unbounded_quiet_at_or_below_threshold if {
	count(latency.warn) == 0 with input as fleet([hosted("review", 30000, null), hosted("agent", 29999.5, null)])
}

test_unbounded_quiet_with_a_target if {
	# latency.ttft judges a route that has a target.
	count(latency.warn) == 0 with input as fleet([hosted("review", 96696.27, 5000)])
}

test_unbounded_quiet_when_unknown if {
	count(latency.warn) == 0 with input as fleet([hosted("review", null, null), {"workload": "x", "model": "m"}])
}

test_unbounded_one_warning_per_route if {
	count(latency.warn) == 2 with input as fleet([hosted("review", 40000, null), hosted("agent", 40000, null)])
}
