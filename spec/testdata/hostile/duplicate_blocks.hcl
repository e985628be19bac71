team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

team "beta" {
  developers           = 10
  tokens_per_developer = 1e6
  cost_center          = "beta"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

managed {
  simple_model = "gpt-5.4-mini"
}

managed {
  complex_model = "claude-sonnet-4.6"
}

budget {
  monthly_limit_usd = 1000
}

budget {
  monthly_limit_usd = 2000
}
