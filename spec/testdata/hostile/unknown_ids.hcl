team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "code" {
  share      = 0.5
  complexity = "simple"
}

workload "chat" {
  share      = 0.5
  complexity = "complex"
}

managed {
  simple_model  = "gpt-4o"
  complex_model = "claude-sonet-4.6"
  provider      = "azure"
}

self_hosted {
  model = "llama-4-405b"
  gpu   = "a100"
}
