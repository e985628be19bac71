# A regulated team (payments): code may not leave the network, so only the
# self-hosted fleet is allowed, whatever the managed price.
team "payments-core" {
  developers           = 120
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "payments"
}

workload "autocomplete" {
  share       = 0.6
  complexity  = "simple"
  max_ttft_ms = 1000
}

workload "agent" {
  share      = 0.4
  complexity = "complex"
}

self_hosted {
  model    = "auto"
  pricing  = "reserved"
  schedule = "business_hours"
}

compliance {
  code_may_leave_network = false
}

organization {
  gpu_expertise = true
}

budget {
  monthly_limit_usd  = 40000
  approval_above_usd = 20000
  alert_emails       = ["risk@payments.example"]
}

override "q1-capacity" {
  policy   = "spend.approval"
  approver = "cfo@payments.example"
  reason   = "Fleet bring-up approved for the first quarter"
  expires  = "2027-02-15"
}
