# A cash threshold (spend.approval) denies the hybrid that the quality gap
# makes the cheapest in total: self_hosted, allowed, is decided; moving the
# agent to gpt-5.5 costs $13,569 less, and the frontier's one point is that
# hybrid. A spec of bench/many-specs.sh (team-0515).
team "t" {
  developers           = 171
  tokens_per_developer = [5000000, 5000000]
  cached_input_share   = 0.22
  peak_to_average      = [2, 2.1]
  cost_center          = "cc"
}

workload "autocomplete" {
  share       = 0.42
  complexity  = "simple"
  max_ttft_ms = 220
}

workload "agent" {
  share          = 0.58
  complexity     = "complex"
  context_tokens = 32768
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "gpt-5.5"
}

self_hosted {
  model    = "gpt-oss-120b"
  schedule = "business_hours"
}

budget {
  monthly_limit_usd  = 30868
  approval_above_usd = 18520
}
