team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

model "gpt-oss-20b" {
  hf_repo = "openai/gpt-oss-20b"
}

model "my-coder" {
  hf_repo         = "not a repo"
  params_b        = 14
  active_params_b = 20
  layers          = 48
  q_heads         = 8
  kv_heads        = 40
  head_dim        = 128
  max_context     = 32768
  weights_dtype   = "int8"
  weights_gb      = 29
  quality         = { simple = 0.8, complx = 0.4 }
  source          = "internal benchmark"
  as_of           = "2026-13-01"

  throughput "H200" {
    tensor_parallel = 1
    prefill_tok_s   = 20000
    decode_tok_s    = 1500
    ttft_ms         = 300
    concurrency     = 32
  }

  throughput "h100" {
    tensor_parallel = 3
    prefill_tok_s   = 20000
    decode_tok_s    = 0
    ttft_ms         = 300
    concurrency     = 0.5
  }
}

self_hosted {
  model = "my-codr"
}
