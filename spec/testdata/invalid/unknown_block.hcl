team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cost_center          = "platform"

  workload "nested" {
    share = 1
  }
}

worklaod "chat" {
  share      = 1
  complexity = "complex"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

selfhosted {
  gpu = "h100"
}

budget = {
  monthly_limit_usd = 1000
}
