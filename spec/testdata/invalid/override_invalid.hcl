team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

override "bad-date" {
  policy   = "spend.approval"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-02-30"
}

override "bad-format" {
  policy   = "Spend Approval"
  approver = ""
  reason   = "Migration quarter"
  expires  = "31/03/2027"
}

override "incomplete" {
  policy = "spend.limit"
}
