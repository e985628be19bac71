team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = true
  complexity = ["complex"]
}

compliance {
  code_may_leave_network = "no"
  allowed_providers      = "bedrock"
}

organization {
  gpu_expertise = 1
}

budget {
  alert_emails = "finops@acme.example"
}
