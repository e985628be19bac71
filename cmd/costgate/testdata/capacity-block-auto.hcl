# The same team with model "auto": a smaller model whose fleet fits one
# capacity block (64 × p5.48xlarge) serves it.
team "capacity-block" {
  developers           = 19438
  tokens_per_developer = [12e6, 28e6]
  peak_to_average      = [2, 3.5]
  cost_center          = "cb"
}

workload "autocomplete" {
  share      = 0.37
  complexity = "simple"
}

workload "agent" {
  share          = 0.63
  complexity     = "complex"
  context_tokens = 32768
}

managed {
  simple_model  = "gpt-5.4-mini"
  complex_model = "claude-sonnet-5.5"
}

self_hosted {
  model    = "auto"
  pricing  = "capacity_block"
  schedule = "always_on"
}

compliance {
  code_may_leave_network = false
}
