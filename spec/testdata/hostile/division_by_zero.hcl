team "acme" {
  developers           = 1/0
  tokens_per_developer = [2e6, 5e6 / 0]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1 % 0
  complexity = "complex"
}
