team "Acme Platform!" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "Chat Bot" {
  share      = 1
  complexity = "complex"
}
