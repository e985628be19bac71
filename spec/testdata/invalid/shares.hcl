team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "autocomplete" {
  share      = 0.6
  complexity = "simple"
}

workload "review" {
  share      = 0.3
  complexity = "complex"
}
