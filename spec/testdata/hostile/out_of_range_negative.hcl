team "acme" {
  developers           = -5
  tokens_per_developer = [-2e6, 5e6]
  input_share          = -0.1
  developer_hourly_usd = -100
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd = -1
}
