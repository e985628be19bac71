# Provider names a pull request could try: another case, a blank, a
# duplicate, a provider only a price book would add, and a cache lifetime
# no provider sells.
team "providers" {
  developers           = 10
  tokens_per_developer = 1e6
  cost_center          = "x"
  cache_ttl            = "1e9h"
}
workload "all" {
  share      = 1
  complexity = "complex"
}
managed {
  complex_model = "claude-sonnet-4.6"
  provider      = "acme"
}
compliance {
  allowed_providers = ["bedrock", "BEDROCK", "", "bedrock"]
}
