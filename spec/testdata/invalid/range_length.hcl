team "acme" {
  developers           = [100, 200, 300]
  tokens_per_developer = [2e6]
  input_share          = []
  peak_to_average      = ["2", 3]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}
