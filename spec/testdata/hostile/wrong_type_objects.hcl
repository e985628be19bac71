team "acme" {
  developers           = { low = 100, high = 200 }
  tokens_per_developer = [2e6, 5e6]
  cost_center          = { name = "platform" }
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
