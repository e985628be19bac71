team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd  = 1000
  approval_above_usd = 5000
  alert_emails       = ["finops", "", "a@b"]
}
