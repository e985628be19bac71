team "acme" {
  developers           = 50
  tokens_per_developer = 5e6
  cost_center          = "platform"
}

workload "tests" {
  share       = 0.5
  complexity  = "simple"
  route       = "fleet"
  min_quality = 1.5
}

workload "agent" {
  share      = 0.5
  complexity = "complex"
  route      = "self_hosted"
  model      = "claude-sonnet-5.5"
}

managed {
  candidates = ["claude-sonnet-5.5", "gpt-6.2-sola", "claude-sonnet-5.5"]
}
