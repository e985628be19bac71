team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 1e308 * 10]
  developer_hourly_usd = -1e308 * 10
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd = 1e308 + 1e308
}
