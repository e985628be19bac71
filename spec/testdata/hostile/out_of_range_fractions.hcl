team "acme" {
  developers           = 200.5
  tokens_per_developer = [2e6, 5e6]
  input_share          = 1.5
  cached_input_share   = [0.5, 2]
  cost_center          = "platform"
}

workload "chat" {
  share          = 1
  complexity     = "complex"
  context_tokens = 8192.25
  max_ttft_ms    = -200
}

self_hosted {
  gpus         = 2.5
  min_replicas = 1e9
}
