team "acme" {
  developers              = 90
  tokens_per_developer    = 3e6
  working_hours_per_month = 176
  peak_to_average         = 3
  cost_center             = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model = "qwen3-coder-30b-a3b"
  gpu   = "h100"
  gpus  = 1
}

compliance {
  code_may_leave_network = false
}
