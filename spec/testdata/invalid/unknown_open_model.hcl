team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model = "lama-3.3-70b"
}
