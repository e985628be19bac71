# The range's top corner (900 developers, 3M tokens) is carried by 5 ×
# g5.48xlarge (40 GPUs); the expected fleet, 12 × g5.12xlarge (48 GPUs),
# would run it above its 70 % target (TestRangeHighCarriesItsCorner).
team "t" {
  developers           = [720, 900]
  tokens_per_developer = [2700000, 3000000]
  peak_to_average      = 2
  cost_center          = "x"
}
workload "autocomplete" {
  share      = 0.5
  complexity = "simple"
}
workload "agent" {
  share      = 0.5
  complexity = "complex"
}
managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-4.6"
}
self_hosted {
  model   = "qwen3-coder-30b-a3b"
  gpu     = "a10g"
  pricing = "on_demand"
}
