# heuristic-knapsack3 pinned with c (and d) managed: the split
# TestFolderDenialOfTheKnapsackSplit's folder allows.
team "tw900-noc-pinned" {
  developers = 900
  tokens_per_developer = 1e+07
  cost_center = "x"
}
workload "a" {
  share = 0.28
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "b" {
  share = 0.245
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "c" {
  share = 0.231
  complexity = "simple"
  model = "gemini-4-hydrogen"
  max_ttft_ms = 3000
  route = "managed"
}
workload "d" {
  share = 0.224
  complexity = "simple"
  model = "gemini-4-hydrogen"
  max_ttft_ms = 3000
  route = "managed"
}
workload "t0" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t1" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t2" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t3" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t4" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t5" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t6" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t7" {
  share = 0.002222
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
}
workload "t8" {
  share = 0.002224
  complexity = "simple"
  max_ttft_ms = 3000
  route = "self_hosted"
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
