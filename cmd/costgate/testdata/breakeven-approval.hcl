# company-50 at 200 developers: its budget's finance sign-off above $8,000 a month
# (spend.approval) denies the cheapest self-hosted assignment.
team "company-200" {
  developers = 200
  tokens_per_developer = [3e6, 6e6]
  cached_input_share   = 0.3
  cost_center          = "product-eng"
}

workload "autocomplete" {
  share      = 0.5
  complexity = "simple"
}

workload "review" {
  share      = 0.2
  complexity = "complex"
}

workload "agent" {
  share      = 0.3
  complexity = "complex"
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
  provider      = "bedrock"
}

self_hosted {
  model   = "auto"
  pricing = "reserved"
}

compliance {
  allowed_providers = ["bedrock", "openai"]
}

budget {
  monthly_limit_usd  = 15000
  approval_above_usd = 8000
  alert_emails       = ["finops@company.example"]
}
