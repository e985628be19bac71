# The seed examples/seed/50-devs-opus.hcl with a model whose fleet carries
# the team's load: the breakeven command's tests need a breakeven.
team "breakeven-opus" {
  developers           = 50
  tokens_per_developer = [15e6, 30e6]
  cost_center          = "seed"
}

workload "coding" {
  share      = 1
  complexity = "complex"
}

managed {
  complex_model = "claude-opus-4.8"
}

self_hosted {
  model             = "qwen3-coder-30b-a3b"
  pricing           = "reserved"
  gpu_hour_usd      = 3
  gpus              = 4
  hours_per_month   = 720
  ops_usd_per_month = [2000, 4000]
}

quality {
  include_in_decision = false
}
