team "acme" {
  developers           = "200"
  tokens_per_developer = ["2e6", "5e6"]
  cost_center          = 42
}

workload "chat" {
  share      = "all"
  complexity = "complex"
}
