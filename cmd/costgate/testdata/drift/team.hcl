# A 20-developer team guessing its usage; its exports say otherwise.
team "drift" {
  developers           = 20
  tokens_per_developer = [5e6, 10e6]
  cost_center          = "eng"
}

workload "autocomplete" {
  share      = 0.7
  complexity = "simple"
}

workload "agent" {
  share      = 0.3
  complexity = "complex"
}

managed {
  simple_model  = "claude-sonnet-4.6"
  complex_model = "claude-opus-4.8"
}

self_hosted {
  model        = "qwen3-coder-30b-a3b"
  pricing      = "reserved"
  gpu_hour_usd = 1.5
}

quality {
  include_in_decision = false
}
