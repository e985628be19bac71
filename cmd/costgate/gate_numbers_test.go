package main

import "testing"

// TestNumbersCannotOpenTheGate: pull requests that write a number the
// arithmetic cannot carry — a utilization target that makes the sizer's
// counts wrap, every team figure at its limit, a fleet larger than any
// provisionable one — to get a denied spec through. Before the spec's
// ranges and the fleet cap, each one gave exit 0: a fleet of
// -9,020,943,718,583,283,712 GPUs priced at a negative cost, or a blocked
// fleet made allowed at 566 % of its capacity.
func TestNumbersCannotOpenTheGate(t *testing.T) {
	dir := t.TempDir()
	const asOfFlag = "2026-11-26"
	const workload = "workload \"agent\" {\n  share      = 1\n  complexity = \"complex\"\n}\n"
	const closed = "compliance {\n  code_may_leave_network = false\n}\n"
	const huge = "team \"blocked\" {\n  developers              = 1e7\n  tokens_per_developer    = 1e12\n  peak_to_average         = 1e6\n  working_hours_per_month = 1\n  cost_center             = \"research\"\n}\n"
	runCases(t, []cliCase{
		{"a utilization target that makes the fleet's count wrap", []string{"check", blockedWith(t, "self_hosted {\n  target_utilization = 3e-19\n}\n"), "--as-of", asOfFlag},
			2, "", "team.hcl:23:24"},
		{"a utilization target that makes a blocked fleet cheap", []string{"check", blockedWith(t, "self_hosted {\n  target_utilization = 1e-30\n}\n"), "--as-of", asOfFlag},
			2, "", "self_hosted.target_utilization must be a number from 0.1 to 1; got 1e-30"},
		{"a fixed fleet above the cap", []string{"check", blockedWith(t, "self_hosted {\n  gpus = 20001\n}\n"), "--as-of", asOfFlag},
			2, "", "self_hosted.gpus must be at most 20000"},
		{"every team figure at its limit, code kept in the network", []string{"check", writeFile(t, dir, "huge.hcl", huge+workload+closed), "--as-of", asOfFlag},
			1, "deny    self_hosted capacity.fleet_limit: The self-hosted fleet would need more than 20000 GPUs", ""},
		{"every team figure at its limit, a pinned model on eight-GPU replicas", []string{"check", writeFile(t, dir, "huge-pinned.hcl", huge+workload+closed+
			"self_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n  target_utilization = 1\n}\n"), "--as-of", asOfFlag},
			1, "capacity.fleet_limit", ""},
		{"ten thousand replicas of four GPUs each", []string{"check", writeFile(t, dir, "replicas.hcl",
			"team \"blocked\" {\n  developers = 20\n  tokens_per_developer = 3e6\n  cost_center = \"research\"\n}\n"+workload+closed+
				"self_hosted {\n  model = \"qwen3-coder-30b-a3b\"\n  gpu = \"l4\"\n  min_replicas = 10000\n}\n"), "--as-of", asOfFlag},
			1, "capacity.fleet_limit", ""},
		{"the fleet cap waived", []string{"check", writeFile(t, dir, "waived.hcl", huge+workload+closed+override("x", "capacity.fleet_limit", "cfo@corp.example", "2026-12-15")), "--as-of", asOfFlag},
			1, "refused override \"x\" for capacity.fleet_limit (not waivable", ""},
	})
}
