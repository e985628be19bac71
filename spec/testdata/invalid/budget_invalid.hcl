team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd  = 0
  approval_above_usd = -5
  alert_emails       = ["finops", "Fin Ops <finops@acme.example>", "ops@localhost", "finopſ@acme.example"]
}
