team "h41011" {
  developers           = 2500
  tokens_per_developer = 30e6
  peak_to_average      = 3
  cached_input_share   = 0.6
  cost_center          = "x"
}
workload "k0w0" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w1" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w2" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w3" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w4" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w5" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w6" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w7" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k0w8" {
  share          = 0.060169978
  complexity     = "complex"
  context_tokens = 4096
  max_ttft_ms    = 1500
  model          = "gpt-5.5"
}
workload "k1w0" {
  share          = 0.095512863
  complexity     = "simple"
  context_tokens = 32768
  max_ttft_ms    = 2500
  model          = "gemini-4-hydrogen"
}
workload "k1w1" {
  share          = 0.095512863
  complexity     = "simple"
  context_tokens = 32768
  max_ttft_ms    = 2500
  model          = "gemini-4-hydrogen"
}
workload "k2w0" {
  share          = 0.066861118
  complexity     = "complex"
  context_tokens = 32768
  model          = "gpt-5.5"
}
workload "k2w1" {
  share          = 0.066861118
  complexity     = "complex"
  context_tokens = 32768
  model          = "gpt-5.5"
}
workload "k2w2" {
  share          = 0.066861118
  complexity     = "complex"
  context_tokens = 32768
  model          = "gpt-5.5"
}
workload "k2w3" {
  share          = 0.066861118
  complexity     = "complex"
  context_tokens = 32768
  model          = "gpt-5.5"
}
managed {
  candidates = ["gemini-4-hydrogen", "gpt-5.5"]
}
self_hosted {
  model   = "gpt-oss-20b"
  gpu     = "auto"
  pricing = "on_demand"
  gpus    = 32
}
quality {
  include_in_decision = false
}
budget {
  monthly_limit_usd = 287700.00
}
