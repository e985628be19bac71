package costgate.compliance_test

import data.costgate.compliance

provider_denials(plan) := {v | some v in compliance.deny with input as plan; v.policy == "compliance.provider"}

test_provider_denies_providers_outside_allow_list if {
	got := provider_denials(plan_with({"code_may_leave_network": true, "allowed_providers": ["bedrock", "openai"]}))
	got == {
		{
			"policy": "compliance.provider",
			"attribute": "compliance.allowed_providers",
			"option": "managed",
			"msg": "The managed option sends review to provider \"anthropic\", which is not an allowed provider (allowed: bedrock, openai).",
		},
		{
			"policy": "compliance.provider",
			"attribute": "compliance.allowed_providers",
			"option": "hybrid",
			"msg": "The hybrid option sends review to provider \"anthropic\", which is not an allowed provider (allowed: bedrock, openai).",
		},
	}
}

test_provider_groups_workloads_per_provider if {
	option := {"architecture": "managed", "routes": [
		{"workload": "review", "served_by": "managed", "provider": "anthropic", "model": "claude-sonnet-4.6"},
		{"workload": "agent", "served_by": "managed", "provider": "anthropic", "model": "claude-opus-4.8"},
	]}
	plan := {"inputs": {"compliance": {"code_may_leave_network": true, "allowed_providers": ["bedrock"]}}, "options": [option]}
	provider_denials(plan) == {{
		"policy": "compliance.provider",
		"attribute": "compliance.allowed_providers",
		"option": "managed",
		"msg": "The managed option sends agent, review to provider \"anthropic\", which is not an allowed provider (allowed: bedrock).",
	}}
}

test_provider_allows_listed_providers if {
	count(provider_denials(plan_with({"code_may_leave_network": true, "allowed_providers": ["anthropic", "openai"]}))) == 0
}

test_provider_allows_any_provider_without_allow_list if {
	count(provider_denials(plan_with({"code_may_leave_network": true, "allowed_providers": null}))) == 0
}

test_provider_ignores_self_hosted_routes if {
	plan := {"inputs": {"compliance": {"code_may_leave_network": true, "allowed_providers": []}}, "options": [self_hosted_option]}
	count(provider_denials(plan)) == 0
}

test_provider_empty_allow_list_denies_every_managed_route if {
	plan := {"inputs": {"compliance": {"code_may_leave_network": true, "allowed_providers": []}}, "options": [hybrid_option]}
	provider_denials(plan) == {{
		"policy": "compliance.provider",
		"attribute": "compliance.allowed_providers",
		"option": "hybrid",
		"msg": "The hybrid option sends review to provider \"anthropic\", which is not an allowed provider (allowed: none).",
	}}
}

test_provider_denies_unknown_provider if {
	option := {"architecture": "managed", "routes": [{"workload": "chat", "served_by": "managed", "model": "gpt-5.5"}]}
	plan := {"inputs": {"compliance": {"code_may_leave_network": true, "allowed_providers": ["bedrock"]}}, "options": [option]}
	provider_denials(plan) == {{
		"policy": "compliance.provider",
		"attribute": "compliance.allowed_providers",
		"option": "managed",
		"msg": "The managed option sends chat to a managed API whose provider is unknown, which is not an allowed provider (allowed: bedrock).",
	}}
}
