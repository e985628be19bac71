team "acme" {
  developers           = 100
  tokens_per_developer = 3e6
  input_share          = 0.9
  cached_input_share   = 0
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd = 1200
}
