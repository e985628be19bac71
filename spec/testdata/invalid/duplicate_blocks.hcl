team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

team "acme-two" {
  developers           = 20
  tokens_per_developer = 2e6
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

managed {
  simple_model = "gpt-5.4-mini"
}

managed {
  complex_model = "gpt-5.5"
}

override "q1" {
  policy   = "spend.approval"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-03-31"
}

override "q1" {
  policy   = "spend.limit"
  approver = "cfo@acme.example"
  reason   = "Migration quarter"
  expires  = "2027-03-31"
}
