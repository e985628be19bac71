# A 1,000-developer enterprise with a platform team that runs GPUs.
# Autocomplete and test generation — 70 % of the tokens — go to its own H100
# fleet, where a 500 ms time-to-first-token is met; architecture and
# multi-file work stays on Claude Opus. Hybrid pays here: it undercuts pure
# managed even after the quality gap, and a pure self-hosted fleet costs
# several times more once the weaker model's failed complex tasks are
# counted.
team "enterprise-platform" {
  developers           = 1000
  tokens_per_developer = [10e6, 20e6]
  input_share          = 0.8
  cached_input_share   = 0.2
  peak_to_average      = [2, 3]
  cost_center          = "platform"
}

workload "autocomplete" {
  share          = 0.6
  complexity     = "simple"
  context_tokens = 4096
  max_ttft_ms    = 500
  rework_hours   = 0.02 # a rejected completion costs about a minute
}

workload "tests" {
  share        = 0.1
  complexity   = "simple"
  rework_hours = 0.1 # a broken generated test takes minutes to fix
}

workload "architecture" {
  share          = 0.3
  complexity     = "complex"
  context_tokens = 65536
}

managed {
  simple_model  = "claude-sonnet-4.6"
  complex_model = "claude-opus-4.8"
}

self_hosted {
  model              = "qwen3-coder-30b-a3b"
  pricing            = "reserved"
  schedule           = "always_on"
  target_utilization = 0.7
  min_replicas       = 2
}

organization {
  gpu_expertise        = true
  latency_over_quality = true
}

budget {
  monthly_limit_usd  = 250000
  approval_above_usd = 150000
  alert_emails       = ["finops@enterprise.example", "platform-leads@enterprise.example"]
}
