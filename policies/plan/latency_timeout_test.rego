package costgate.latency_test

import data.costgate.latency

timeout_plan(ttft, sizing) := tail_plan(ttft, null, sizing)

tail_plan(ttft, tail, sizing) := {"options": [{
	"architecture": "hybrid",
	"sizing": sizing,
	"routes": [
		{"workload": "complex", "served_by": "self_hosted", "model": "llama-3.3-70b", "ttft_ms": ttft, "ttft_p999_ms": tail, "max_ttft_ms": null},
		{"workload": "routine", "served_by": "managed", "model": "claude-sonnet-4.6", "ttft_ms": 900000, "max_ttft_ms": null},
	],
}]}

fixed_fleet := {"idle_timeout_s": 600, "required_gpus": 16, "required_monthly_usd": 45849.22}

test_timeout_denies_fleet_route_above_idle_timeout if {
	latency.deny == {{
		"policy": "latency.timeout",
		"attribute": "self_hosted.gpus",
		"option": "hybrid",
		"msg": "The hybrid option's fleet leaves complex's slowest requests waiting 14 min 10 s for their first token at peak (p99.9; p95 14 min 10 s), beyond its load balancer's 600 s idle timeout: at peak more than one request in a thousand would fail with HTTP 504 before its first token. The fleet that would carry the load at the target has 16 GPUs, for $45,849 a month expected.",
	}} with input as timeout_plan(850345.11, fixed_fleet)
}

test_timeout_allows_within_idle_timeout if {
	count(latency.deny) == 0 with input as timeout_plan(600000, fixed_fleet)
}

test_timeout_ignores_managed_routes if {
	# The managed route's 900 s is not behind the fleet's load balancer.
	count(latency.deny) == 0 with input as timeout_plan(1000, fixed_fleet)
}

test_timeout_unknown_ttft_left_to_capacity if {
	# At or above capacity the TTFT is null and capacity.exceeded denies.
	count(latency.deny) == 0 with input as timeout_plan(null, fixed_fleet)
}

test_timeout_needs_the_fleets_timeout if {
	count(latency.deny) == 0 with input as timeout_plan(850345.11, {"required_gpus": null})
}

test_timeout_sized_fleet_names_no_required_fleet if {
	some v in latency.deny with input as timeout_plan(700000, {"idle_timeout_s": 600, "required_gpus": null, "required_monthly_usd": null})
	endswith(v.msg, "before its first token.")
}

test_timeout_judges_the_tail if {
	# A p95 of 9 min passes the 600 s timeout; a p99.9 of 11 min does not.
	latency.deny == {{
		"policy": "latency.timeout",
		"attribute": "self_hosted.gpus",
		"option": "hybrid",
		"msg": "The hybrid option's fleet leaves complex's slowest requests waiting 11 min 0 s for their first token at peak (p99.9; p95 9 min 0 s), beyond its load balancer's 600 s idle timeout: at peak more than one request in a thousand would fail with HTTP 504 before its first token. The fleet that would carry the load at the target has 16 GPUs, for $45,849 a month expected.",
	}} with input as tail_plan(540000, 660000, fixed_fleet)
}

test_timeout_allows_a_tail_within_the_timeout if {
	count(latency.deny) == 0 with input as tail_plan(540000, 599000, fixed_fleet)
}
