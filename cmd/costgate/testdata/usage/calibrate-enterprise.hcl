# A 1,000-developer enterprise with a platform team that runs GPUs.
# Autocomplete and test generation — 70 % of the tokens — go to its own H100
# fleet, where a 500 ms time-to-first-token is met; architecture and
# multi-file work stays on Claude Opus. Hybrid pays here: it undercuts pure
# managed even after the quality gap, and a pure self-hosted fleet costs
# several times more once the weaker model's failed complex tasks are
# counted.
# calibrated: Measured by `costgate usage calibrate` from claude-code-otel (events.jsonl), period
# calibrated: 2026-11-02 to 2026-11-03 (1 day, UTC, until exclusive): developers are the people with
# calibrated: usage (user.email, else user.account_id, else user.id); tokens_per_developer is p25 to
# calibrated: p75 of tokens per developer-month (730 h), widened to be centred on the mean 26.1k (a
# calibrated: plan takes its midpoint); the shares are of the measured token totals; peak_to_average
# calibrated: is the busiest hour over the period's tokens spread over its working hours
# calibrated: (Monday-Friday 09:00-17:00 UTC); workload shares split the tokens of claude-sonnet-4.6
# calibrated: (simple, 87.0 %) and claude-opus-4.8 (complex, 13.0 %) over the workloads in their
# calibrated: former proportions.
team "enterprise-platform" {
  developers           = 2
  tokens_per_developer = [24370, 27770]
  input_share          = 0.8333
  cached_input_share   = 0.65
  peak_to_average      = 4.33
  cost_center          = "platform"
  cache_write_share    = 0.025
}

workload "autocomplete" {
  share          = 0.7454
  complexity     = "simple"
  context_tokens = 4096
  max_ttft_ms    = 500
  rework_hours   = 0.02 # a rejected completion costs about a minute
}

workload "tests" {
  share        = 0.1242
  complexity   = "simple"
  rework_hours = 0.1 # a broken generated test takes minutes to fix
}

workload "architecture" {
  share          = 0.1304
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
