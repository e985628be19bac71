team "acme" {
  developers           = 1e30
  tokens_per_developer = 123456789012345678901234567890
  cost_center          = "platform"
}

workload "chat" {
  share          = 1
  complexity     = "complex"
  context_tokens = 99999999999999999999
}

self_hosted {
  gpus = 1e20
}
