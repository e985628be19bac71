# A team whose code may not leave the network, its agent's prompts (the
# complex default, 32,768 tokens) the whole of qwen2.5-coder-7b's window:
# no fleet of it can serve them, the self-hosted option cannot be priced,
# and the plan is blocked (managed by compliance.external_api).
team "w" {
  developers           = 20
  tokens_per_developer = 2e6
  cost_center          = "cc"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model = "qwen2.5-coder-7b"
  gpu   = "l4"
}

compliance {
  code_may_leave_network = false
}
