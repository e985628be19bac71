# Article row 4: 200 developers, mixed usage. The article: managed
# $15,000–30,000, self-hosted $13,000, self-hosted wins.
# Mixed: half the tokens are routine (Sonnet), half complex (Opus). The
# self-hosted side is the article's 4 H100s at $3/GPU-hour for 720 hours.
team "seed-200-devs-mixed" {
  developers           = 200
  tokens_per_developer = [10e6, 20e6]
  cost_center          = "seed"
}

workload "routine" {
  share      = 0.5
  complexity = "simple"
}

workload "complex" {
  share      = 0.5
  complexity = "complex"
}

managed {
  simple_model  = "claude-sonnet-4.6"
  complex_model = "claude-opus-4.8"
}

self_hosted {
  model             = "llama-3.3-70b"
  pricing           = "reserved"
  gpu_hour_usd      = 3
  gpus              = 4
  hours_per_month   = 720
  ops_usd_per_month = [2000, 4000]
}

quality {
  include_in_decision = false
}
