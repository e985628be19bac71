team "ks" {
  developers           = 3420
  tokens_per_developer = 10e6
  peak_to_average      = 2
  cached_input_share   = 0
  cost_center          = "x"
}
workload "a" {
  share          = 0.3
  complexity     = "complex"
  context_tokens = 8192
  model          = "claude-fable-5.2"
}
workload "b" {
  share          = 0.25
  complexity     = "complex"
  context_tokens = 8192
  model          = "gpt-5.5"
}
workload "c" {
  share          = 0.25
  complexity     = "complex"
  context_tokens = 8192
  model          = "gpt-5.5"
}
workload "f00" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f01" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f02" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f03" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f04" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f05" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f06" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f07" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f08" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
workload "f09" {
  share          = 0.02
  complexity     = "complex"
  context_tokens = 8192
  model          = "deepseek-v4.1-flash"
}
managed {
  candidates = ["claude-fable-5.2", "gpt-5.5", "deepseek-v4.1-flash"]
}
self_hosted {
  model = "qwen3-coder-30b-a3b"
  gpu   = "h100"
  gpus  = 8
}
quality {
  include_in_decision = false
}
budget {
  monthly_limit_usd = 200000
}
