team "acme" {
  developers           = max(100, 200)
  tokens_per_developer = [2e6, pow(10, 7)]
  cost_center          = file("/etc/passwd")
}

workload "chat" {
  share      = 1
  complexity = env("COMPLEXITY")
}
