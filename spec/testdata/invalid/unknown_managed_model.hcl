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
  simple_model  = "gpt-5.4-mnii"
  complex_model = "claude-sonet-4.6"
}
