team "acme" {
  developers           = [10.5, 200.0000000000000001]
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share          = 1
  complexity     = "complex"
  context_tokens = 1000.5
}

self_hosted {
  gpus         = 2.5
  min_replicas = 1.5
  on_demand_base = 0.5
}
