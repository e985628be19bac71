team "acme" {
  developers           = 125
  tokens_per_developer = 3e6
  peak_to_average      = 3
  cost_center          = "research"
}

workload "agent" {
  share      = 0.5
  complexity = "complex"
}

workload "chat" {
  share          = 0.5
  complexity     = "simple"
  context_tokens = 2048
}

self_hosted {
  model = "qwen3-coder-30b-a3b"
  gpu   = "h100"
  gpus  = 1
}

compliance {
  code_may_leave_network = false
}
