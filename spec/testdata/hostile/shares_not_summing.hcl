team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "a" {
  share      = 0.7
  complexity = "simple"
}

workload "b" {
  share      = 0.7
  complexity = "complex"
}

workload "c" {
  share      = 0
  complexity = "complex"
}
