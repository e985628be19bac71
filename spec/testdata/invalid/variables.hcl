team "acme" {
  developers           = var.developers
  tokens_per_developer = [2e6, local.high]
  cost_center          = "${team}-platform"
}

workload "chat" {
  share      = 1
  complexity = simple
}
