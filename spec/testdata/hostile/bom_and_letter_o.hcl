team "acme" {
  developers           = 2OO
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}
