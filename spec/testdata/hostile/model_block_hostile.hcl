team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  model = "tiny"
}

model "tiny" {
  params_b           = -1
  active_params_b    = 1e400
  layers             = 0
  q_heads            = 1/0
  kv_heads           = 3.5
  head_dim           = "128"
  max_context        = 0
  weights_gb         = 0/0
  kv_bytes_per_token = -1
  quality            = { simple = 2, complex = -1 }
  throughput "h100" {
    tensor_parallel = 3
    prefill_tok_s   = 0
    decode_tok_s    = -1
  }
}
