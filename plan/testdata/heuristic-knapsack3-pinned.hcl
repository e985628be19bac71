team "tw900-p-s" {
  developers = 900
  tokens_per_developer = 1e+07
  cost_center = "x"
}
workload "a" {
  share = 0.28
  complexity = "simple"
  model = "claude-sonnet-5.5"
  route = "managed"
  max_ttft_ms = 3000
}
workload "b" {
  share = 0.245
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "c" {
  share = 0.231
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "d" {
  share = 0.224
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t0" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t1" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t2" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t3" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t4" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t5" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t6" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t7" {
  share = 0.002222
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
workload "t8" {
  share = 0.002224
  complexity = "simple"
  route = "self_hosted"
  max_ttft_ms = 3000
}
self_hosted {
  model = "gpt-oss-20b"
  gpu = "h100"
  gpus = 2
  gpu_hour_usd = 3
}
quality {
  include_in_decision = false
}
