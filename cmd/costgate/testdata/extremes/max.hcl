# The largest team and usage the spec allows: 1e7 developers × 1e12 tokens each.
# Costs reach 3.8e13 USD a month; no figure may overflow.
team "startup" {
  developers           = 1e7
  tokens_per_developer = 1e12
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
  monthly_limit_usd  = 1e12
  approval_above_usd = 5e11
  alert_emails       = ["founders@startup.example"]
}
