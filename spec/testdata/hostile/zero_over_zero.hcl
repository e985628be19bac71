team "acme" {
  developers           = 0/0
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 0/0
  complexity = "complex"
}
