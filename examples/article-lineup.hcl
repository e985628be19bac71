# The team of examples/current-lineup.hcl on the article's models (June 2026),
# legacy or superseded by November 2026: GPT-5.4 mini for completion, Claude
# Sonnet 4.6 for agent work. The self-hosted side is the article's 4 H100s,
# which AWS bills as a p5.48xlarge's 8: at these prices managed APIs are
# still cheaper, but close (docs/PRICING.md):
#   costgate plan examples/article-lineup.hcl --as-of 2026-11-30   # managed, close
team "article-lineup" {
  developers           = 150
  tokens_per_developer = [20e6, 40e6]
  cached_input_share   = 0.5
  cache_write_share    = 0.1
  timezone             = "Europe/Berlin"
  cost_center          = "platform"
}

workload "autocomplete" {
  share      = 0.3
  complexity = "simple"
}

workload "agent" {
  share      = 0.7
  complexity = "complex"
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
}

self_hosted {
  model             = "qwen3-coder-30b-a3b"
  pricing           = "reserved"
  gpu_hour_usd      = 3
  gpus              = 4
  hours_per_month   = 720
  ops_usd_per_month = [2000, 4000]
}

quality {
  include_in_decision = false
}
