# A 600-developer enterprise with a platform team that runs GPUs: autocomplete
# and test generation on its own H100 fleet, architecture and multi-file work
# on Claude Opus. Hybrid pays here.
team "enterprise-platform" {
  developers           = 700
  tokens_per_developer = [8e6, 14e6]
  input_share          = 0.8
  cached_input_share   = 0.2
  peak_to_average      = [2, 3]
  cost_center          = "platform"
}

workload "autocomplete" {
  share          = 0.55
  complexity     = "simple"
  context_tokens = 8192
  max_ttft_ms    = 3000
}

workload "tests" {
  share      = 0.15
  complexity = "simple"
}

workload "architecture" {
  share          = 0.3
  complexity     = "complex"
  context_tokens = 65536
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
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
  approval_above_usd = 20000
  alert_emails       = ["finops@enterprise.example", "platform-leads@enterprise.example"]
}

override "rollout" {
  policy   = "spend.approval"
  approver = "cfo@enterprise.example"
  reason   = "Hybrid rollout approved in the Q4 budget review"
  expires  = "2027-02-15"
}
