team "../../etc/passwd" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat\nEvil: injected line" {
  share      = 1
  complexity = "complex"
}

override "" {
  policy   = "spend.approval"
  approver = "cfo@acme.example"
  reason   = "x"
  expires  = "2027-03-31"
}
