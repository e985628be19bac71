team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "[2J[31mplatform"
}

workload "chat" {
  share      = 1
  complexity = "[0mcomplex"
}
