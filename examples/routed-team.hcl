# A team whose workloads want different things: fast completions, tests a
# small open model writes well, agent work that needs a frontier model, and
# a review workload a cheaper frontier model handles. costgate routes each
# workload to the fleet or to one of the candidates and sizes the fleet for
# exactly what it serves.
team "routed-team" {
  developers           = [150, 250]
  tokens_per_developer = [8e6, 15e6]
  cached_input_share   = 0.3
  cost_center          = "platform"
}

workload "autocomplete" {
  share       = 0.35
  complexity  = "simple"
  max_ttft_ms = 400
}

workload "tests" {
  share      = 0.2
  complexity = "simple"
}

workload "agent" {
  share       = 0.3
  complexity  = "complex"
  min_quality = 0.8
}

workload "review" {
  share       = 0.15
  complexity  = "complex"
  min_quality = 0.7
}

managed {
  candidates = ["claude-sonnet-5.5", "gpt-6.2-sol", "claude-haiku-5.5", "gemini-4-hydrogen"]
}

self_hosted {
  model = "auto"
  gpu   = "auto"
}

compliance {
  allowed_providers = ["anthropic", "openai", "google"]
}

organization {
  gpu_expertise = true
}

budget {
  monthly_limit_usd = 150000
}
