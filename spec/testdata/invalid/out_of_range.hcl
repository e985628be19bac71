team "acme" {
  developers              = 0
  tokens_per_developer    = -5
  input_share             = 1.5
  cached_input_share      = [0, 2]
  working_hours_per_month = 800
  peak_to_average         = 0.5
  developer_hourly_usd    = -1
  cost_center             = "platform"
}

workload "chat" {
  share          = 1
  complexity     = "complex"
  context_tokens = 0
  max_ttft_ms    = 0
}

self_hosted {
  gpu_hour_usd       = 0
  gpus               = 0
  hours_per_month    = 0
  ops_usd_per_month  = [-1, 4000]
  min_replicas       = 0
  target_utilization = 0
  min_quality        = 2
  on_demand_base     = -1
}

quality {
  rework_hours = -0.5
}
