team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

override "feb-30" {
  policy   = "spend.approval"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-02-30"
}

override "month-13" {
  policy   = "spend.limit"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-13-01"
}

override "us-format" {
  policy   = "spend.limit"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "03/31/2027"
}

override "numeric" {
  policy   = "spend.limit"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = 20270331
}
