team "acme" {
  developers           = 200
  developers           = 2000
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
  cost_center          = "finance"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
