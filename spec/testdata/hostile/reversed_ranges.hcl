team "acme" {
  developers           = [300, 100]
  tokens_per_developer = [5e6, 2e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  gpu_hour_usd      = [3.5, 2.5]
  ops_usd_per_month = [4000, -4000]
}
