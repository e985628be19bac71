team "acme" {
  developers           = 100
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "chat" {
  share          = 0.5
  complexity     = "complex"
  context_tokens = 32768
  max_ttft_ms    = 4000
}

workload "tab" {
  share          = 0.5
  complexity     = "simple"
  context_tokens = 2048
}

self_hosted {
  model = "qwen3-coder-30b-a3b"
  gpu   = "h100"
  gpus  = 1
}

compliance {
  code_may_leave_network = false
}
