package costgate.compliance_test

import data.costgate.compliance

managed_option := {"architecture": "managed", "routes": [
	{"workload": "autocomplete", "served_by": "managed", "provider": "openai", "model": "gpt-5.4-mini"},
	{"workload": "review", "served_by": "managed", "provider": "anthropic", "model": "claude-sonnet-4.6"},
]}

self_hosted_option := {"architecture": "self_hosted", "routes": [
	{"workload": "autocomplete", "served_by": "self_hosted", "model": "qwen3-coder-30b-a3b"},
	{"workload": "review", "served_by": "self_hosted", "model": "qwen3-coder-30b-a3b"},
]}

hybrid_option := {"architecture": "hybrid", "routes": [
	{"workload": "autocomplete", "served_by": "self_hosted", "model": "qwen3-coder-30b-a3b"},
	{"workload": "review", "served_by": "managed", "provider": "anthropic", "model": "claude-sonnet-4.6"},
]}

all_options := [managed_option, self_hosted_option, hybrid_option]

plan_with(compliance_block) := {"inputs": {"compliance": compliance_block}, "options": all_options}

external_api_denials(plan) := {v | some v in compliance.deny with input as plan; v.policy == "compliance.external_api"}

test_external_api_denies_managed_and_hybrid if {
	got := external_api_denials(plan_with({"code_may_leave_network": false, "allowed_providers": null}))
	got == {
		{
			"policy": "compliance.external_api",
			"attribute": "compliance.code_may_leave_network",
			"option": "managed",
			"msg": "The managed option sends code to external APIs (autocomplete via openai/gpt-5.4-mini, review via anthropic/claude-sonnet-4.6), but the spec's compliance block says code may not leave the network.",
		},
		{
			"policy": "compliance.external_api",
			"attribute": "compliance.code_may_leave_network",
			"option": "hybrid",
			"msg": "The hybrid option sends code to external APIs (review via anthropic/claude-sonnet-4.6), but the spec's compliance block says code may not leave the network.",
		},
	}
}

test_external_api_allows_when_code_may_leave if {
	count(external_api_denials(plan_with({"code_may_leave_network": true, "allowed_providers": null}))) == 0
}

test_external_api_allows_self_hosted_only_plan if {
	plan := {"inputs": {"compliance": {"code_may_leave_network": false, "allowed_providers": null}}, "options": [self_hosted_option]}
	count(external_api_denials(plan)) == 0
}

test_external_api_names_missing_provider if {
	option := {"architecture": "managed", "routes": [{"workload": "chat", "served_by": "managed", "model": "gpt-5.5"}]}
	plan := {"inputs": {"compliance": {"code_may_leave_network": false, "allowed_providers": null}}, "options": [option]}
	some v in external_api_denials(plan)
	v.msg == "The managed option sends code to external APIs (chat via an unnamed provider/gpt-5.5), but the spec's compliance block says code may not leave the network."
}
