team "p3-1073-pinned" {
  developers = 1073
  tokens_per_developer = 1e7
  cost_center = "x"
}
workload "w00" {
  route = "managed"
  share = 0.1628
  complexity = "simple"
  model = "gpt-6.2-sol"
}
workload "w01" {
  route = "managed"
  share = 0.1357
  complexity = "simple"
  model = "gemini-3.8-flash"
}
workload "w02" {
  route = "self_hosted"
  share = 0.2257
  complexity = "simple"
}
workload "w03" {
  route = "self_hosted"
  share = 0.1794
  complexity = "simple"
}
workload "w04" {
  route = "self_hosted"
  share = 0.1334
  complexity = "simple"
}
workload "w05" {
  route = "self_hosted"
  share = 0.1162
  complexity = "simple"
}
workload "w06" {
  route = "self_hosted"
  share = 0.006686
  complexity = "simple"
}
workload "w07" {
  route = "managed"
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w08" {
  route = "managed"
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w09" {
  route = "managed"
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w10" {
  route = "managed"
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w11" {
  route = "managed"
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w12" {
  route = "self_hosted"
  share = 0.006684
  complexity = "simple"
}
managed {
  candidates = ["claude-opus-5.5", "claude-sonnet-5.5", "gemini-3.8-flash", "gpt-6-luna", "gpt-6.2-sol"]
}
self_hosted {
  gpu = "h100"
  gpus = 2
  gpu_hour_usd = 3
}
quality {
  include_in_decision = false
}
