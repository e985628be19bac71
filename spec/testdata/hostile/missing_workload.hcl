team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

managed {
  complex_model = "claude-sonnet-4.6"
}
