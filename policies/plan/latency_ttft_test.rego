package costgate.latency_test

import data.costgate.latency

route(workload, model, ttft, max_ttft) := {
	"workload": workload,
	"served_by": "managed",
	"provider": "openai",
	"model": model,
	"ttft_ms": ttft,
	"max_ttft_ms": max_ttft,
}

plan(routes) := {"options": [{"architecture": "managed", "routes": routes}]}

test_ttft_denies_route_above_limit if {
	latency.deny == {{
		"policy": "latency.ttft",
		"attribute": "workload.autocomplete.max_ttft_ms",
		"option": "managed",
		"msg": "The managed option serves autocomplete with gpt-5.4-mini at a p95 time to first token of 451 ms, above the workload's limit of 200 ms.",
	}} with input as plan([route("autocomplete", "gpt-5.4-mini", 450.6, 200), route("review", "claude-sonnet-4.6", 900, null)])
}

test_ttft_denies_unknown_ttft if {
	latency.deny == {{
		"policy": "latency.ttft",
		"attribute": "workload.autocomplete.max_ttft_ms",
		"option": "managed",
		"msg": "The managed option serves autocomplete with gpt-5.4-mini, whose p95 time to first token is unknown; the workload requires at most 200 ms.",
	}} with input as plan([route("autocomplete", "gpt-5.4-mini", null, 200)])
}

test_ttft_denies_missing_ttft_field if {
	plan_without := {"options": [{"architecture": "hybrid", "routes": [{"workload": "chat", "model": "gpt-5.5", "max_ttft_ms": 300}]}]}
	count(latency.deny) == 1 with input as plan_without
}

test_ttft_allows_route_within_limit if {
	count(latency.deny) == 0 with input as plan([route("autocomplete", "gpt-5.4-mini", 200, 200)])
}

test_ttft_allows_routes_without_target if {
	count(latency.deny) == 0 with input as plan([route("review", "claude-sonnet-4.6", null, null), route("chat", "gpt-5.5", 5000, null)])
}

test_ttft_one_denial_per_route if {
	routes := [route("autocomplete", "gpt-5.4-mini", 300, 200), route("inline", "gpt-5.4-mini", null, 150)]
	count(latency.deny) == 2 with input as plan(routes)
}
