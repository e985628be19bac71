team "bad" {
  developers           = 12.5
  tokens_per_developer = [5e6, 2e6]
  cost_center          = "x"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}
