team "acme" "extra" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload {
  share      = 1
  complexity = "complex"
}

managed "openai" {
  simple_model = "gpt-5.4-mini"
}
