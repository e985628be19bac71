team "acme" {
  developers           = var.developers
  tokens_per_developer = [2e6, local.max_tokens]
  cost_center          = each.key
}

workload "chat" {
  share      = data.shares.chat
  complexity = complex
}
