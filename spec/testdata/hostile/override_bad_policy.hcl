team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

override "wildcard" {
  policy   = "*"
  approver = "not-an-email"
  reason   = ""
  expires  = "2027-03-31"
}

override "everything" {
  policy   = "spend"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-03-31"
  scope    = "all"
}
