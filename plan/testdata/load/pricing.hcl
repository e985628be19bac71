# A team whose code stays in the network (managed is denied by
# compliance.external_api) and whose on-demand fleet costs about $8,100 a
# month against a limit of $7,000 (spend.limit); the same fleet at reserved
# rates costs less than the limit.
team "research" {
  developers           = 200
  tokens_per_developer = 3e6
  cost_center          = "research"
}

workload "agent" {
  share      = 1
  complexity = "complex"
}

self_hosted {
  pricing = "on_demand"
}

compliance {
  code_may_leave_network = false
}

budget {
  monthly_limit_usd = 7000
}
