team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

managed {
  provider = "bedrok"
}

compliance {
  code_may_leave_network = false
  allowed_providers      = ["bedrock", "anthropc", "bedrock"]
}
