# Code may not leave the network, and the budget cannot pay for a fleet:
# every architecture is denied.
team "blocked" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

compliance {
  code_may_leave_network = false
}

budget {
  monthly_limit_usd = 1000
}
