# Article row 3: 50 developers, Opus-class heavy usage. The article: managed $7,500–15,000, self-hosted $13,000+, close.
# The self-hosted side is the article's: 4 H100s at $3/GPU-hour reserved for
# 720 hours, plus $2,000–4,000 of SRE time. Its table leaves quality out.
team "seed-50-devs-opus" {
  developers           = 50
  tokens_per_developer = [15e6, 30e6]
  cost_center          = "seed"
}

workload "coding" {
  share      = 1
  complexity = "complex"
}

managed {
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
