team "acme" {
  developers           = 200
  developer            = 201
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
  region               = "us-east-1"
}

workload "chat" {
  share      = 1
  complexity = "complex"
  provider   = "openai"
}

developers = 200
