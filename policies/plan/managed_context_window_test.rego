package costgate.managed_context_test

import data.costgate.managed_context

route(workload, served_by, model, ctx, window) := {
	"workload": workload,
	"served_by": served_by,
	"model": model,
	"provider": "openai",
	"context_tokens": ctx,
	"max_input_tokens": window,
}

plan(routes) := {"options": [{"architecture": "managed", "routes": routes}]}

test_prompt_above_the_window_denied if {
	managed_context.deny == {{
		"policy": "managed.context_window",
		"attribute": "workload.agent.context_tokens",
		"option": "managed",
		"msg": "The managed option sends agent's 600000-token prompts to gpt-5.4-mini through openai, which takes at most 400000 input tokens a request: every such request is refused. Route the workload to a model with a longer window, or shorten its prompts.",
	}} with input as plan([route("agent", "managed", "gpt-5.4-mini", 600000, 400000), route("chat", "managed", "gpt-5.4-mini", 8192, 400000)])
}

test_prompt_at_the_window_allowed if {
	count(managed_context.deny) == 0 with input as plan([route("agent", "managed", "m", 400000, 400000)])
}

test_unknown_window_not_judged if {
	count(managed_context.deny) == 0 with input as plan([route("agent", "managed", "m", 10000000, null)])
}

test_fleet_routes_not_judged if {
	count(managed_context.deny) == 0 with input as plan([route("agent", "self_hosted", "m", 600000, 400000)])
}

test_one_denial_per_route_and_option if {
	count(managed_context.deny) == 3 with input as {"options": [
		{"architecture": "managed", "routes": [route("a", "managed", "m", 9, 8), route("b", "managed", "m", 9, 8)]},
		{"architecture": "hybrid", "routes": [route("a", "managed", "m", 9, 8), route("b", "self_hosted", "f", 9, 8)]},
	]}
}
