team "acme" {
  developers           = 200
  tokens_per_developer = 2e6
  cached_input_share   = [0.2, 0.7]
  cache_write_share    = [0.1, 0.4]
  cache_ttl            = "2h"
  timezone             = "Europe/Atlantis"
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

managed {
  provider        = "bedrock"
  bedrock_profile = "regionl"
}
