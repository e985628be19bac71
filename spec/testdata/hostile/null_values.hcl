team "acme" {
  developers           = null
  tokens_per_developer = [null, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = null
}
