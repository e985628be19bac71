team "acme" {
  developers           = 20
  tokens_per_developer = 3e6
  cached_input_share   = 0.2
  cache_write_share    = 0.6
  cache_ttl            = "1h"
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

budget {
  monthly_limit_usd = 350
}
