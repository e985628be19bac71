# Article row 2: 50 developers, Sonnet-class usage. The article: managed $2,500–3,750, self-hosted $10,000+, managed wins.
# The self-hosted side is the article's: 4 H100s at $3/GPU-hour reserved for
# 720 hours, plus $2,000–4,000 of SRE time. Its table leaves quality out.
team "seed-50-devs-sonnet" {
  developers           = 50
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "seed"
}

workload "coding" {
  share      = 1
  complexity = "complex"
}

managed {
  complex_model = "claude-sonnet-4.6"
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
