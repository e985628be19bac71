team "acme" {
  developers           = 1e400
  tokens_per_developer = [2e6, 1e99999]
  peak_to_average      = 1e308
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
