workload "chat" {
  share      = 1
  complexity = "complex"
}

managed {
  complex_model = "claude-sonnet-4.6"
}
