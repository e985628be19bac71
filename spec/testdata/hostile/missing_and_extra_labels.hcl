team {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" "extra" {
  share      = 1
  complexity = "complex"
}

budget "main" {
  monthly_limit_usd = 1000
}
