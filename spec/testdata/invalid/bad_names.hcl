team "Acme Platform" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = ""
}

workload "Chat Bot" {
  share      = 1
  complexity = "complex"
}
