team "acme" {
  developers           = 1e-400
  tokens_per_developer = [5e-324, 2e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1e-400
  complexity = "complex"
}
