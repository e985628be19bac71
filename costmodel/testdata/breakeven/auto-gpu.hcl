team "auto-gpu" {
  developers = 40
  tokens_per_developer = 60e6
  peak_to_average = 3
  cost_center = "x"
  timezone = "UTC"
}
workload "a" {
  share = 0.6
  complexity = "simple"
  context_tokens = 4096
}
workload "b" {
  share = 0.4
  complexity = "complex"
  context_tokens = 8192
}
managed {
  simple_model = "gpt-5.5"
  complex_model = "claude-opus-5.5"
}
self_hosted {
  model = "qwen2.5-coder-32b"
  gpu = "auto"
  pricing = "on_demand"
  schedule = "business_hours"
  region = "us-east-1"
}
compliance {
  allowed_providers = ["openai", "anthropic"]
}
quality {
  include_in_decision = false
}
