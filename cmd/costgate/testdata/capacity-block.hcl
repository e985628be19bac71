# A team whose load needs more than one capacity block of llama-3.3-70b
# (64 × p5.48xlarge): the plan denies the fleet (capacity.fleet_limit)
# rather than price one the stack would refuse to launch.
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
  model    = "llama-3.3-70b"
  pricing  = "capacity_block"
  schedule = "always_on"
}

compliance {
  code_may_leave_network = false
}
