team "acme" {
  developers           = [for x in [300, 200, 100] : x]
  tokens_per_developer = [2e6, 5e6][*]
  cost_center          = true ? "platform" : 1
}

workload "chat" {
  share      = { a = 1 }.b
  complexity = ["simple", "complex"][2]
}
