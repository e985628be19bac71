team "acme" {
  developers              = 0
  tokens_per_developer    = 0
  peak_to_average         = 0.5
  working_hours_per_month = 0
  cost_center             = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model              = "qwen3-coder-30b-a3b"
  target_utilization = 0
  min_replicas       = 0
  gpus               = 0
  hours_per_month    = 0
}
