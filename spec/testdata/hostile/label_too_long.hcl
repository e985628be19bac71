team "a-team-name-that-is-far-too-long-for-aws-resources" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
