# Managed (Opus) is over the team's limit; an override of spend.limit
# moves the decision to it where @cfo approved the change, and leaves it
# on the fleet where nobody did.
team "research" {
  developers           = 100
  tokens_per_developer = 9.5e6
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

managed {
  complex_model = "claude-opus-4.8"
}

self_hosted {
  model = "auto"
  gpu   = "auto"
}

budget {
  monthly_limit_usd = 8500
}

override "opus-for-agents" {
  policy   = "spend.limit"
  approver = "@cfo"
  reason   = "agents need opus"
  expires  = "2026-12-30"
}
