# A spec without its team block.
workload "chat" {
  share      = 1
  complexity = "complex"
}
