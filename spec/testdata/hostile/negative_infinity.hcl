team "acme" {
  developers           = -1/0
  tokens_per_developer = [-1/0, 1/0]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
