# Every block of the spec language, as DESIGN.md describes it.
team "acme-platform" {
  developers              = 200
  tokens_per_developer    = [2e6, 5e6]
  input_share             = 0.8
  cached_input_share      = 0
  working_hours_per_month = 176
  peak_to_average         = 2
  developer_hourly_usd    = 100
  cost_center             = "platform"
}

workload "autocomplete" {
  share          = 0.6
  complexity     = "simple"
  context_tokens = 8192
  max_ttft_ms    = 200
}

workload "agent" {
  share      = 0.4
  complexity = "complex"
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
  provider      = "bedrock"
}

self_hosted {
  model              = "qwen3-coder-30b-a3b"
  gpu                = "h100"
  pricing            = "reserved"
  gpu_hour_usd       = [2.5, 3.5]
  schedule           = "always_on"
  hours_per_month    = 730
  ops_usd_per_month  = [2000, 4000]
  min_replicas       = 1
  on_demand_base     = 0 # spot only: instances on demand under the spot ones
  target_utilization = 0.7
  region             = "us-east-1"
}

compliance {
  code_may_leave_network = true
  allowed_providers      = ["bedrock", "openai"]
}

organization {
  gpu_expertise        = false
  latency_over_quality = false
}

budget {
  monthly_limit_usd  = 30000
  approval_above_usd = 15000
  alert_emails       = ["finops@acme.example"]
}

override "q1-migration" {
  policy   = "spend.approval"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-02-15"
}

quality {
  rework_hours        = 0.5
  include_in_decision = true
}
