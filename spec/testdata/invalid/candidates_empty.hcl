team "acme" {
  developers           = 50
  tokens_per_developer = 5e6
  cost_center          = "platform"
}

workload "agent" {
  share      = 1
  complexity = "complex"
  model      = "claude-sonet-5.5"
}

managed {
  candidates = []
}
