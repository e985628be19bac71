team "acme" {
  developers           = 200
  tokens_per_developer = 1e400
  peak_to_average      = [2, 1e999]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
