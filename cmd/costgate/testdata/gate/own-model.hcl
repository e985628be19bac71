# A team whose fixed fleet runs its own mixture-of-experts model block and
# misses its 1,000 ms TTFT target: latency.ttft denies the self-hosted
# option, and compliance the managed ones. TestModelFiguresCannotOpenTheGate
# raises dense_layers in a pull request.
team "acme" {
  developers           = 200
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity  = "complex"
  max_ttft_ms = 1000
}

self_hosted {
  model   = "mine"
  gpu     = "h100"
  gpus    = 8
  pricing = "on_demand"
}

model "mine" {
  hf_repo           = "acme/mine"
  params_b          = 106
  active_params_b   = 12
  layers            = 46
  q_heads           = 96
  kv_heads          = 8
  head_dim          = 128
  hidden_size       = 4096
  vocab_size        = 151552
  experts           = 128
  experts_per_token = 8
  shared_experts    = 1
  dense_layers      = 1
  max_context       = 131072
  weights_dtype     = "bf16"
  weights_gb        = 212
  quality           = { simple = 0.8, complex = 0.5 }
  source            = "our own evaluation"
  as_of             = "2026-11-01"
}

compliance {
  code_may_leave_network = false
}
