team "acme" {
  developers           = [100, 200, 300]
  tokens_per_developer = [2e6]
  peak_to_average      = []
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
