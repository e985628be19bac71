# A 150-developer team of heavy agent users, priced on the November 2026
# lineup: Claude Haiku 5.5 for completion, Gemini 4 Carbon for agent work.
# examples/article-lineup.hcl is the same team on the article's models, now
# legacy or superseded. The self-hosted side is the article's: 4 H100s at
# $3/GPU-hour for 720 hours plus $2,000-4,000 of SRE time, and, as in the
# article's table, the quality gap is reported but left out of the decision.
#
# The verdict moves with the prices (docs/PRICING.md): the decision is
# managed on all three, priced as AWS bills the fleet (the 4 H100s run on a
# p5.48xlarge, all 8 billed):
#   costgate plan examples/article-lineup.hcl --as-of 2026-11-30   # close
#   costgate plan examples/current-lineup.hcl --as-of 2026-11-30   # managed wins
#   costgate plan examples/current-lineup.hcl --as-of 2026-12-01   # close:
#     Gemini 4 Carbon doubles that day, and the 2026-11-30 plan warns of it.
team "current-lineup" {
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
  simple_model  = "claude-haiku-5.5"
  complex_model = "gemini-4-carbon"
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
