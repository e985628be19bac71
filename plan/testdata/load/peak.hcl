team "acme" {
  developers           = 20
  tokens_per_developer = 3e6
  timezone             = "Asia/Shanghai"
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
  model      = "deepseek-v4-pro"
}

budget {
  monthly_limit_usd = 80
}
