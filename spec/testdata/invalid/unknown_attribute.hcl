share = 1

team "acme" {
  developer            = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
  colour               = "blue"
}

workload "chat" {
  share      = 1
  complexity = "complex"
  workload   = "chat"
}
