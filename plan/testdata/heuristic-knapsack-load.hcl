team "p3-1073" {
  developers = 1073
  tokens_per_developer = 1e7
  cost_center = "x"
}
workload "w00" {
  share = 0.1628
  complexity = "simple"
  model = "gpt-6.2-sol"
}
workload "w01" {
  share = 0.1357
  complexity = "simple"
  model = "gemini-3.8-flash"
}
workload "w02" {
  share = 0.2257
  complexity = "simple"
  model = "claude-opus-5.5"
}
workload "w03" {
  share = 0.1794
  complexity = "simple"
  model = "claude-sonnet-5.5"
}
workload "w04" {
  share = 0.1334
  complexity = "simple"
  model = "gpt-6.2-sol"
}
workload "w05" {
  share = 0.1162
  complexity = "simple"
  model = "gemini-3.8-flash"
}
workload "w06" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w07" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w08" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w09" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w10" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w11" {
  share = 0.006686
  complexity = "simple"
  model = "gpt-6-luna"
}
workload "w12" {
  share = 0.006684
  complexity = "simple"
  model = "gpt-6-luna"
}
managed {
  candidates = ["claude-opus-5.5", "claude-sonnet-5.5", "gemini-3.8-flash", "gpt-6-luna", "gpt-6.2-sol"]
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
