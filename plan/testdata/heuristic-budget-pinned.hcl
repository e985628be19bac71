team "h11002" {
  developers           = 2500
  tokens_per_developer = 30e6
  peak_to_average      = 2
  cached_input_share   = 0.6
  cost_center          = "x"
}
workload "k0w0" {
  share          = 0.071297648
  complexity     = "simple"
  context_tokens = 8192
  route          = "self_hosted"
}
workload "k0w1" {
  share          = 0.071297648
  complexity     = "simple"
  context_tokens = 8192
  route          = "managed"
  model          = "claude-opus-5.5"
}
workload "k0w2" {
  share          = 0.071297648
  complexity     = "simple"
  context_tokens = 8192
  route          = "managed"
  model          = "claude-opus-5.5"
}
workload "k0w3" {
  share          = 0.071297648
  complexity     = "simple"
  context_tokens = 8192
  route          = "managed"
  model          = "claude-opus-5.5"
}
workload "k1w0" {
  share          = 0.091266695
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "gpt-5.5"
}
workload "k1w1" {
  share          = 0.091266695
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "gpt-5.5"
}
workload "k2w0" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "self_hosted"
}
workload "k2w1" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "self_hosted"
}
workload "k2w2" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w3" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w4" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w5" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w6" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w7" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
workload "k2w8" {
  share          = 0.059141780
  complexity     = "complex"
  context_tokens = 32768
  route          = "managed"
  model          = "claude-fable-5.2"
}
managed {
  candidates = ["claude-fable-5.2", "claude-opus-5.5", "gpt-5.5"]
}
self_hosted {
  model   = "gpt-oss-20b"
  gpu     = "h100"
  pricing = "spot"
  gpus    = 8
}
quality {
  include_in_decision = true
}
budget {
  monthly_limit_usd = 558457.44
}
