team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "${env.USER}-platform"
}

workload "chat" {
  share      = 1
  complexity = "%{ if true }complex%{ endif }"
}
