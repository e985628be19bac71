team "acme" {
  developers           = "200"
  tokens_per_developer = { low = 1, high = 2 }
  input_share          = true
  cost_center          = 42
}

workload "chat" {
  share      = [1]
  complexity = 2
}

compliance {
  code_may_leave_network = "no"
  allowed_providers      = "bedrock"
}

organization {
  gpu_expertise = 1
}

budget {
  alert_emails = ["finops@acme.example", 7]
}
