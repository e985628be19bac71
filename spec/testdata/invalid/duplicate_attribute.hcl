team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  developers           = 300
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
