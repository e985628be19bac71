# A 10-developer startup: autocomplete and agent sessions on managed APIs,
# a small budget, no GPU team.
team "startup" {
  developers           = 10
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "engineering"
}

workload "autocomplete" {
  share      = 0.4
  complexity = "simple"
}

workload "agent" {
  share      = 0.6
  complexity = "complex"
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
}

budget {
  monthly_limit_usd  = 2000
  approval_above_usd = 1000
  alert_emails       = ["founders@startup.example"]
}
