team "research" {
  developers           = 20
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share          = 1
  complexity     = "simple"
  context_tokens = 20000
  model          = "gpt-5.4-mini-acme"
}

self_hosted {
  model = "gpt-oss-120b"
}
