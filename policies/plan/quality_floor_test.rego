package costgate.quality_test

import data.costgate.quality

route(workload, model, q, floor) := {
	"workload": workload,
	"served_by": "self_hosted",
	"model": model,
	"quality": q,
	"min_quality": floor,
}

plan(routes) := {"options": [{"architecture": "hybrid", "routes": routes}]}

test_floor_denies_route_below if {
	quality.deny == {{
		"policy": "quality.floor",
		"attribute": "workload.tests.min_quality",
		"option": "hybrid",
		"msg": "The hybrid option serves tests with qwen3-coder-30b-a3b, whose quality score of 0.516 is below the workload's min_quality of 0.8.",
	}} with input as plan([route("tests", "qwen3-coder-30b-a3b", 0.516, 0.8), route("chat", "x", 0.9, null)])
}

test_floor_denies_unknown_quality if {
	quality.deny == {{
		"policy": "quality.floor",
		"attribute": "workload.tests.min_quality",
		"option": "hybrid",
		"msg": "The hybrid option serves tests with my-model, whose quality score is unknown; the workload's min_quality is 0.5.",
	}} with input as plan([route("tests", "my-model", null, 0.5)])
}

test_floor_allows_at_or_above if {
	count(quality.deny) == 0 with input as plan([route("tests", "a", 0.8, 0.8), route("chat", "b", 0.95, 0.9)])
}

test_floor_allows_routes_without_floor if {
	count(quality.deny) == 0 with input as plan([route("tests", "a", null, null), route("chat", "b", 0.1, null)])
}

test_floor_one_denial_per_route if {
	count(quality.deny) == 2 with input as plan([route("a", "m", 0.1, 0.5), route("b", "m", null, 0.5)])
}
