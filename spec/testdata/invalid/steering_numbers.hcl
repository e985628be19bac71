# Figures that once made the sizer's integer conversions wrap: a utilization
# target of 3e-19 sized a fleet of -9e18 GPUs priced at a negative cost.
team "acme" {
  developers           = 100
  tokens_per_developer = 5e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  gpus               = 20001
  target_utilization = 3e-19
  hours_per_month    = 745
}
